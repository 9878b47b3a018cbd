// End to end with five real meshd processes on loopback (each on its own 127.0.0.x address, so
// dns.json tells the nodes apart). One of them is the attestor; the others bootstrap from it —
// by peer URL, by a data.json URL, or by a data.json file. The scenarios of issue 5, in order:
// every claim reaches every dns.json; two nodes claiming one name resolve to the earliest
// attested claim everywhere; the attestor stopped → new claims stay pending and the network says
// it is read-only for new claims, restarted → they activate; SIGKILL + restart keeps the state;
// a bad peer's malformed, oversized and forged payloads are refused and the others keep serving;
// a second network with priority 1.5 loses a name collision to the priority-1 network.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePrivateKey, generateKeyPair, initKeys, type KeyPair, toBase64 } from "@chronoseal/core";
import { type MeshEntry, signEntry } from "@chronoseal/mesh";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createNetwork, freePort, launchMeshd, type MeshdProcess } from "../src/index.js";

const nodes: MeshdProcess[] = [];
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop("SIGKILL")));
});

/** Waits until `f` returns something other than undefined or false (it is retried on a throw). */
function until<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
  return vi.waitFor(
    async () => {
      const v = await f();
      if (v === undefined || v === false) throw new Error(`still waiting for ${what}`);
      return v as T;
    },
    // A bound on waiting (gossip under load), not a timing assertion.
    { timeout: 60_000, interval: 100 },
  );
}

const ip = (i: number) => `127.0.0.${i + 1}`;
const names = (n: MeshdProcess) =>
  n
    .dns()
    .map((l) => `${l.hostname}=${l.ip}`)
    .sort()
    .join(",");

describe("meshd: five real daemons", () => {
  // 180 s, not the default 30 s: five daemons start, converge, stop and restart in turn, each step
  // waiting for gossip; on a loaded 2-core machine that takes minutes.
  it("converge, resolve conflicts by attestation, go read-only without the attestor, survive SIGKILL and bad peers", async () => {
    await initKeys();
    const root = mkdtempSync(join(tmpdir(), "meshd-five-"));
    const attestor = generateKeyPair();
    const A = createNetwork({ tld: "mesh", attestors: [toBase64(attestor.publicKey)] });
    const B = createNetwork({ tld: "mesh", attestors: [toBase64(attestor.publicKey)] });
    writeFileSync(join(root, "a.json"), JSON.stringify(A.settings));
    writeFileSync(join(root, "b.json"), JSON.stringify(B.settings));
    writeFileSync(join(root, "attestor.pem"), encodePrivateKey(attestor, "pem") as string);
    const keys: KeyPair[] = Array.from({ length: 5 }, () => generateKeyPair());
    const ports = await Promise.all(keys.map(() => freePort()));
    const common = { gossipMs: 100, suspicionMs: 300 };

    // n0: the attestor, starts both networks.
    nodes[0] = await launchMeshd({
      dir: join(root, "n0"),
      host: ip(0),
      nodeKey: keys[0]!,
      config: {
        ...common,
        listen: `${ip(0)}:${ports[0]}`,
        attestorKeyFile: "../attestor.pem",
        networks: [
          { admin: A.key, priority: 1, settingsFile: "../a.json" },
          { admin: B.key, priority: 1.5, settingsFile: "../b.json" },
        ],
        claims: ["node0"],
      },
    });
    const aPath = `/v1/networks/${encodeURIComponent(A.key)}`;
    // n1, n2: bootstrap from n0 by peer URL; both claim "shared".
    for (const i of [1, 2]) {
      nodes[i] = await launchMeshd({
        dir: join(root, `n${i}`),
        host: ip(i),
        nodeKey: keys[i]!,
        config: {
          ...common,
          listen: `${ip(i)}:${ports[i]}`,
          networks: [{ admin: A.key, bootstrapPeers: [nodes[0]!.url] }],
          claims: [`node${i}`, "shared"],
        },
      });
    }
    // n3: from data.json URLs only; it also joins network B (priority 1.5), where it claims "node1".
    nodes[3] = await launchMeshd({
      dir: join(root, "n3"),
      host: ip(3),
      nodeKey: keys[3]!,
      config: {
        ...common,
        listen: `${ip(3)}:${ports[3]}`,
        networks: [
          { admin: A.key, priority: 1, bootstrapUrls: [`${nodes[0]!.url}${aPath}/state`] },
          {
            admin: B.key,
            priority: 1.5,
            bootstrapUrls: [`${nodes[0]!.url}/v1/networks/${encodeURIComponent(B.key)}/state`],
            claims: ["node1"],
          },
        ],
        claims: ["node3"],
      },
    });
    // n4: from a data.json file only.
    writeFileSync(join(root, "snapshot.json"), await (await fetch(`${nodes[0]!.url}${aPath}/state`)).text());
    nodes[4] = await launchMeshd({
      dir: join(root, "n4"),
      host: ip(4),
      nodeKey: keys[4]!,
      config: {
        ...common,
        listen: `${ip(4)}:${ports[4]}`,
        networks: [{ admin: A.key, bootstrapUrls: ["../snapshot.json"] }],
        claims: ["node4"],
      },
    });

    // 1. Every claim in every dns.json; "shared" goes to the earliest attested claim everywhere.
    const expected = (extra: string[]) =>
      [...[0, 1, 2, 3, 4].map((i) => `node${i}.mesh=${ip(i)}`), ...extra].sort().join(",");
    const sharedOwner = await until("the attested winner of shared", async () => {
      const claims = (await (await fetch(`${nodes[0]!.url}${aPath}/entries?kind=claim`)).json()) as {
        entries: { id: string; writer: string; time?: string; entry: MeshEntry & { hostname: string } }[];
      };
      const shared = claims.entries.filter((c) => c.entry.hostname === "shared");
      if (shared.length !== 2 || shared.some((c) => c.time === undefined)) return undefined;
      shared.sort((a, b) => (a.time! < b.time! ? -1 : a.time! > b.time! ? 1 : a.id < b.id ? -1 : 1));
      return shared[0]!.writer;
    });
    const winner = keys.findIndex((k) => toBase64(k.publicKey) === sharedOwner);
    expect([1, 2]).toContain(winner);
    const all = expected([`shared.mesh=${ip(winner)}`]);
    for (const n of nodes) await until(`all names in ${n.dir}/dns.json`, () => names(n) === all);

    // Network B (priority 1.5) also has node1.mesh, owned by n3: the priority-1 answer wins on n3.
    await until("node1 active in network B on n3", async () => {
      const st = await nodes[3]!.status();
      return st.networks.find((x) => x.network === B.key)?.names.some((x) => x.hostname === "node1");
    });
    expect(nodes[3]!.dns().filter((l) => l.hostname === "node1.mesh")).toEqual([
      { hostname: "node1.mesh", ip: ip(1) },
    ]);

    // 2. The attestor stops: a new claim stays pending everywhere, and the network is read-only.
    expect(await nodes[0]!.stop("SIGTERM")).toBe(0);
    const claim = (i: number, hostname: string) =>
      signEntry(
        {
          kind: "claim",
          network: A.key,
          writer: toBase64(keys[i]!.publicKey),
          last_updated: new Date().toISOString(),
          hostname,
        },
        keys[i]!.secretKey,
      );
    const r = await fetch(`${nodes[2]!.url}${aPath}/entries`, {
      method: "POST",
      body: JSON.stringify([claim(2, "late")]),
    });
    expect(r.status).toBe(200);
    for (const n of nodes.slice(1))
      await until(`late pending and read-only on ${n.url}`, async () => {
        const a = (await n.status()).networks.find((x) => x.network === A.key)!;
        return a.pendingNames.some((p) => p.hostname === "late") && a.readOnlyForNewClaims;
      });
    for (const n of nodes.slice(1)) expect(n.dns().some((l) => l.hostname === "late.mesh")).toBe(false);

    // ... restarted: the pending claim is attested and activates on every node.
    await nodes[0]!.start();
    for (const n of nodes)
      await until(`late active on ${n.url}`, () =>
        n.dns().some((l) => l.hostname === "late.mesh" && l.ip === ip(2)),
      );
    for (const n of nodes)
      await until(`attestor reachable again on ${n.url}`, async () => {
        const a = (await n.status()).networks.find((x) => x.network === A.key)!;
        return !a.readOnlyForNewClaims && a.pending === 0;
      });

    // 3. SIGKILL and restart: the node starts from its own state file with everything it had.
    const before = (await (await fetch(`${nodes[4]!.url}${aPath}/state`)).json()) as { entries: unknown[] };
    expect(await nodes[4]!.stop("SIGKILL")).toBe("SIGKILL");
    await nodes[4]!.start();
    const loaded = readFileSync(join(nodes[4]!.dir, "meshd.log"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { msg: string; entries?: number })
      .filter((l) => l.msg === "state loaded");
    expect(loaded.length).toBe(2);
    expect(loaded.at(-1)!.entries).toBe(before.entries.length);
    expect(names(nodes[4]!)).toBe(expected([`shared.mesh=${ip(winner)}`, `late.mesh=${ip(2)}`]));

    // 4. A bad peer: malformed, oversized and forged payloads get 4xx; every node keeps serving.
    const bad = `${nodes[1]!.url}${aPath}`;
    const post = async (op: string, body: string) =>
      (await fetch(`${bad}/${op}`, { method: "POST", body })).status;
    expect(await post("push", "{nope")).toBe(400);
    expect(
      await post(
        "push",
        JSON.stringify({ version: 1, network: A.key, entries: [{ kind: "claim" }], attestations: {} }),
      ),
    ).toBe(400);
    expect(await post("entries", JSON.stringify([{ kind: 7 }]))).toBe(400);
    expect(await post("reconcile", JSON.stringify({ summaries: { 999: [] } }))).toBe(400);
    expect(await post("reconcile", JSON.stringify({ summaries: { 7: ["<script>"] } }))).toBe(400);
    expect(await post("slice", JSON.stringify({ buckets: [-1] }))).toBe(400);
    expect(await post("push", "x".repeat(17 << 20))).toBe(413);
    const forged = { ...claim(3, "forged"), hostname: "stolen" };
    expect(await post("entries", JSON.stringify([forged]))).toBe(422);
    const stranger = generateKeyPair();
    const { signatures: _, ...payload } = A.settings;
    const outsider = signEntry(
      { ...payload, tld: "evil", writer: toBase64(stranger.publicKey) } as never,
      stranger.secretKey,
    );
    expect(await post("entries", JSON.stringify([outsider]))).toBe(422);
    const st1 = (await nodes[1]!.status()).networks.find((x) => x.network === A.key)!;
    expect(st1.rejected).toMatchObject({ "invalid-signature": 1, unauthorized: 1 });
    // ... and the network still works: a fresh claim reaches everyone, nothing was corrupted.
    await fetch(`${nodes[3]!.url}${aPath}/entries`, {
      method: "POST",
      body: JSON.stringify([claim(3, "after")]),
    });
    for (const n of nodes)
      await until(`after active on ${n.url}`, () =>
        n.dns().some((l) => l.hostname === "after.mesh" && l.ip === ip(3)),
      );
    for (const n of nodes) expect(n.dns().some((l) => l.hostname.startsWith("stolen"))).toBe(false);

    for (const n of nodes) expect(await n.stop("SIGTERM")).toBe(0);
  }, 180_000);
});
