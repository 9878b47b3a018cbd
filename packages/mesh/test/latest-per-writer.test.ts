// The `latest-per-writer` section policy: the state keeps only the newest record per (writer, key)
// (last_updated, ties by id), so a section of heads does not grow with time. The CRDT laws hold
// with it — merge is commutative, associative and idempotent — whatever subset of records,
// attestations and settings versions (the section switching to the policy late) each side holds,
// and a superseded record never comes back.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { type MeshEntry, signEntry } from "../src/entries.js";
import { NetworkState, type StateJSON } from "../src/state.js";
import { attestAll, digest } from "../src/sync.js";
import { sectionRecords } from "../src/views.js";
import { iso, T0, world } from "./fixtures.js";

let w: Awaited<ReturnType<typeof world>>;
let pool: { entries: MeshEntry[]; attested: StateJSON["attestations"] };
const SECTION = "heads";

beforeAll(async () => {
  w = await world(3);
  const writers = [w.nodes[0]!, w.nodes[1]!];
  const policy = (p: "append-only" | "latest-per-writer", t: number) =>
    w.settings({ sections: { [SECTION]: { policy: p, writers: writers.map((n) => n.key) } } }, t);
  const record = (n: (typeof writers)[0], key: string, t: number, value: unknown) =>
    signEntry(
      {
        kind: "record",
        network: w.admin.key,
        writer: n.key,
        last_updated: iso(t),
        section: SECTION,
        key,
        value,
      },
      n.kp.secretKey,
      t,
    );
  const entries: MeshEntry[] = [
    policy("append-only", T0), // the section starts append-only…
    policy("latest-per-writer", T0 + 50), // …and becomes latest-per-writer
  ];
  for (const [i, n] of writers.entries())
    for (const key of ["door-a", "door-b"])
      for (const dt of [1, 2, 3, 3]) entries.push(record(n, key, T0 + dt, { i, key, dt, x: entries.length })); // a tie at 3
  const s = new NetworkState(w.admin.key);
  s.ingest([entries[0]!, ...entries.slice(2)]); // append-only: every record is kept
  const attested: StateJSON["attestations"] = {};
  attestAll(s, { publicKey: w.attestor.key, secretKey: w.attestor.kp.secretKey }, T0 + 1000);
  for (const [id, m] of s.attestations) attested[id] = m;
  pool = { entries, attested };
});

const N = 18;
const subset = () =>
  fc.record({ e: fc.subarray([...Array(N).keys()]), a: fc.subarray([...Array(N).keys()]) });

function build(sel: { e: number[]; a: number[] }): NetworkState {
  const s = new NetworkState(w.admin.key);
  const ids = Object.keys(pool.attested);
  s.ingest(
    sel.e.map((i) => pool.entries[i]!),
    Object.fromEntries(sel.a.map((i) => [ids[i % ids.length]!, pool.attested[ids[i % ids.length]!]!])),
  );
  return s;
}
const merged = (...ss: NetworkState[]) => {
  const out = new NetworkState(w.admin.key);
  for (const s of ss) out.merge(s);
  return out;
};
const view = (s: NetworkState) => sectionRecords(s, SECTION).map((r) => [r.id, r.time]);

describe("latest-per-writer sections", () => {
  it("merge is commutative, associative and idempotent (digests and views agree)", () => {
    fc.assert(
      fc.property(subset(), subset(), subset(), (x, y, z) => {
        const [a, b, c] = [build(x), build(y), build(z)];
        expect(digest(merged(a, b)).root).toBe(digest(merged(b, a)).root);
        expect(digest(merged(merged(a, b), c)).root).toBe(digest(merged(a, merged(b, c))).root);
        expect(digest(merged(a, a)).root).toBe(digest(merged(a)).root);
        expect(view(merged(a, b, c))).toEqual(view(merged(c, b, a)));
      }),
      { seed: 17, numRuns: 80 },
    );
  });

  it("keeps exactly the newest record per (writer, key), ties by id; superseded ones never come back", () => {
    const all = build({ e: [...Array(N).keys()], a: [...Array(N).keys()] });
    const records = [...all.entries.values()].filter((e) => e.kind === "record");
    expect(records).toHaveLength(4); // 2 writers × 2 keys
    for (const r of records) expect(r.last_updated).toBe(iso(T0 + 3));
    const items = sectionRecords(all, SECTION);
    const [w0, w1] = [w.nodes[0]!.key, w.nodes[1]!.key].sort();
    expect(items.map((r) => [r.key, r.writer])).toEqual([
      ["door-a", w0],
      ["door-a", w1],
      ["door-b", w0],
      ["door-b", w1],
    ]);
    // of the two records tied at T0 + 3, the larger id wins
    const tied = pool.entries.slice(2).filter((e) => e.kind === "record" && e.last_updated === iso(T0 + 3));
    const ids = new NetworkState(w.admin.key);
    ids.ingest([pool.entries[0]!, ...tied]); // append-only: ids of all of them
    for (const r of items) {
      const candidates = [...ids.entries]
        .filter(([, e]) => e.kind === "record" && e.writer === r.writer && e.key === r.key)
        .map(([id]) => id)
        .sort();
      expect(r.id).toBe(candidates.at(-1));
    }
    // merging in any older state (every superseded record, every attestation) changes nothing
    const old = build({ e: [0, ...Array.from({ length: N - 2 }, (_, i) => i + 2)], a: [...Array(N).keys()] });
    expect(old.entries.size).toBe(1 + 16);
    expect(digest(merged(all, old)).root).toBe(digest(all).root);
    expect(digest(merged(old, all)).root).toBe(digest(all).root);
    // and an attested newest record keeps its attestation
    expect(items.every((r) => r.time !== undefined)).toBe(true);
  });

  it("a section becoming latest-per-writer prunes what is stored, in any order of arrival", () => {
    const recordsFirst = build({ e: [0, ...Array.from({ length: N - 2 }, (_, i) => i + 2)], a: [] });
    recordsFirst.ingest([pool.entries[1]!]);
    const settingsFirst = build({ e: [...Array(N).keys()], a: [] });
    expect(digest(recordsFirst).root).toBe(digest(settingsFirst).root);
    expect(recordsFirst.entries.size).toBe(2 + 4);
  });
});
