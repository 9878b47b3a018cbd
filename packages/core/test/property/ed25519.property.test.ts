// Differential tests against @noble/curves (ZIP-215 mode) on valid, constructed and mauled
// signatures, and batches with bad items at random positions — on both WebAssembly builds.
import { createHash } from "node:crypto";
import { ED25519_TORSION_SUBGROUP, ed25519 } from "@noble/curves/ed25519.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type VerifyItem, verify, verifyBatch } from "../../src/ed25519/verify.js";
import { ed25519Wasm } from "../../src/wasm/ed25519.js";
import { builds, fillerItems, hex, keyFromSeed, useBuild } from "../ed25519-helpers.js";

const L = ed25519.Point.Fn.ORDER;
const P = 2n ** 255n - 19n;

function le(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}
function toBig(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

const torsion = ED25519_TORSION_SUBGROUP.map(hex);
/** Non-canonical encodings: y + p for y < 19 (some decode, some do not), with either sign bit. */
const nonCanonical: Uint8Array[] = [];
for (let y = 0n; y < 19n; y++) {
  for (const sign of [0n, 1n]) nonCanonical.push(le(y + P + (sign << 255n)));
}
// … and x = 0 with the sign bit set: the identity and the point of order 2.
nonCanonical.push(hex("0100000000000000000000000000000000000000000000000000000000000080"));
nonCanonical.push(hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));

type Maul =
  | { kind: "none" }
  | { kind: "flip"; part: "R" | "S" | "A" | "M"; bit: number }
  | { kind: "s-plus-l" }
  | { kind: "s-max" }
  | { kind: "small-A"; which: number }
  | { kind: "small-R"; which: number }
  | { kind: "small-AR-zero-S"; a: number; r: number }
  | { kind: "noncanonical-A"; which: number }
  | { kind: "noncanonical-R"; which: number }
  | { kind: "mixed"; ta: number; tr: number; flipMessage: boolean };

const maul: fc.Arbitrary<Maul> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Maul>({ kind: "none" }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("flip" as const),
      part: fc.constantFrom("R" as const, "S" as const, "A" as const, "M" as const),
      bit: fc.nat(255),
    }),
  },
  { weight: 1, arbitrary: fc.constant<Maul>({ kind: "s-plus-l" }) },
  { weight: 1, arbitrary: fc.constant<Maul>({ kind: "s-max" }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("small-A" as const), which: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("small-R" as const), which: fc.nat(7) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("small-AR-zero-S" as const), a: fc.nat(7), r: fc.nat(7) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("noncanonical-A" as const),
      which: fc.nat(nonCanonical.length - 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("noncanonical-R" as const),
      which: fc.nat(nonCanonical.length - 1),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("mixed" as const),
      ta: fc.nat(7),
      tr: fc.nat(7),
      flipMessage: fc.boolean(),
    }),
  },
);

/**
 * A signature by a key with a small-order component: A = [a]B + T_a, R = [r]B + T_r,
 * S = r + k·a. Then [S]B − R − [k]A = −T_r − [k]T_a: valid under the cofactored rule.
 */
function mixedSignature(seed: Uint8Array, message: Uint8Array, ta: number, tr: number): VerifyItem {
  const a = (toBig(seed) % (L - 1n)) + 1n;
  const r = (toBig(createHash("sha512").update(seed).update(message).digest()) % (L - 1n)) + 1n;
  const point = (s: bigint, t: number) =>
    ed25519.Point.BASE.multiply(s).add(ed25519.Point.fromBytes(torsion[t]!)).toBytes();
  const A = point(a, ta);
  const R = point(r, tr);
  const k = toBig(createHash("sha512").update(R).update(A).update(message).digest()) % L;
  const signature = new Uint8Array(64);
  signature.set(R, 0);
  signature.set(le((r + k * a) % L), 32);
  return { publicKey: A, message, signature };
}

function makeCase(seed: Uint8Array, message: Uint8Array, m: Maul): VerifyItem {
  if (m.kind === "mixed") {
    const item = mixedSignature(seed, message, m.ta, m.tr);
    return m.flipMessage ? { ...item, message: new Uint8Array([...message, 1]) } : item;
  }
  const k = keyFromSeed(seed);
  let publicKey = k.publicKey;
  let msg = message;
  let signature = k.sign(message);
  const setR = (r: Uint8Array) => {
    signature = signature.slice();
    signature.set(r, 0);
  };
  switch (m.kind) {
    case "flip": {
      if (m.part === "M") {
        msg = new Uint8Array([...msg, 0x2a]);
        msg[m.bit % msg.length]! ^= 1 << (m.bit & 7);
      } else if (m.part === "A") {
        publicKey = publicKey.slice();
        publicKey[m.bit >> 3]! ^= 1 << (m.bit & 7);
      } else {
        signature = signature.slice();
        signature[(m.part === "S" ? 32 : 0) + (m.bit >> 3)]! ^= 1 << (m.bit & 7);
      }
      break;
    }
    case "s-plus-l": {
      const s = toBig(signature.subarray(32)) + L;
      signature = signature.slice();
      signature.set(le(s), 32); // s < 2^253 + L < 2^256
      break;
    }
    case "s-max":
      signature = signature.slice();
      signature.fill(0xff, 32);
      break;
    case "small-A":
      publicKey = torsion[m.which]!;
      break;
    case "small-R":
      setR(torsion[m.which]!);
      break;
    case "small-AR-zero-S":
      // [8](0·B − R − [k]A) = O for small-order A and R: valid under ZIP-215, whatever M is.
      publicKey = torsion[m.a]!;
      signature = new Uint8Array(64);
      signature.set(torsion[m.r]!, 0);
      break;
    case "noncanonical-A":
      publicKey = nonCanonical[m.which]!;
      break;
    case "noncanonical-R":
      setR(nonCanonical[m.which]!);
      break;
  }
  return { publicKey, message: msg, signature };
}

/** Generated items, cached so the second build verifies the very same inputs without re-signing. */
const made = new Map<string, VerifyItem>();
function makeCached(seed: Uint8Array, message: Uint8Array, m: Maul): VerifyItem {
  const key = `${Buffer.from(seed).toString("hex")}:${Buffer.from(message).toString("hex")}:${JSON.stringify(m)}`;
  let item = made.get(key);
  if (item === undefined) {
    item = makeCase(seed, message, m);
    made.set(key, item);
  }
  return item;
}

const caseArb = fc.tuple(
  fc.uint8Array({ minLength: 32, maxLength: 32 }),
  fc.uint8Array({ maxLength: 80 }),
  maul,
);

/** noble's ZIP-215 verdicts, cached so the second build does not pay for them again. */
const oracle = new Map<string, boolean>();
function expected(item: VerifyItem): boolean {
  const key = Buffer.concat([item.signature, item.publicKey, item.message]).toString("base64");
  let v = oracle.get(key);
  if (v === undefined) {
    v = ed25519.verify(item.signature, item.message, item.publicKey, { zip215: true });
    oracle.set(key, v);
  }
  return v;
}

for (const build of builds) {
  describe(`Ed25519 differential against @noble/curves (zip215) [${build}]`, () => {
    useBuild(build);
    // 120 s, not the default 30 s: 10,240 signatures verified twice (in batches and singly) and by
    // @noble/curves as the oracle; 10 s on an idle machine, over 60 s measured under heavy load.
    it("agrees on 10,240 random valid, constructed and mauled signatures, in batches of 128 and singly", () => {
      let total = 0;
      let valid = 0;
      const kinds = new Set<string>();
      fc.assert(
        fc.property(fc.array(caseArb, { minLength: 128, maxLength: 128 }), (specs) => {
          const items = specs.map(([seed, message, m]) => makeCached(seed, message, m));
          const want = items.map(expected);
          expect(verifyBatch(items)).toEqual(want);
          items.forEach((x, i) => {
            expect(verify(x.signature, x.message, x.publicKey), `case ${i}`).toBe(want[i]);
          });
          total += items.length;
          valid += want.filter(Boolean).length;
          for (const [, , m] of specs) kinds.add(m.kind);
        }),
        { seed: 25519, numRuns: 80 },
      );
      expect(total).toBe(10_240);
      expect(valid).toBeGreaterThan(2000);
      expect(total - valid).toBeGreaterThan(2000);
      expect(kinds.size).toBe(10);
    }, 120_000);

    it("single verification with the lattice-halved scalars equals the plain 253-bit computation", () => {
      const items = fc
        .sample(caseArb, { seed: 4242, numRuns: 1500 })
        .map(([seed, message, m]) => makeCached(seed, message, m));
      const single = () => items.map((x) => verify(x.signature, x.message, x.publicKey));
      const halved = single();
      ed25519Wasm().exports.setLattice(0);
      try {
        expect(single()).toEqual(halved);
      } finally {
        ed25519Wasm().exports.setLattice(1);
      }
      expect(halved).toEqual(items.map(expected));
      expect(halved.filter(Boolean).length).toBeGreaterThan(300);
    });
  });

  describe(`Ed25519 batches [${build}]`, () => {
    useBuild(build);
    it("report exactly the bad items, at random positions, in both modes", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 600 }),
          fc.array(fc.nat(), { maxLength: 12 }),
          fc.constantFrom("zip215" as const, "strict" as const),
          (n, picks, mode) => {
            const items = fillerItems(n).map((x) => ({ ...x }));
            const bad = new Set(picks.map((p) => p % n));
            for (const i of bad) {
              const s = items[i]!.signature.slice();
              s[(i * 7) % 64]! ^= 0x40;
              items[i] = { ...items[i]!, signature: s };
            }
            const got = verifyBatch(items, { mode });
            expect(got.map((v, i) => (v ? -1 : i)).filter((i) => i >= 0)).toEqual(
              [...bad].sort((a, b) => a - b),
            );
          },
        ),
        { seed: 7, numRuns: 60 },
      );
    });
  });
}
