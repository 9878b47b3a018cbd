// CRDT laws of the network state, conflicts, forged signatures, bans and tombstones.

import { signDocument } from "@chronoseal/core";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { CONTEXTS, type MeshEntry, signEntry } from "../src/entries.js";
import { NetworkState, type StateJSON } from "../src/state.js";
import { attestAll, digest } from "../src/sync.js";
import { dnsLines, hostnames, mergeDns } from "../src/views.js";
import { iso, T0, world } from "./fixtures.js";

let w: Awaited<ReturnType<typeof world>>;
let pool: { entries: MeshEntry[]; attested: StateJSON["attestations"] };

beforeAll(async () => {
  w = await world(5);
  // A pool of entries (settings versions with ties, hosts, conflicting claims, a tombstone) and
  // attestations made at different times.
  const entries: MeshEntry[] = [
    w.settings({}, T0),
    w.settings({ tld: "mesh" }, T0 + 5000),
    w.settings({ tld: "tie" }, T0 + 5000),
    ...w.nodes.map((n, i) => w.host(n, `fdcc::${i + 1}`)),
    w.claim(w.nodes[0]!, "mors"),
    w.claim(w.nodes[1]!, "mors", T0 + 1),
    w.claim(w.nodes[2]!, "ceres"),
  ];
  const s = new NetworkState(w.admin.key);
  s.ingest(entries);
  const byClaim = new Map<string, number>();
  let k = 0;
  for (const id of s.entries.keys()) byClaim.set(id, (k++ * 7919) % 50);
  const attested: StateJSON["attestations"] = {};
  for (const [id, dt] of byClaim) {
    const a = new NetworkState(w.admin.key);
    a.ingest([s.entries.get(id)!, entries[0]!]);
    attestAll(a, { publicKey: w.attestor.key, secretKey: w.attestor.kp.secretKey }, T0 + 1000 + dt * 1000);
    attested[id] = a.attestations.get(id)!;
  }
  const tomb = signEntry(
    {
      kind: "tombstone",
      network: w.admin.key,
      writer: w.nodes[2]!.key,
      last_updated: iso(T0 + 10),
      target: [...s.entries].find(([, e]) => e.kind === "claim" && e.hostname === "ceres")![0],
    },
    w.nodes[2]!.kp.secretKey,
    T0 + 10,
  );
  pool = { entries: [...entries, tomb], attested };
});

const subset = () =>
  fc.record({ e: fc.subarray([...Array(13).keys()]), a: fc.subarray([...Array(13).keys()]) });

function build(sel: { e: number[]; a: number[] }): NetworkState {
  const s = new NetworkState(w.admin.key);
  const ids = Object.keys(pool.attested);
  s.ingest(
    sel.e.map((i) => pool.entries[i]!).filter(Boolean),
    Object.fromEntries(sel.a.map((i) => [ids[i % ids.length]!, pool.attested[ids[i % ids.length]!]!])),
  );
  return s;
}
const merged = (...ss: NetworkState[]) => {
  const out = new NetworkState(w.admin.key);
  for (const s of ss) out.merge(s);
  return out;
};

describe("network state CRDT", () => {
  it("merge is commutative, associative and idempotent (digests and views agree)", () => {
    fc.assert(
      fc.property(subset(), subset(), subset(), (x, y, z) => {
        const [a, b, c] = [build(x), build(y), build(z)];
        expect(digest(merged(a, b)).root).toBe(digest(merged(b, a)).root);
        expect(digest(merged(merged(a, b), c)).root).toBe(digest(merged(a, merged(b, c))).root);
        expect(digest(merged(a, a)).root).toBe(digest(merged(a)).root);
        expect(hostnames(merged(a, b, c), T0).active).toEqual(hostnames(merged(c, a, b), T0).active);
      }),
      { seed: 5, numRuns: 60 },
    );
  });

  it("the winner of a hostname conflict is the earliest attested claim, whatever the merge order", () => {
    const all = build({ e: [...Array(13).keys()], a: [...Array(13).keys()] });
    const names = hostnames(all, T0);
    const mors = names.active.find((n) => n.hostname === "mors")!;
    const claims = [...all.entries].filter(([, e]) => e.kind === "claim" && e.hostname === "mors");
    const earliest = claims
      .map(([id]) => [id, all.timeOf(id)!] as const)
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    expect(mors.claim).toBe(earliest[0]);
    // the deleted claim never comes back, in any merge order
    expect(names.active.some((n) => n.hostname === "ceres")).toBe(false);
    const tombless = build({ e: [...Array(12).keys()], a: [...Array(13).keys()] });
    expect(hostnames(merged(tombless, all), T0).active.some((n) => n.hostname === "ceres")).toBe(false);
    expect(hostnames(merged(all, tombless), T0).active.some((n) => n.hostname === "ceres")).toBe(false);
    // settings tie on last_updated resolves the same everywhere
    expect(merged(all).settings()?.tld).toBe(merged(tombless, all).settings()?.tld);
  });

  it("deleted or expired entries never come back, whatever is merged in and in which order (property)", () => {
    const tomb = pool.entries.length - 1; // the tombstone of node 2's "ceres" claim
    const ttl = 60_000;
    const late = T0 + 1000 + 50 * 1000 + ttl + 1; // after every attested time + ttl
    const ttlSettings = w.settings({ host_ttl: ttl }, T0 + 9000);
    fc.assert(
      fc.property(subset(), subset(), (x, y) => {
        const deleting = build({ e: [...new Set([...x.e, tomb])], a: x.a });
        const other = build(y);
        for (const m of [merged(deleting, other), merged(other, deleting)])
          expect(hostnames(m, T0).active.some((n) => n.hostname === "ceres")).toBe(false);
        const expiring = build(x);
        expiring.ingest([ttlSettings]);
        for (const m of [merged(expiring, other), merged(other, expiring)]) {
          expect(hostnames(m, late).active).toEqual([]);
          expect(dnsLines(m, late)).toEqual([]);
        }
      }),
      { seed: 11, numRuns: 40 },
    );
  });

  it("a state with one forged signature merges to the same result as without it", () => {
    const base = build({ e: [...Array(13).keys()], a: [...Array(13).keys()] });
    const forged = { ...w.claim(w.nodes[3]!, "vesta"), hostname: "pallas" } as MeshEntry; // payload changed after signing
    const withForgery = build({ e: [...Array(13).keys()], a: [] });
    const r = withForgery.ingest([forged]);
    expect(r.rejected["invalid-signature"]).toBe(1);
    expect(digest(merged(base, withForgery)).root).toBe(digest(base).root);
  });

  it("a signature made for another kind's context does not pass, though all kinds share one verification call", () => {
    // Writer signatures of every kind are verified together (a node's host record and claims in
    // one batch); each is still checked under its own kind's context, with or without the
    // signature entry's context hint.
    const n = w.nodes[4]!;
    const host = w.host(n, "fdcc::99", T0 + 7);
    const claim = w.claim(n, "juno", T0 + 7);
    const { signatures: _h, ...payload } = host;
    const crossed = signDocument(payload, {
      secretKey: n.kp.secretKey,
      context: CONTEXTS.claim,
      signedAt: T0 + 7,
    });
    const hint = crossed.signatures[n.key]!;
    const { context: _c, ...bare } = hint;
    const stripped = { ...crossed, signatures: { [n.key]: bare } } as MeshEntry;
    const s = new NetworkState(w.admin.key);
    s.ingest([w.settings({}, T0)]);
    // Each alone (they share the host record's id, and the first copy of an id is the one judged).
    for (const forged of [crossed as MeshEntry, stripped]) {
      const r = s.ingest([claim, forged]);
      expect(r.rejected["invalid-signature"]).toBe(1);
    }
    expect(s.ingest([claim, host]).added).toBe(1); // the claim was added by the first call
    expect(s.entries.size).toBe(3);
  });

  it("pending claims are kept but inactive; unattested networks are read-only for new names", () => {
    const s = new NetworkState(w.admin.key);
    s.ingest([w.settings(), w.host(w.nodes[0]!, "fdcc::1"), w.claim(w.nodes[0]!, "mors")]);
    expect(hostnames(s, T0)).toMatchObject({ active: [], pending: [{ hostname: "mors" }] });
    attestAll(s, { publicKey: w.attestor.key, secretKey: w.attestor.kp.secretKey }, T0 + 1000);
    expect(dnsLines(s, T0 + 2000)).toEqual([{ hostname: "mors.nether", ip: "fdcc::1" }]);
  });

  it("bans apply in any order; unauthorized section writers are rejected", () => {
    const claim = w.claim(w.nodes[4]!, "rogue");
    const ban = w.settings({ banned: [w.nodes[4]!.key] }, T0 + 9000);
    const a = new NetworkState(w.admin.key);
    a.ingest([w.settings(), claim]);
    a.ingest([ban]);
    const b = new NetworkState(w.admin.key);
    const rb = b.ingest([w.settings(), ban, claim]);
    expect(rb.rejected.banned).toBe(1);
    expect(digest(a).root).toBe(digest(b).root);
    const rec = signEntry(
      {
        kind: "record",
        network: w.admin.key,
        writer: w.nodes[1]!.key,
        last_updated: iso(T0),
        section: "anchors",
        key: "k",
        value: 1,
      },
      w.nodes[1]!.kp.secretKey,
      T0,
    );
    expect(b.ingest([rec]).rejected.unauthorized).toBe(1);
    const notAdmin = signEntry(
      { ...(w.settings() as object), writer: w.nodes[1]!.key } as never,
      w.nodes[1]!.kp.secretKey,
      T0,
    );
    expect(b.ingest([notAdmin]).rejected.unauthorized).toBe(1);
  });

  it("two networks with priorities 1 and 1.5 claiming the same name: priority 1 wins", () => {
    const lines = mergeDns([
      { priority: 1.5, network: "B", lines: [{ hostname: "mors.nether", ip: "fdcc::b" }] },
      { priority: 1, network: "A", lines: [{ hostname: "mors.nether", ip: "fdcc::a" }] },
    ]);
    expect(lines).toEqual([{ hostname: "mors.nether", ip: "fdcc::a" }]);
  });
});
