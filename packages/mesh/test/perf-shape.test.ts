// The fast paths agree with the straightforward ones: batch ids and linear dedupe, incremental
// digests (against the digest recomputed from scratch), the shared verification cache, the
// attestation pre-filter, and protocol 2 (item summaries) of sync.ts. No timing here.
import { canonicalize, sha256, toBase64 } from "@chronoseal/core";
import { beforeAll, describe, expect, it } from "vitest";
import { attestEntry, entryId, type MeshEntry } from "../src/entries.js";
import { messageSize, simulate } from "../src/sim.js";
import { NetworkState, type VerifiedCache } from "../src/state.js";
import {
  attestAll,
  checkSummaries,
  differingBuckets,
  digest,
  itemsFor,
  reconcile,
  slice,
  summaries,
} from "../src/sync.js";
import { T0, world } from "./fixtures.js";

let w: Awaited<ReturnType<typeof world>>;
let base: MeshEntry[];
const attestor = () => ({ publicKey: w.attestor.key, secretKey: w.attestor.kp.secretKey });

/** The digest as the first version computed it: every bucket from scratch. */
function referenceDigest(s: NetworkState) {
  const A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const lists: string[][] = Array.from({ length: 256 }, () => []);
  for (const id of s.entries.keys()) {
    const att = s.attestations.get(id);
    const b = ((A.indexOf(id[0]!) << 2) | (A.indexOf(id[1]!) >> 4)) & 0xff;
    lists[b]!.push(`${id}:${att ? canonicalize(att) : ""}`);
  }
  const enc = new TextEncoder();
  const buckets = lists.map((l) => (l.length ? toBase64(sha256(enc.encode(l.sort().join("\n")))) : ""));
  return { root: toBase64(sha256(enc.encode(buckets.join(",")))), buckets };
}

beforeAll(async () => {
  w = await world(40);
  base = [
    w.settings(),
    ...w.nodes.map((n, i) => w.host(n, `fdcc::${i + 1}`)),
    ...w.nodes.map((n, i) => w.claim(n, `host-${i}`)),
  ];
});

describe("ingest fast paths", () => {
  it("batch ids equal entryId; duplicates in one call are stored once; one forgery is rejected alone", () => {
    const forged = { ...w.claim(w.nodes[3]!, "vesta"), hostname: "pallas" } as MeshEntry;
    const s = new NetworkState(w.admin.key);
    const r = s.ingest([...base, ...base.slice(1, 11), forged]);
    expect(r).toEqual({ added: base.length, attestationsAdded: 0, rejected: { "invalid-signature": 1 } });
    expect([...s.entries.keys()].sort()).toEqual(base.map(entryId).sort());
    const one = new NetworkState(w.admin.key);
    for (const e of base) one.ingest([e]);
    expect(digest(one)).toEqual(digest(s));
  });

  it("a payload JCS rejects or a non-canonical writer key is counted, not thrown", () => {
    const s = new NetworkState(w.admin.key);
    const bad = { ...w.host(w.nodes[0]!, "fdcc::1"), port: Number.NaN } as MeshEntry;
    const oddKey = { ...w.host(w.nodes[1]!, "fdcc::2"), writer: `${w.nodes[1]!.key.slice(0, 42)}B=` };
    const r = s.ingest([w.settings(), bad, oddKey, w.host(w.nodes[2]!, "fdcc::3")]);
    expect(r.added).toBe(2);
    expect(r.rejected).toEqual({ malformed: 1, "invalid-signature": 1 });
  });

  it("per attestor the earliest attestation is kept in either order; copies and later ones change nothing", () => {
    const s = new NetworkState(w.admin.key);
    s.ingest(base);
    const id = entryId(base[1]!);
    const [key, early] = attestEntry(id, w.attestor.kp.secretKey, T0 + 1000);
    const [, late] = attestEntry(id, w.attestor.kp.secretKey, T0 + 5000);
    expect(s.ingest([], { [id]: { [key]: late } }).attestationsAdded).toBe(1);
    expect(s.ingest([], { [id]: { [key]: early } }).attestationsAdded).toBe(1);
    expect(s.ingest([], { [id]: { [key]: late } }).attestationsAdded).toBe(0);
    expect(s.ingest([], { [id]: { [key]: early } }).attestationsAdded).toBe(0);
    expect(s.timeOf(id)).toBe(T0 + 1000);
    const forged = { ...early, signature: late.signature };
    expect(s.ingest([], { [id]: { [key]: { ...forged, signed_at: iso0() } } }).attestationsAdded).toBe(0);
    expect(s.timeOf(id)).toBe(T0 + 1000);
  });

  it("a shared verification cache gives the same states and still rejects a forgery", () => {
    const verified: VerifiedCache = new Map();
    const a = new NetworkState(w.admin.key, { verified });
    const b = new NetworkState(w.admin.key, { verified });
    a.ingest(base);
    expect(verified.size).toBe(base.length);
    const forged = { ...base[5]!, addresses: ["fdcc::666"] } as MeshEntry;
    const r = b.ingest([...base, forged]);
    expect(r.rejected).toEqual({ "invalid-signature": 1 });
    expect(digest(b)).toEqual(digest(a));
  });

  it("a cached signature in an ill-shaped entry is not taken (every state decides alike)", () => {
    const verified: VerifiedCache = new Map();
    const a = new NetworkState(w.admin.key, { verified });
    const b = new NetworkState(w.admin.key, { verified });
    const c = new NetworkState(w.admin.key); // no cache: the reference
    for (const s of [a, b, c]) s.ingest(base);
    const id = entryId(base[1]!);
    const [key, entry] = attestEntry(id, w.attestor.kp.secretKey, T0 + 1000);
    expect(a.ingest([], { [id]: { [key]: entry } }).attestationsAdded).toBe(1); // now cached
    for (const bad of [
      { ...entry, note: "x" },
      { ...entry, signed_at: `${entry.signed_at.slice(0, 19)}Z` },
    ]) {
      expect(b.ingest([], { [id]: { [key]: bad } }).attestationsAdded).toBe(0);
      expect(c.ingest([], { [id]: { [key]: bad } }).attestationsAdded).toBe(0);
    }
    const forgedWriter = {
      ...base[5]!,
      signatures: { [base[5]!.writer]: { ...base[5]!.signatures[base[5]!.writer]!, x: 1 } },
    };
    const fresh = new NetworkState(w.admin.key, { verified });
    expect(fresh.ingest([base[0]!, forgedWriter as MeshEntry]).rejected).toEqual({ "invalid-signature": 1 });
  });
});

describe("incremental digests", () => {
  it("equal the digest recomputed from scratch after adds, attestations and a ban", () => {
    const s = new NetworkState(w.admin.key);
    s.ingest(base.slice(0, 30));
    expect(digest(s)).toEqual(referenceDigest(s));
    s.ingest(base.slice(30));
    attestAll(s, attestor(), T0 + 1000);
    expect(digest(s)).toEqual(referenceDigest(s));
    s.ingest([w.settings({ banned: [w.nodes[7]!.key] }, T0 + 9000)]);
    expect(s.entries.size).toBe(base.length + 1 - 2);
    expect(digest(s)).toEqual(referenceDigest(s));
    const copy = new NetworkState(w.admin.key);
    copy.merge(s.toJSON());
    expect(digest(copy)).toEqual(digest(s));
  });
});

describe("protocol 2: item summaries", () => {
  it("one exchange makes two states equal and moves only the missing items", () => {
    const a = new NetworkState(w.admin.key);
    a.ingest(base);
    attestAll(a, attestor(), T0 + 1000);
    const b = new NetworkState(w.admin.key);
    b.merge(a);
    const onlyA = [
      w.host(w.nodes[0]!, "fdcc::aa", T0 + 60_000),
      w.host(w.nodes[1]!, "fdcc::ab", T0 + 60_000),
    ];
    const onlyB = [w.host(w.nodes[2]!, "fdcc::ba", T0 + 60_000)];
    a.ingest(onlyA);
    b.ingest(onlyB);
    attestAll(b, attestor(), T0 + 2000); // attests onlyB[0] in b only
    const diff = differingBuckets(digest(a), digest(b));
    expect(diff.length).toBeGreaterThan(0);
    const mine = checkSummaries(JSON.parse(JSON.stringify(summaries(a, diff))));
    const r = reconcile(b, mine);
    expect(r.give.entries.map(entryId)).toEqual(onlyB.map(entryId));
    a.merge(r.give);
    const push = itemsFor(a, r.want);
    expect(push.entries.map(entryId).sort()).toEqual(onlyA.map(entryId).sort());
    b.merge(push);
    expect(digest(a)).toEqual(digest(b));
    expect(slice(a, diff)).toEqual(slice(b, diff));
  });

  it("an attestation held by one side only is exchanged as an item", () => {
    const a = new NetworkState(w.admin.key);
    a.ingest(base);
    const b = new NetworkState(w.admin.key);
    b.merge(a);
    attestAll(b, attestor(), T0 + 1000);
    const diff = differingBuckets(digest(a), digest(b));
    const r = reconcile(b, summaries(a, diff));
    expect(r.give.entries.length).toBe(base.length);
    a.merge(r.give);
    b.merge(itemsFor(a, r.want));
    expect(digest(a)).toEqual(digest(b));
  });

  it("message sizes in the simulation equal the bytes of JSON.stringify", () => {
    const a = new NetworkState(w.admin.key);
    a.ingest(base);
    attestAll(a, attestor(), T0 + 1000);
    const b = new NetworkState(w.admin.key);
    b.ingest(base.slice(0, 20));
    const diff = differingBuckets(digest(a), digest(b));
    const msgs = [
      a.toJSON(),
      new NetworkState(w.admin.key).toJSON(),
      { summaries: summaries(b, diff) },
      reconcile(a, summaries(b, diff)),
      reconcile(a, {}),
      { buckets: diff },
    ];
    for (const m of msgs) expect(messageSize(m)).toBe(Buffer.byteLength(JSON.stringify(m)));
  });

  it("checkSummaries rejects malformed bodies", () => {
    expect(() => checkSummaries([])).toThrow(TypeError);
    expect(() => checkSummaries({ 256: [] })).toThrow(RangeError);
    expect(() => checkSummaries({ "01x": [] })).toThrow(RangeError);
    expect(() => checkSummaries({ 3: ["short"] })).toThrow(TypeError);
    expect(() => checkSummaries({ 3: ["A".repeat(16)], 4: ["B".repeat(16)] }, 1)).toThrow(RangeError);
  });

  it("a simulated single exchange (fixed peers) converges with both protocols", () => {
    for (const protocol of ["items", "buckets"] as const) {
      const a = new NetworkState(w.admin.key);
      a.ingest(base.slice(0, 50));
      const b = new NetworkState(w.admin.key);
      b.ingest([base[0]!, ...base.slice(40)]);
      const r = simulate([a, b], { protocol, peers: (i) => (i === 0 ? [1] : []), maxRounds: 1 });
      expect(r.rounds).toBe(1);
      expect(digest(a).root).toBe(digest(b).root);
      expect(a.entries.size).toBe(base.length);
    }
  });
});

function iso0(): string {
  return new Date(T0).toISOString();
}
