// meshd against hostile peers, with real processes on loopback (issue 12 items 3, 4, 6 and 7):
//   - an impostor's host record naming the attestor's address and port: the attestor stays alive
//     and proven on every node, stays reachable, and the impostor is reported;
//   - a 16 MiB push of 38,000 claims with bogus signatures: status keeps answering while it is
//     verified (in the ingest worker), every entry is refused and counted, the state is intact
//     and the node serves normally afterwards; more entries than the cap: 413, counted;
//   - attestations by an untrusted key and with a bad signature: counted by reason and sender;
//   - DNS over UDP (node's resolver) and TCP: A, AAAA, NODATA, NXDOMAIN and REFUSED; dns.json
//     in the `ips` format.
import { randomBytes } from "node:crypto";
import { Resolver } from "node:dns/promises";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodePrivateKey, encodePrivateKey, generateKeyPair, initKeys, toBase64 } from "@chronoseal/core";
import { attestEntry, type MeshEntry, signEntry } from "@chronoseal/mesh";
import dnsPacket from "dns-packet";
import { afterAll, describe, expect, it } from "vitest";
import { createNetwork, freePort, launchMeshd, type MeshdProcess } from "../src/index.js";
import { until } from "./until.js";

const nodes: MeshdProcess[] = [];
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop("SIGKILL")));
});
const ip = (i: number) => `127.0.13.${i + 1}`;

/** One DNS query over TCP (two-byte length prefix); the decoded answer. */
function tcpQuery(host: string, port: number, name: string, type: "A" | "AAAA") {
  return new Promise<dnsPacket.DecodedPacket & { rcode?: string }>((resolve, reject) => {
    const socket = connect(port, host);
    let buf = Buffer.alloc(0);
    socket.on("connect", () =>
      socket.write(dnsPacket.streamEncode({ type: "query", id: 7, questions: [{ type, name }] })),
    );
    socket.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        socket.end();
        resolve(dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))) as never);
      }
    });
    socket.on("error", reject);
  });
}

describe("meshd against hostile peers", () => {
  // 180 s: three daemons, a 16 MiB body verified on a shared 2-core machine, DNS over two transports.
  it("impostor record, hostile 16 MiB push, refusals counted, DNS for non-members", async () => {
    await initKeys();
    const root = mkdtempSync(join(tmpdir(), "meshd-hostile-"));
    const attestor = generateKeyPair();
    const net = createNetwork({
      tld: "mesh",
      attestors: [toBase64(attestor.publicKey)],
      overrides: { v6: ["2001:db8::1"] },
    });
    writeFileSync(join(root, "settings.json"), JSON.stringify(net.settings));
    writeFileSync(join(root, "attestor.pem"), encodePrivateKey(attestor, "pem") as string);
    const ports = await Promise.all([0, 1, 2].map(() => freePort()));
    const dnsPort = await freePort();
    const seed = `http://${ip(0)}:${ports[0]}`;
    for (let i = 0; i < 3; i++)
      nodes[i] = await launchMeshd({
        dir: join(root, `n${i}`),
        host: ip(i),
        config: {
          gossipMs: 200,
          suspicionMs: 600,
          listen: `${ip(i)}:${ports[i]}`,
          ...(i === 0 ? { attestorKeyFile: "../attestor.pem" } : {}),
          networks: [
            i === 0
              ? { admin: net.key, settingsFile: "../settings.json" }
              : { admin: net.key, bootstrapPeers: [seed] },
          ],
          claims: [`node${i}`],
          ...(i === 1
            ? {
                dns: { listen: `${ip(1)}:${dnsPort}`, ttl: 5 },
                dnsFormat: "ips",
                maxEntriesPerRequest: 40_000,
              }
            : {}),
        },
      });
    const [n0, n1, n2] = nodes as [MeshdProcess, MeshdProcess, MeshdProcess];
    const api = `/v1/networks/${encodeURIComponent(net.key)}`;
    const dnsNames = (n: MeshdProcess) =>
      readFileSync(join(n.dir, "dns.json"), "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    await until("all names on n1", () => dnsNames(n1).length === 4);
    const attestorNode = (await n0.status()).node;

    // 1. An impostor's host record for the attestor's address and port, and a claim of its own.
    const impostor = generateKeyPair();
    const ik = toBase64(impostor.publicKey);
    const now = new Date().toISOString();
    const forged: MeshEntry[] = [
      signEntry(
        {
          kind: "host",
          network: net.key,
          writer: ik,
          last_updated: now,
          addresses: [ip(0)],
          port: ports[0]!,
        },
        impostor.secretKey,
      ),
      signEntry(
        { kind: "claim", network: net.key, writer: ik, last_updated: now, hostname: "evil" },
        impostor.secretKey,
      ),
    ];
    const posted = await fetch(`${n2.url}${api}/entries`, { method: "POST", body: JSON.stringify(forged) });
    expect(posted.status).toBe(200);
    for (const n of [n1, n2]) {
      await until(`impostor reported on ${n.url}`, async () =>
        (await n.status()).impostors.some(
          (x) => x.key === ik && x.url === seed && x.answeredBy === attestorNode,
        ),
      );
      const st = await n.status();
      const real = st.peers.find((p) => p.claimedBy === attestorNode)!;
      expect(real).toMatchObject({ url: seed, health: "alive", verified: true });
      expect(st.peers.find((p) => p.claimedBy === ik)).toMatchObject({ health: "dead", verified: false });
      expect(st.networks[0]).toMatchObject({ attestorReachable: true, readOnlyForNewClaims: false });
    }
    // ... and the attestor really is reachable: a new claim on n2 is attested and reaches n1.
    const n2key = (await n2.status()).node;
    const n2kp = decodePrivateKey(readFileSync(join(n2.dir, "node.pem"), "utf8"));
    const late = signEntry(
      {
        kind: "claim",
        network: net.key,
        writer: n2key,
        last_updated: new Date().toISOString(),
        hostname: "late",
      },
      n2kp.secretKey,
    );
    await fetch(`${n2.url}${api}/entries`, { method: "POST", body: JSON.stringify([late]) });
    await until("late active on n1", () => dnsNames(n1).some((l) => l.hostname === "late.mesh"));

    // 2. A 16 MiB push of 38,000 claims with bogus signatures, while status is polled.
    const before = await n1.status();
    const stateBefore = await (await fetch(`${n1.url}${api}/state`)).text();
    const N = 38_000;
    const entries = Array.from({ length: N }, (_, i) => ({
      kind: "claim",
      network: net.key,
      writer: toBase64(randomBytes(32)),
      last_updated: now,
      hostname: `h${i}-${"x".repeat(42)}`,
      signatures: { [toBase64(randomBytes(32))]: { signed_at: now, signature: toBase64(randomBytes(64)) } },
    }));
    const body = JSON.stringify({ version: 1, network: net.key, entries, attestations: {} });
    expect(body.length).toBeGreaterThan(15 << 20);
    expect(body.length).toBeLessThanOrEqual(16 << 20);
    let done = false;
    const push = fetch(`${n1.url}${api}/push`, { method: "POST", body }).then((r) => {
      done = true;
      return r;
    });
    let answeredDuring = 0;
    while (!done) {
      const r = await fetch(`${n1.url}/v1/status`);
      expect(r.status).toBe(200);
      await r.arrayBuffer();
      if (!done) answeredDuring++;
    }
    const pushed = await push;
    expect(pushed.status).toBe(422);
    expect(answeredDuring).toBeGreaterThan(0);
    const after = await n1.status();
    expect(after.networks[0]!.rejected["invalid-signature"]).toBe(
      (before.networks[0]!.rejected["invalid-signature"] ?? 0) + N,
    );
    const sender = Object.entries(after.refused.bySender).find(
      ([, c]) => c.entries["invalid-signature"] === N,
    );
    expect(sender?.[1].requests["422 ERR_REJECTED"]).toBe(1);
    expect(await (await fetch(`${n1.url}${api}/state`)).text()).toBe(stateBefore);
    // More entries than the cap (40,000 on n1): 413 before any verification, counted.
    const many = await fetch(`${n1.url}${api}/entries`, {
      method: "POST",
      body: JSON.stringify(Array.from({ length: 40_001 }, () => ({}))),
    });
    expect(many.status).toBe(413);
    expect(((await many.json()) as { code: string }).code).toBe("ERR_TOO_MANY_ENTRIES");
    expect((await n1.status()).refused.requests["413 ERR_TOO_MANY_ENTRIES"]).toBe(1);

    // 3. Attestations by an untrusted key and with a bad signature are counted by reason and sender.
    const state = (await (await fetch(`${n1.url}${api}/state`)).json()) as { entries: MeshEntry[] };
    const claim = state.entries.find((e) => e.kind === "claim")!;
    const ids = (await (await fetch(`${n1.url}${api}/entries?kind=claim`)).json()) as {
      entries: { id: string }[];
    };
    const id = ids.entries[0]!.id;
    const [uk, ue] = attestEntry(id, impostor.secretKey);
    const [ak, ae] = attestEntry(id, attestor.secretKey);
    const att = await fetch(`${n1.url}${api}/push`, {
      method: "POST",
      body: JSON.stringify({
        version: 1,
        network: net.key,
        entries: [claim],
        attestations: { [id]: { [uk]: ue, [ak]: { ...ae, signed_at: "2020-01-01T00:00:00.000Z" } } },
      }),
    });
    expect([200, 422]).toContain(att.status);
    const counted = await n1.status();
    expect(counted.networks[0]!.rejectedAttestations).toMatchObject({ untrusted: 1, "invalid-signature": 1 });
    expect(Object.values(counted.refused.bySender).some((c) => c.attestations.untrusted === 1)).toBe(true);

    // 4. Normal service afterwards: a new claim still goes through everywhere.
    const after2 = signEntry(
      {
        kind: "claim",
        network: net.key,
        writer: n2key,
        last_updated: new Date().toISOString(),
        hostname: "after",
      },
      n2kp.secretKey,
    );
    expect(
      (await fetch(`${n1.url}${api}/entries`, { method: "POST", body: JSON.stringify([after2]) })).status,
    ).toBe(200);
    await until("after active on n0", async () =>
      (await n0.status()).networks[0]!.names.some((x) => x.hostname === "after"),
    );

    // 5. DNS for non-members, over UDP (node's resolver) and TCP.
    expect(dnsNames(n1).find((l) => l.hostname === "v6.mesh")).toEqual({
      hostname: "v6.mesh",
      ips: ["2001:db8::1"],
    });
    const r = new Resolver({ timeout: 2000, tries: 2 });
    r.setServers([`${ip(1)}:${dnsPort}`]);
    expect(await r.resolve4("node0.mesh")).toEqual([ip(0)]);
    expect(await r.resolve4("NODE2.Mesh")).toEqual([ip(2)]);
    expect(await r.resolve6("v6.mesh")).toEqual(["2001:db8::1"]);
    await expect(r.resolve6("node0.mesh")).rejects.toMatchObject({ code: "ENODATA" });
    await expect(r.resolve4("nope.mesh")).rejects.toMatchObject({ code: "ENOTFOUND" });
    await expect(r.resolve4("example.com")).rejects.toMatchObject({ code: "EREFUSED" });
    const a = await tcpQuery(ip(1), dnsPort, "node0.mesh", "A");
    expect(a).toMatchObject({ id: 7, rcode: "NOERROR", flag_aa: true });
    expect(a.answers).toMatchObject([{ name: "node0.mesh", type: "A", data: ip(0), ttl: 5 }]);
    const aaaa = await tcpQuery(ip(1), dnsPort, "v6.mesh", "AAAA");
    expect(aaaa.answers).toMatchObject([{ type: "AAAA", data: "2001:db8::1" }]);
    expect((await tcpQuery(ip(1), dnsPort, "nope.mesh", "A")).rcode).toBe("NXDOMAIN");
    expect((await tcpQuery(ip(1), dnsPort, "example.com", "A")).rcode).toBe("REFUSED");

    for (const n of nodes) expect(await n.stop("SIGTERM")).toBe(0);
  }, 180_000);
});
