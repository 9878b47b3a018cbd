// `chronoseal lock audit --mesh` with real processes: two meshd nodes (node 0 holds the attestor
// key, node 1 bootstraps from it) and a collector process; a lock (the real agent, in virtual time)
// publishes its anchors and heads to node 1 and sends its entries to the collector. The CLI reads
// the anchors, heads and the device registration from any node that answers (a dead URL first),
// verifies them itself and shows each anchor's earliest trusted attestation. A node that lies —
// a rogue settings entry, attestations by an untrusted key dated earlier, an attestation whose
// time was edited — changes nothing: nothing is taken on its word. The mesh keeps one head per lock.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePrivateKey, generateKeyPair, initKeys, type KeyPair, toBase64 } from "@chronoseal/core";
import {
  type CollectorProcess,
  createNetwork,
  launchCollector,
  launchMeshd,
  type MeshdProcess,
} from "@chronoseal/launch";
import {
  ANCHOR_SECTION,
  HEAD_SECTION,
  LockAgent,
  type LockEntry,
  MeshAnchors,
  Uplink,
  VirtualClock,
} from "@chronoseal/lock";
import { attestEntry, entryId, type MeshEntry, signEntry } from "@chronoseal/mesh";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run.js";

const MIN = 60_000;
let dir = "";
let mesh: MeshdProcess[] = [];
let collector: CollectorProcess | undefined;
let fake: Server | undefined;
let network = "";
let attestor: KeyPair;
const sent: LockEntry[] = [];
let published = 0;

const idOf = (e: MeshEntry) => {
  const { signatures: _s, ...payload } = e;
  return entryId(payload as never);
};

/** Waits (bounded) until node `url` holds `n` records of `section`, every one attested. */
async function settled(url: string, section: string, n: number, note?: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const r = await fetch(`${url}/v1/networks/${encodeURIComponent(network)}/sections/${section}`);
    const records = ((await r.json()) as { records: { time?: string; value?: { note?: string } }[] }).records;
    // With a note: that note must be there (a newer head replaces the older one in place).
    if (
      records.length >= n &&
      records.every((x) => x.time !== undefined) &&
      (note === undefined || records.some((x) => x.value?.note === note))
    )
      return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`${url}: ${section} did not settle`);
}

beforeAll(async () => {
  await initKeys();
  dir = mkdtempSync(join(tmpdir(), "cli-lock-mesh-"));
  const device = generateKeyPair();
  attestor = generateKeyPair();
  const writers = [toBase64(device.publicKey)];
  const net = createNetwork({
    attestors: [toBase64(attestor.publicKey)],
    sections: {
      [ANCHOR_SECTION]: { policy: "append-only", writers },
      [HEAD_SECTION]: { policy: "latest-per-writer", writers },
    },
  });
  network = net.key;
  writeFileSync(join(dir, "settings.json"), JSON.stringify(net.settings));
  writeFileSync(join(dir, "attestor.pem"), encodePrivateKey(attestor, "pem") as string);
  const node0 = await launchMeshd({
    dir: join(dir, "mesh-0"),
    config: {
      attestorKeyFile: "../attestor.pem",
      networks: [{ admin: net.key, settingsFile: "../settings.json" }],
      gossipMs: 150,
    },
  });
  mesh = [node0];
  mesh.push(
    await launchMeshd({
      dir: join(dir, "mesh-1"),
      config: { networks: [{ admin: net.key, bootstrapPeers: [node0.url] }], gossipMs: 150 },
    }),
  );
  collector = await launchCollector({ dir: join(dir, "collector"), devices: { "door-8": writers[0]! } });

  const clock = new VirtualClock(Date.UTC(2025, 2, 3, 8));
  const sink = new MeshAnchors({ nodes: [mesh[1]!.url], network, keyPair: device });
  const agent = await LockAgent.start({
    dir: join(dir, "device"),
    door: "door-8",
    period: "2025-03",
    keyPair: device,
    driver: clock,
    anchors: sink,
    anchorEvery: 10,
    onEntry: (e) => sent.push(e),
    onAnchor: () => published++,
  });
  const uplink = new Uplink({ dir: join(dir, "device"), collector: collector.url, now: clock.now });
  uplink.attach(agent);
  let heads = 0;
  let lastHead = "";
  agent.subscribe({
    head: (n, _a, error) => {
      if (error) return;
      heads++;
      lastHead = n;
    },
  });
  for (let i = 0; i < 26; i++) {
    clock.advance(2 * MIN);
    await agent.badge(`card-${i % 4}`);
    while (agent.nextWakeup() <= clock.now()) await agent.tick();
  }
  expect(agent.anchorBacklog).toEqual({ pending: 0 });
  expect(heads).toBeGreaterThan(1);
  expect(await uplink.flush()).toMatchObject({ sent: sent.length });
  await settled(mesh[0]!.url, ANCHOR_SECTION, published + 1); // + the device registration
  await settled(mesh[0]!.url, HEAD_SECTION, 1, lastHead); // the newest head, attested
  await agent.stop({ anchor: false }); // leave the head as the newest proof
});

afterAll(async () => {
  await new Promise((r) => (fake ? fake.close(r) : r(undefined)));
  await collector?.stop();
  for (const m of mesh) await m.stop();
});

describe("chronoseal lock audit --mesh (real meshd and collector processes)", () => {
  it("reads anchors, heads and the device key from any node that answers and shows attested times", async () => {
    const r = await runCli(
      ["lock", "audit", "--collector", collector!.url, "--mesh", `http://127.0.0.1:9,${mesh[0]!.url}`],
      "",
      dir,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`door-8/2025-03  verified — ${sent.length} entries received`);
    expect(r.stdout).toMatch(/anchor genesis 1 +device 2025-03-03T08:00:00\.000Z {2}attested 20\d\d-.*Z by /);
    expect(r.stdout).toMatch(/anchor head \d+ +device .* attested /);
    expect(r.stdout).toContain(`anchors from mesh node ${mesh[0]!.url}: 1 trusted attestor`);
    const json = JSON.parse(
      (
        await runCli(
          ["lock", "audit", "--collector", collector!.url, "--mesh", mesh[0]!.url, "--json"],
          "",
          dir,
        )
      ).stdout,
    );
    const [chain] = json.chains;
    expect(chain.anchors.length).toBe(published + 1); // every anchor, and the newest head
    expect(
      chain.anchors.every((a: { attestor?: string }) => a.attestor === toBase64(attestor.publicKey)),
    ).toBe(true);
    const head = chain.anchors.at(-1);
    expect(head.kind).toBe("head");
    expect(chain.headThrough).toBe(head.lastSeq);
    expect(chain.anchoredThrough).toBe(head.lastSeq);
    // The mesh's state keeps one head record for this lock, though it published several heads.
    for (const m of mesh) {
      const state = (await (
        await fetch(`${m.url}/v1/networks/${encodeURIComponent(network)}/state`)
      ).json()) as { entries: MeshEntry[] };
      expect(state.entries.filter((e) => e.kind === "record" && e.section === HEAD_SECTION)).toHaveLength(1);
    }
  });

  it("a collector cutting the tail: dropped up to the newest head, the rest is the reported blind spot", async () => {
    const all = join(dir, "all.ndjson");
    writeFileSync(all, `${sent.map((e) => JSON.stringify(e)).join("\n")}\n`);
    const full = JSON.parse(
      (
        await runCli(
          ["lock", "verify-file", "--mesh", mesh[1]!.url, "--network", network, "--json", all],
          "",
          dir,
        )
      ).stdout,
    );
    const through = full.chains[0].anchoredThrough as number;
    expect(through).toBe(full.chains[0].headThrough);
    expect(full.chains[0].findings).toEqual(
      through < sent.length - 1
        ? [expect.objectContaining({ kind: "unanchored", ranges: [[through + 1, sent.length - 1]] })]
        : [],
    );
    const cut = join(dir, "cut.ndjson");
    writeFileSync(
      cut,
      `${sent
        .filter((e) => e.seq < through - 2)
        .map((e) => JSON.stringify(e))
        .join("\n")}\n`,
    );
    const r = await runCli(
      ["lock", "verify-file", "--mesh", mesh[1]!.url, "--network", network, cut],
      "",
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`  dropped              ${through - 2}-${through}`);
  });

  it("nothing is taken on the node's word", async () => {
    const state = (await (
      await fetch(`${mesh[0]!.url}/v1/networks/${encodeURIComponent(network)}/state`)
    ).json()) as {
      entries: MeshEntry[];
      attestations: Record<string, Record<string, { signed_at: string }>>;
    };
    const rogueAdmin = generateKeyPair();
    const rogueAttestor = generateKeyPair();
    const rogueKey = toBase64(rogueAttestor.publicKey);
    // settings signed by someone else, naming a rogue attestor
    const settings = state.entries.find((e) => e.kind === "settings")!;
    const { signatures: _s, ...payload } = settings;
    const forgedSettings = signEntry(
      {
        ...payload,
        writer: toBase64(rogueAdmin.publicKey),
        attestors: [rogueKey],
        last_updated: new Date().toISOString(),
      } as never,
      rogueAdmin.secretKey,
    );
    const ids = Object.keys(state.attestations);
    const lies = JSON.parse(JSON.stringify(state)) as typeof state;
    lies.entries.push(forgedSettings);
    for (const id of ids) {
      // an earlier attestation by the rogue attestor, and the real attestor's time moved earlier
      const [key, entry] = attestEntry(id, rogueAttestor.secretKey, "2000-01-01T00:00:00.000Z");
      lies.attestations[id]![key] = entry as never;
    }
    // (an anchor's attestation: without the registration's, the door would have no key at all)
    const payloadIds = new Map(
      state.entries.map((e) => [e, Object.keys(state.attestations).find((id) => id === idOf(e))] as const),
    );
    const victim = [...payloadIds].find(
      ([e, id]) => id && e.kind === "record" && e.section === ANCHOR_SECTION && !e.key.startsWith("device:"),
    )![1]!;
    const real = Object.keys(state.attestations[victim]!)[0]!;
    lies.attestations[victim]![real]!.signed_at = "2001-01-01T00:00:00.000Z";
    fake = createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(req.url?.endsWith("/state") ? JSON.stringify(lies) : JSON.stringify({ networks: [network] }));
    });
    await new Promise<void>((r) => fake!.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    const r = await runCli(
      ["lock", "audit", "--collector", collector!.url, "--mesh", url, "--json"],
      "",
      dir,
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const anchors = report.chains[0].anchors as { attested?: string; attestor?: string }[];
    expect(anchors.some((a) => a.attested?.startsWith("200"))).toBe(false);
    expect(anchors.filter((a) => a.attestor === toBase64(attestor.publicKey)).length).toBeGreaterThan(0);
    expect(report.mesh.attestors).toEqual([toBase64(attestor.publicKey)]);
    expect(report.mesh.rejected.unauthorized).toBe(1); // the forged settings
  });
});
