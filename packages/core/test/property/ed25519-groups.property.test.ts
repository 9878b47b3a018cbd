// Batches that share keys. verifyBatch combines the items of each key before multiplying, so its
// verdicts are checked against single verification (both modes) and @noble/curves (ZIP-215) on
// batches signed by 1, 2, 16 and all-distinct keys of every kind (ordinary, mixed-order,
// small-order, non-canonical encodings, A beside −A), with duplicated and mauled items, on all five search
// paths of the engine (grouped or not, with or without the cheap candidate search) and both
// WebAssembly builds; then the C2SP/CCTV (22 shared keys) and ZIP-215 (14 shared keys) vector
// sets as whole batches and as random sub-batches with duplicates and mauled copies.
import { ed25519 } from "@noble/curves/ed25519.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type VerifyItem, type VerifyMode, verify, verifyBatch } from "../../src/ed25519/verify.js";
import {
  allPaths,
  builds,
  type CraftedKey,
  cctvRule,
  craftKey,
  craftSignature,
  hex,
  type KeyKind,
  L,
  le,
  nonCanonicalSmall,
  toBig,
  torsion,
  useBuild,
  withPaths,
} from "../ed25519-helpers.js";
import { describeVectors, readVectorJson } from "../vectors.js";

const modes: VerifyMode[] = ["zip215", "strict"];

/** noble's ZIP-215 verdicts, cached so the second build does not pay for them again. */
const oracle = new Map<string, boolean>();
function nobleZip215(item: VerifyItem): boolean {
  const key = Buffer.concat([item.signature, item.publicKey, item.message]).toString("base64");
  let v = oracle.get(key);
  if (v === undefined) {
    v = ed25519.verify(item.signature, item.message, item.publicKey, { zip215: true });
    oracle.set(key, v);
  }
  return v;
}

/** Verdicts of every path of verifyBatch equal single verification, in both modes. */
function expectBatchEqualsSingle(items: VerifyItem[], label: string): boolean[] {
  let zip: boolean[] = [];
  for (const mode of modes) {
    const single = items.map((x) => verify(x.signature, x.message, x.publicKey, { mode }));
    for (const paths of allPaths) {
      const got = withPaths(paths, () => verifyBatch(items, { mode }));
      expect(got, `${label}, ${mode}, paths ${paths}`).toEqual(single);
    }
    if (mode === "zip215") zip = single;
  }
  return zip;
}

type Maul =
  | { kind: "none" }
  | { kind: "flip"; part: "R" | "S" | "A" | "M"; bit: number }
  | { kind: "s-plus-l" }
  | { kind: "delta"; delta: bigint }
  | { kind: "small-R"; which: number }
  | { kind: "noncanonical-R"; which: number }
  | { kind: "duplicate"; of: number };

const maulArb: fc.Arbitrary<Maul> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Maul>({ kind: "none" }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("flip" as const),
      part: fc.constantFrom("R" as const, "S" as const, "A" as const, "M" as const),
      bit: fc.nat(255),
    }),
  },
  { weight: 1, arbitrary: fc.constant<Maul>({ kind: "s-plus-l" }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("delta" as const), delta: fc.bigInt({ min: 1n, max: L - 1n }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("small-R" as const), which: fc.nat(7) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("noncanonical-R" as const),
      which: fc.nat(nonCanonicalSmall.length - 1),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("duplicate" as const), of: fc.nat() }) },
);

const itemArb = fc.record({
  key: fc.nat(15),
  message: fc.uint8Array({ maxLength: 24 }),
  r: fc.bigInt({ min: 1n, max: L - 1n }),
  rt: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(7) }),
  maul: maulArb,
});

const kindArb = fc.oneof(
  { weight: 5, arbitrary: fc.constant<KeyKind>("normal") },
  { weight: 2, arbitrary: fc.constantFrom<KeyKind>("mixed", "small", "noncanonical", "negated") },
);

const batchArb = fc.record({
  keys: fc.constantFrom(1, 2, 16, 0), // 0: every item its own key
  kinds: fc.array(kindArb, { minLength: 16, maxLength: 16 }),
  items: fc.array(itemArb, { minLength: 2, maxLength: 120 }),
});

interface Spec {
  key: number;
  message: Uint8Array;
  r: bigint;
  rt: number;
  maul: Maul;
}

function makeItem(key: CraftedKey, spec: Spec, earlier: VerifyItem[]): VerifyItem {
  const m = spec.maul;
  if (m.kind === "duplicate" && earlier.length > 0) return earlier[m.of % earlier.length]!;
  const item = craftSignature(key, spec.message, spec.r, spec.rt, m.kind === "delta" ? m.delta : 0n);
  const signature = item.signature.slice();
  switch (m.kind) {
    case "flip":
      if (m.part === "M") {
        const message = new Uint8Array([...item.message, 0x2a]);
        message[m.bit % message.length]! ^= 1 << (m.bit & 7);
        return { ...item, message };
      }
      if (m.part === "A") {
        const publicKey = item.publicKey.slice();
        publicKey[m.bit >> 3]! ^= 1 << (m.bit & 7);
        return { ...item, publicKey };
      }
      signature[(m.part === "S" ? 32 : 0) + (m.bit >> 3)]! ^= 1 << (m.bit & 7);
      return { ...item, signature };
    case "s-plus-l":
      signature.set(le(toBig(signature.subarray(32)) + L), 32);
      return { ...item, signature };
    case "small-R":
      signature.set(torsion[m.which]!, 0);
      return { ...item, signature };
    case "noncanonical-R":
      signature.set(nonCanonicalSmall[m.which]!, 0);
      return { ...item, signature };
    default:
      return item;
  }
}

/** Items of a generated batch: key number i % keys (or item number j for distinct keys). */
function makeBatch(batch: { keys: number; kinds: KeyKind[]; items: Spec[] }): VerifyItem[] {
  const out: VerifyItem[] = [];
  batch.items.forEach((spec, j) => {
    const index = batch.keys === 0 ? j : spec.key % batch.keys;
    out.push(makeItem(craftKey(batch.kinds[index % 16]!, index), spec, out));
  });
  return out;
}

for (const build of builds) {
  describe(`Ed25519 batches that share keys [${build}]`, () => {
    useBuild(build);
    it("equal single verification and @noble/curves (zip215) on every path, for 1, 2, 16 and distinct keys", () => {
      const seen = { keys: new Set<number>(), kinds: new Set<string>(), mauls: new Set<string>() };
      let total = 0;
      let valid = 0;
      fc.assert(
        fc.property(batchArb, (batch) => {
          const items = makeBatch(batch);
          const zip = expectBatchEqualsSingle(items, `${batch.keys} keys`);
          expect(zip).toEqual(items.map(nobleZip215));
          seen.keys.add(batch.keys);
          for (const k of batch.kinds) seen.kinds.add(k);
          for (const s of batch.items) seen.mauls.add(s.maul.kind);
          total += items.length;
          valid += zip.filter(Boolean).length;
        }),
        { seed: 17_0417, numRuns: 60 },
      );
      expect([...seen.keys].sort((a, b) => a - b)).toEqual([0, 1, 2, 16]);
      expect(seen.kinds.size).toBe(5);
      expect(seen.mauls.size).toBe(7);
      expect(valid).toBeGreaterThan(total / 2);
      expect(total - valid).toBeGreaterThan(total / 8);
    });

    it("find one bad item among many signatures by one key wherever it is, in both modes", () => {
      const key = craftKey("normal", 99);
      const base = Array.from({ length: 300 }, (_, j) =>
        craftSignature(key, new TextEncoder().encode(`entry ${j}`), BigInt(j + 1) * 7919n),
      );
      fc.assert(
        fc.property(
          fc.nat(299),
          fc.constantFrom(...modes),
          fc.constantFrom(...allPaths),
          (bad, mode, paths) => {
            const items = base.slice();
            const sig = items[bad]!.signature.slice();
            sig[40]! ^= 4;
            items[bad] = { ...items[bad]!, signature: sig };
            const got = withPaths(paths, () => verifyBatch(items, { mode }));
            expect(got.map((v, i) => (v ? -1 : i)).filter((i) => i >= 0)).toEqual([bad]);
          },
        ),
        { seed: 1024, numRuns: 40 },
      );
    });
  });

  describeVectors(`Ed25519 vector sets as batches that share keys [${build}]`, () => {
    useBuild(build);
    const enc = new TextEncoder();
    const cctv = () =>
      readVectorJson<{ key: string; sig: string; msg: string; flags: string[] | null }[]>(
        "ed25519",
        "cctv_ed25519vectors.json",
      ).map((c) => ({
        item: { publicKey: hex(c.key), message: enc.encode(c.msg), signature: hex(c.sig) },
        flags: c.flags ?? [],
      }));
    const zip215 = () =>
      readVectorJson<{ vk_bytes: string; sig_bytes: string }[]>("ed25519", "zip215.json").map((c) => ({
        publicKey: hex(c.vk_bytes),
        message: enc.encode("Zcash"),
        signature: hex(c.sig_bytes),
      }));

    it("C2SP/CCTV: all 914 cases in one batch follow the rule table on every path", () => {
      const cases = cctv();
      expect(new Set(cases.map((c) => Buffer.from(c.item.publicKey).toString("hex"))).size).toBe(22);
      const items = cases.map((c) => c.item);
      for (const mode of modes) {
        const want = cases.map((c) => cctvRule(c.flags, mode));
        for (const paths of allPaths) {
          expect(
            withPaths(paths, () => verifyBatch(items, { mode })),
            `${mode}, paths ${paths}`,
          ).toEqual(want);
        }
      }
    });

    it("ZIP-215: all 196 cases (14 small-order keys, 14 signatures each) in one batch", () => {
      const items = zip215();
      for (const paths of allPaths) {
        expect(withPaths(paths, () => verifyBatch(items))).toEqual(items.map(() => true));
        expect(withPaths(paths, () => verifyBatch(items, { mode: "strict" }))).toEqual(
          items.map(() => false),
        );
      }
    });

    it("random sub-batches of both sets, with duplicates and mauled copies, equal single verification", () => {
      const pool = [...cctv().map((c) => c.item), ...zip215()];
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              pick: fc.nat(pool.length - 1),
              maul: fc.oneof(
                { weight: 4, arbitrary: fc.constant(-1) },
                { weight: 1, arbitrary: fc.nat(64 * 8 - 1) },
              ),
            }),
            { minLength: 2, maxLength: 150 },
          ),
          (picks) => {
            const items = picks.map(({ pick, maul }) => {
              const item = pool[pick]!;
              if (maul < 0) return item;
              const signature = item.signature.slice();
              signature[maul >> 3]! ^= 1 << (maul & 7);
              return { ...item, signature };
            });
            const zip = expectBatchEqualsSingle(items, "vector sub-batch");
            expect(zip).toEqual(items.map(nobleZip215));
          },
        ),
        { seed: 914, numRuns: 25 },
      );
    });
  });
}
