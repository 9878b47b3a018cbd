// The search for the bad items of a failing batch signed by many keys. Such a batch is summed
// by one Pippenger whose first half of positions is kept apart (assembly/ed25519/verify.ts), so
// the search starts from two sound sums, then scans each failing half with cheap block sums.
// Bad items are put at every class of position — the ends, both sides of the halves' boundary,
// both sides of a block boundary of the scan, anywhere — one, two or three of them, in the same
// half or in different ones, with independent errors, errors with a small-order component,
// equal errors, a pair whose errors cancel in the coefficient-1 sums (E_b = −E_a) and a triple
// that sums to O, beside harmless small-order differences and mixed-order keys. Verdicts are
// checked against single verification (both modes) and @noble/curves (ZIP-215) on the default
// path, the sound search alone, the whole-batch search (no half kept), and with positions in
// item order (no random rotation, so the classes above are hit exactly), on both builds. With
// the engine's point-operation counter (deterministic work, not time): keeping a half apart
// adds no point operations to a valid batch and makes the search for one bad item cheaper.
import { ed25519 } from "@noble/curves/ed25519.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type VerifyItem, type VerifyMode, verify, verifyBatch } from "../../src/ed25519/verify.js";
import { ed25519Wasm } from "../../src/wasm/ed25519.js";
import {
  builds,
  type CraftedKey,
  craftKey,
  craftSignature,
  fillerItems,
  L,
  useBuild,
  withPaths,
} from "../ed25519-helpers.js";

const modes: VerifyMode[] = ["zip215", "strict"];
const enc = new TextEncoder();
/** Distinct keys, so the combined sum is one Pippenger (more than 160 keys) and is split. */
const N = 200;
const MID = N >> 1;
/** The scan's block in a half of 100 items: max(8, ⌊√(2·100)⌋). */
const BLOCK = 14;
/** Paths: default, sound search only, whole batch, item order (default), item order (sound only). */
const searchPaths = [3, 1, 7, 11, 9] as const;

const keys: CraftedKey[] = Array.from({ length: N }, (_, i) =>
  craftKey(i % 9 === 4 ? "mixed" : "normal", 1000 + i),
);
const message = (i: number) => enc.encode(`search ${i}`);
const nonce = (i: number) => 77_777n + BigInt(i) * 1_000_003n;
const base: VerifyItem[] = keys.map((k, i) => craftSignature(k, message(i), nonce(i)));

/** Item i with error −[δ]B plus (rt ≠ 0) a small-order component in R; δ ≡ 0 keeps it valid. */
const variant = (i: number, delta: bigint, rt = 0) =>
  craftSignature(keys[i]!, message(i), nonce(i), rt, delta);

const positionClasses = [
  0,
  1,
  MID - 1,
  MID,
  MID + 1,
  N - 2,
  N - 1,
  BLOCK - 1,
  BLOCK,
  MID + BLOCK - 1,
  MID + BLOCK,
];

/** Indices of the false verdicts. */
const bad = (verdicts: boolean[]) => verdicts.map((v, i) => (v ? -1 : i)).filter((i) => i >= 0);

/** Every path in both modes gives single verification's verdicts; returns the zip215 verdicts. */
function expectPathsEqualSingle(items: VerifyItem[], changed: number[], label: string): boolean[] {
  let zip: boolean[] = [];
  for (const mode of modes) {
    const single = items.map((x, i) =>
      changed.includes(i) ? verify(x.signature, x.message, x.publicKey, { mode }) : true,
    );
    for (const paths of searchPaths) {
      expect(
        withPaths(paths, () => verifyBatch(items, { mode })),
        `${label}, ${mode}, paths ${paths}`,
      ).toEqual(single);
    }
    if (mode === "zip215") zip = single;
  }
  return zip;
}

type Errors =
  | { kind: "independent"; deltas: bigint[]; torsion: number[] }
  | { kind: "cancel-pair"; delta: bigint; third: bigint }
  | { kind: "cancel-triple"; d1: bigint; d2: bigint }
  | { kind: "equal"; delta: bigint };

const deltaArb = fc.bigInt({ min: 1n, max: L - 1n });
const errorsArb: fc.Arbitrary<Errors> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("independent" as const),
      deltas: fc.array(deltaArb, { minLength: 3, maxLength: 3 }),
      torsion: fc.array(fc.oneof(fc.constant(0), fc.nat(7)), { minLength: 3, maxLength: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("cancel-pair" as const), delta: deltaArb, third: deltaArb }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("cancel-triple" as const), d1: deltaArb, d2: deltaArb }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("equal" as const), delta: deltaArb }) },
);
const positionArb = fc.oneof(fc.constantFrom(...positionClasses), fc.nat(N - 1));

/** The errors (δ and torsion index) of the first `count` bad items of a scenario. */
function errorsOf(e: Errors, count: number): [bigint, number][] {
  switch (e.kind) {
    case "independent":
      return e.deltas.slice(0, count).map((d, k) => [d, e.torsion[k]!]);
    case "cancel-pair":
      return (
        [
          [e.delta, 0],
          [L - e.delta, 0],
          [e.third, 0],
        ] as [bigint, number][]
      ).slice(0, count);
    case "cancel-triple":
      return [
        [e.d1, 0],
        [e.d2, 0],
        [(((-e.d1 - e.d2) % L) + L) % L, 0],
      ];
    case "equal":
      return (
        [
          [e.delta, 0],
          [e.delta, 0],
          [e.delta, 3],
        ] as [bigint, number][]
      ).slice(0, count);
  }
}

for (const build of builds) {
  describe(`Ed25519 search for bad items among many keys [${build}]`, () => {
    useBuild(build);

    it("the batch without changes is valid, and noble agrees with single verification on its items", () => {
      for (const mode of modes) expect(bad(verifyBatch(base, { mode }))).toEqual([]);
      for (const x of base.slice(0, 12))
        expect(ed25519.verify(x.signature, x.message, x.publicKey, { zip215: true })).toBe(true);
    });

    it("finds one bad item at every position (item order) and at each position class (random rotation)", () => {
      for (let p = 0; p < N; p++) {
        const items = base.slice();
        items[p] = variant(p, 0x5eedn + BigInt(p), p % 3 === 0 ? 1 + (p % 7) : 0);
        expect(bad(withPaths(11, () => verifyBatch(items))), `bad at ${p}`).toEqual([p]);
      }
      for (const p of positionClasses) {
        const items = base.slice();
        items[p] = variant(p, 0xbadn);
        for (const paths of searchPaths)
          expect(bad(withPaths(paths, () => verifyBatch(items))), `bad at ${p}, ${paths}`).toEqual([p]);
      }
    });

    it("crafted pairs: cancelling or equal errors across the halves' boundary, at both ends, inside one block", () => {
      const d = 0x1234567n;
      const cases: [string, [number, bigint, number][]][] = [
        [
          "cancelling pair across the boundary",
          [
            [MID - 1, d, 0],
            [MID, L - d, 0],
          ],
        ],
        [
          "cancelling pair at both ends",
          [
            [0, d, 0],
            [N - 1, L - d, 0],
          ],
        ],
        [
          "cancelling pair inside one block",
          [
            [3, d, 0],
            [4, L - d, 0],
          ],
        ],
        [
          "cancelling pair in one half, far apart",
          [
            [MID + 2, d, 0],
            [N - 3, L - d, 0],
          ],
        ],
        [
          "cancelling pair with small-order parts",
          [
            [10, d, 2],
            [150, L - d, 5],
          ],
        ],
        [
          "equal errors two apart",
          [
            [20, d, 0],
            [22, d, 0],
          ],
        ],
        [
          "equal errors across a block boundary",
          [
            [BLOCK - 1, d, 0],
            [BLOCK, d, 0],
          ],
        ],
        [
          "a harmless small-order difference beside a bad item",
          [
            [30, 0n, 4],
            [31, d, 0],
          ],
        ],
      ];
      for (const [label, changes] of cases) {
        const items = base.slice();
        for (const [p, delta, rt] of changes) items[p] = variant(p, delta, rt);
        const want = changes.filter(([, delta]) => delta % L !== 0n).map(([p]) => p);
        const zip = expectPathsEqualSingle(
          items,
          changes.map(([p]) => p),
          label,
        );
        expect(bad(zip), label).toEqual(want.sort((a, b) => a - b));
      }
    });

    it("equal single verification and @noble/curves for one, two and three bad items anywhere, cancelling or not", () => {
      const seen = { same: 0, across: 0, one: 0, three: 0, kinds: new Set<string>() };
      fc.assert(
        fc.property(
          fc.uniqueArray(positionArb, { minLength: 1, maxLength: 3 }),
          errorsArb,
          (positions, errors) => {
            const errs = errorsOf(errors, positions.length);
            const items = base.slice();
            const changed = positions.slice(0, errs.length);
            changed.forEach((p, k) => {
              const [delta, rt] = errs[k]!;
              items[p] = variant(p, delta, rt);
            });
            const zip = expectPathsEqualSingle(items, changed, `${errors.kind} at ${changed.join(",")}`);
            for (const p of changed) {
              const x = items[p]!;
              expect(zip[p], `noble at ${p}`).toBe(
                ed25519.verify(x.signature, x.message, x.publicKey, { zip215: true }),
              );
            }
            const halves = new Set(changed.map((p) => (p < MID ? 0 : 1)));
            if (changed.length > 1) {
              if (halves.size === 1) seen.same++;
              else seen.across++;
            }
            if (changed.length === 1) seen.one++;
            if (changed.length === 3) seen.three++;
            seen.kinds.add(errors.kind);
          },
        ),
        { seed: 17_1024, numRuns: 40 },
      );
      expect(seen.kinds.size).toBe(4);
      expect(Math.min(seen.same, seen.across, seen.one, seen.three)).toBeGreaterThan(0);
    });

    it("separates bad items in both halves of a full call (4,096 keys, the widest windows)", () => {
      const items = fillerItems(4096).map((x) => ({ ...x }));
      const flip = (p: number) => {
        const signature = items[p]!.signature.slice();
        signature[50]! ^= 8;
        items[p] = { ...items[p]!, signature };
      };
      const positions = [0, 2047, 2048, 4095];
      for (const p of positions) flip(p);
      for (const paths of [11, 3, 15])
        expect(bad(withPaths(paths, () => verifyBatch(items))), `paths ${paths}`).toEqual(positions);
    });

    it("keeps a half apart for no extra work, and finds one bad item among 1,024 keys for less work on average", () => {
      const items = fillerItems(1024);
      const ops = () => ed25519Wasm().exports.pointOps();
      const work = (paths: number, batch: VerifyItem[]) =>
        withPaths(paths, () => {
          const before = ops();
          const verdicts = verifyBatch(batch);
          return { ops: ops() - before, bad: bad(verdicts) };
        });
      verifyBatch(items.slice(0, 2)); // the base-point tables are built on first use
      const validSplit = work(11, items).ops;
      const validWhole = work(15, items).ops;
      expect(Math.abs(validSplit / validWhole - 1)).toBeLessThan(0.01);
      let split = 0;
      let whole = 0;
      for (let p = 7; p < 1024; p += 64) {
        const batch = items.slice();
        const signature = batch[p]!.signature.slice();
        signature[40]! ^= 1;
        batch[p] = { ...batch[p]!, signature };
        const a = work(11, batch);
        const b = work(15, batch);
        expect([a.bad, b.bad]).toEqual([[p], [p]]);
        split += a.ops - validSplit;
        whole += b.ops - validWhole;
      }
      expect(split / whole).toBeLessThan(0.9);
    });
  });
}
