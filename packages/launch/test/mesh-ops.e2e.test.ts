// meshd's Prometheus metrics scraped from real processes after real traffic (issue 16 item 3):
// two nodes on loopback, the first the attestor. After they gossip, each reports rounds, bytes
// both ways, its peer alive, entries by status and (the attestor) attestations made; entries
// posted with broken signatures move rejections{reason="invalid-signature"} by exactly their
// number and the verify-batch histogram by one batch of that size; a valid write moves the
// ingest counter; journal fsyncs are observed. /readyz is what the launcher waits on.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePrivateKey, generateKeyPair, initKeys, toBase64 } from "@chronoseal/core";
import { metricValue, parseMetrics, type Sample } from "@chronoseal/http";
import { signEntry } from "@chronoseal/mesh";
import { afterAll, describe, expect, it } from "vitest";
import { createNetwork, freePort, launchMeshd, type MeshdProcess } from "../src/index.js";
import { until } from "./until.js";

const nodes: MeshdProcess[] = [];
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
});

async function scrape(n: MeshdProcess): Promise<Sample[]> {
  return parseMetrics(await (await fetch(`${n.url}/metrics`)).text());
}

describe("meshd metrics after real traffic", () => {
  it("gossip, peers, entries, attestations, rejections by reason, batches, ingest, fsync", async () => {
    await initKeys();
    const root = mkdtempSync(join(tmpdir(), "mesh-ops-"));
    const attestor = generateKeyPair();
    const net = createNetwork({ tld: "ops", attestors: [toBase64(attestor.publicKey)] });
    writeFileSync(join(root, "settings.json"), JSON.stringify(net.settings));
    writeFileSync(join(root, "attestor.pem"), encodePrivateKey(attestor, "pem") as string);
    const ports = [await freePort(), await freePort()];
    for (let i = 0; i < 2; i++)
      nodes.push(
        await launchMeshd({
          dir: join(root, `n${i}`),
          config: {
            listen: `127.0.0.1:${ports[i]}`,
            gossipMs: 200,
            ...(i === 0 ? { attestorKeyFile: "../attestor.pem" } : {}),
            networks: [
              i === 0
                ? { admin: net.key, settingsFile: "../settings.json" }
                : { admin: net.key, bootstrapPeers: [`http://127.0.0.1:${ports[0]}`] },
            ],
            claims: [`node${i}`],
          },
        }),
      );
    const [n0, n1] = nodes as [MeshdProcess, MeshdProcess];
    expect((await fetch(`${n0.url}/readyz`)).status).toBe(200);
    await until("both names on node 1", () =>
      n1
        .dns()
        .map((l) => l.hostname)
        .sort()
        .join(",") === "node0.ops,node1.ops"
        ? true
        : undefined,
    );
    const s0 = await until("node 0 sees node 1 alive", async () => {
      const s = await scrape(n0);
      return metricValue(s, "chronoseal_mesh_peers", { health: "alive" }) === 1 ? s : undefined;
    });
    const s1 = await scrape(n1);
    expect(metricValue(s1, "chronoseal_mesh_peers", { health: "alive" })).toBe(1);
    for (const s of [s0, s1])
      expect(metricValue(s, "chronoseal_mesh_gossip_rounds_total")).toBeGreaterThan(0);
    // node 1 pulled node 0's state and pushed its own
    expect(metricValue(s1, "chronoseal_mesh_gossip_bytes_total", { direction: "received" })).toBeGreaterThan(
      0,
    );
    expect(metricValue(s1, "chronoseal_mesh_gossip_bytes_total", { direction: "sent" })).toBeGreaterThan(0);
    expect(metricValue(s1, "chronoseal_mesh_ingested_entries_total", { source: "gossip" })).toBeGreaterThan(
      0,
    );
    // settings, two host records, two claims: all attested by node 0
    expect(metricValue(s0, "chronoseal_mesh_entries", { network: net.key, status: "active" })).toBe(5);
    expect(
      metricValue(s0, "chronoseal_mesh_attestations_total", { network: net.key }),
    ).toBeGreaterThanOrEqual(5);
    expect(metricValue(s1, "chronoseal_mesh_attestations_total")).toBe(0); // not an attestor
    expect(
      metricValue(s0, "chronoseal_fsync_duration_seconds_count", { file: "mesh-journal" }),
    ).toBeGreaterThan(0);

    // N entries whose signatures do not verify (each a valid claim, altered after signing)
    const before = await scrape(n0);
    const writer = generateKeyPair();
    const w = toBase64(writer.publicKey);
    const claim = (hostname: string) =>
      signEntry(
        { kind: "claim", network: net.key, writer: w, last_updated: new Date().toISOString(), hostname },
        writer.secretKey,
      );
    const N = 4;
    const forged = Array.from({ length: N }, (_, i) => ({ ...claim(`real${i}`), hostname: `forged${i}` }));
    const url = `${n0.url}/v1/networks/${encodeURIComponent(net.key)}/entries`;
    const r = await fetch(url, { method: "POST", body: JSON.stringify(forged) });
    expect(r.status).toBe(422);
    const good = await fetch(url, { method: "POST", body: JSON.stringify([claim("written")]) });
    expect(good.status).toBe(200);
    const after = await scrape(n0);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      metricValue(after, name, labels) - metricValue(before, name, labels);
    expect(
      delta("chronoseal_mesh_rejections_total", {
        network: net.key,
        kind: "entry",
        reason: "invalid-signature",
      }),
    ).toBe(N);
    expect(delta("chronoseal_mesh_verify_batch_size_count")).toBe(2);
    expect(delta("chronoseal_mesh_verify_batch_size_sum")).toBe(N + 1);
    expect(delta("chronoseal_mesh_ingested_entries_total", { network: net.key, source: "http" })).toBe(1);
    expect(
      delta("chronoseal_http_requests_total", { method: "POST", route: "/v1/networks/:admin/entries" }),
    ).toBe(2);
  });
});
