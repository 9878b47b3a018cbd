// Live names stay live, with real meshd processes on loopback (issue 12 items 1 and 5):
//   - with a host TTL of 4 s, running nodes renew their host records and claims before it runs
//     out: across four TTLs every node keeps every name; a stopped node's names expire on the
//     others and its entries are forgotten;
//   - a node whose only peer died is isolated, goes back to its bootstrap peer with backoff, and
//     rejoins when the peer comes back — here with a new node key at the same address, which
//     only the bootstrap peer (trusted by URL) lets it reach again.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePrivateKey, generateKeyPair, initKeys, toBase64 } from "@chronoseal/core";
import { afterAll, describe, expect, it } from "vitest";
import { createNetwork, freePort, launchMeshd, type MeshdProcess } from "../src/index.js";
import { until } from "./until.js";

const nodes: MeshdProcess[] = [];
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop("SIGKILL")));
});

const ip = (i: number) => `127.0.${12}.${i + 1}`;

async function start(root: string, o: { ttl: number; count: number; extra?: Record<string, unknown> }) {
  await initKeys();
  const attestor = generateKeyPair();
  const net = createNetwork({ tld: "mesh", attestors: [toBase64(attestor.publicKey)], host_ttl: o.ttl });
  writeFileSync(join(root, "settings.json"), JSON.stringify(net.settings));
  writeFileSync(join(root, "attestor.pem"), encodePrivateKey(attestor, "pem") as string);
  const ports = await Promise.all(Array.from({ length: o.count }, () => freePort()));
  const common = { gossipMs: 200, suspicionMs: 600, maxBackoffMs: 1000, ...o.extra };
  const out: MeshdProcess[] = [];
  for (let i = 0; i < o.count; i++) {
    out[i] = await launchMeshd({
      dir: join(root, `n${i}`),
      host: ip(i),
      config: {
        ...common,
        listen: `${ip(i)}:${ports[i]}`,
        ...(i === 0 ? { attestorKeyFile: "../attestor.pem" } : {}),
        networks: [
          i === 0
            ? { admin: net.key, settingsFile: "../settings.json" }
            : { admin: net.key, bootstrapPeers: [`http://${ip(0)}:${ports[0]}`] },
        ],
        claims: [`node${i}`],
      },
    });
    nodes.push(out[i]!);
  }
  return { net, out, ports };
}

const names = (n: MeshdProcess) =>
  n
    .dns()
    .map((l) => l.hostname)
    .sort()
    .join(",");

describe("meshd: live names stay live", () => {
  // 120 s: three daemons run across four 4-second TTLs and one more to expire, on a shared 2-core machine.
  it("running nodes keep their names across several TTLs; a stopped node's names expire", async () => {
    const TTL = 4000;
    const root = mkdtempSync(join(tmpdir(), "meshd-ttl-"));
    const { net, out } = await start(root, { ttl: TTL, count: 3 });
    const all = "node0.mesh,node1.mesh,node2.mesh";
    for (const n of out) await until(`all names on ${n.url}`, () => names(n) === all);
    const path = `/v1/networks/${encodeURIComponent(net.key)}/entries?kind=host`;
    const t0 = Date.now();
    for (let k = 1; k <= 4; k++) {
      // Wait for every node's host record to be renewed past k TTLs from the start...
      await until(`host records renewed past ${k} TTLs`, async () => {
        const r = (await (await fetch(`${out[0]!.url}${path}`)).json()) as {
          entries: { writer: string; time?: string; status: string }[];
        };
        const fresh = new Set(
          r.entries
            .filter((e) => e.status === "active" && e.time && Date.parse(e.time) >= t0 + k * TTL)
            .map((e) => e.writer),
        );
        return fresh.size === 3;
      });
      // ... and every node still has every name.
      for (const n of out) expect(names(n)).toBe(all);
    }
    const st = await out[1]!.status();
    expect(st.networks[0]!.pending).toBe(0);
    // Renewals replace what they renew: the state stays small (settings + ~2 per name and host).
    expect(st.networks[0]!.entries).toBeLessThanOrEqual(1 + 3 * 4);

    // node2 stops: after its lease runs out, its name is gone everywhere and its entries forgotten.
    const node2 = (await out[2]!.status()).node;
    expect(await out[2]!.stop("SIGTERM")).toBe(0);
    for (const n of out.slice(0, 2))
      await until(`node2 expired on ${n.url}`, () => names(n) === "node0.mesh,node1.mesh");
    await until("node2's entries forgotten", async () => {
      const r = (await (
        await fetch(`${out[0]!.url}/v1/networks/${encodeURIComponent(net.key)}/state`)
      ).json()) as {
        entries: { writer: string }[];
      };
      return !r.entries.some((e) => e.writer === node2);
    });
    for (const n of out.slice(0, 2)) expect(await n.stop("SIGTERM")).toBe(0);
  }, 120_000);

  // 90 s: a daemon is killed, another notices and backs off, the first restarts with a new key.
  it("an isolated node goes back to its bootstrap peer until it rejoins", async () => {
    const root = mkdtempSync(join(tmpdir(), "meshd-resurrect-"));
    const { out, ports } = await start(root, { ttl: 0, count: 2 });
    const [seed, n1] = out as [MeshdProcess, MeshdProcess];
    await until("n1 has both names", () => names(n1) === "node0.mesh,node1.mesh");
    expect((await n1.status()).isolated).toBe(false);

    // The seed dies: n1 has no live peer left and goes back to its bootstrap peer, with backoff.
    expect(await seed.stop("SIGKILL")).toBe("SIGKILL");
    await until("n1 isolated", async () => (await n1.status()).isolated);
    await until(
      "n1 went back to its bootstrap peer twice",
      () =>
        readFileSync(join(n1.dir, "meshd.log"), "utf8")
          .split("\n")
          .filter((l) => l.includes("back to the bootstrap peers")).length >= 2,
    );

    // The seed comes back at the same address with a new node key (its old key's member fails the
    // challenge there): only the bootstrap peer, trusted by URL, brings n1 back into the network.
    rmSync(join(seed.dir, "node.pem"));
    const again = await launchMeshd({
      dir: seed.dir,
      host: ip(0),
      config: {
        ...(JSON.parse(readFileSync(join(seed.dir, "meshd.json"), "utf8")) as Record<string, unknown>),
        listen: `${ip(0)}:${ports[0]}`,
        claims: ["seed"],
      },
    });
    nodes.push(again);
    await until("n1 rejoined and learned the seed's new name", () => names(n1).includes("seed.mesh"));
    await until("n1 no longer isolated", async () => !(await n1.status()).isolated);
    expect(readFileSync(join(n1.dir, "meshd.log"), "utf8")).toContain("rejoined the network");
    // The old key's record still names the address; the peer there cannot prove it: reported.
    const impostor = await until("the old key reported", async () =>
      (await n1.status()).impostors.find((x) => x.url === `http://${ip(0)}:${ports[0]}`),
    );
    expect(impostor.answeredBy).toBe((await again.status()).node);
    for (const n of [again, n1]) expect(await n.stop("SIGTERM")).toBe(0);
  }, 90_000);
});
