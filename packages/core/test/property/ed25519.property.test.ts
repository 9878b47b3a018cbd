// Differential tests against @noble/curves (ZIP-215 mode) on valid and mauled signatures, and
// batches with bad items at random positions.
import { ed25519 } from "@noble/curves/ed25519.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type VerifyItem, verify, verifyBatch } from "../../src/ed25519/verify.js";
import { fillerItems, keyFromSeed } from "../ed25519-helpers.js";

// Small-order points (the eight torsion points), in canonical and non-canonical encodings.
const smallOrder = [
  "0100000000000000000000000000000000000000000000000000000000000000",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "0000000000000000000000000000000000000000000000000000000000000080",
  "0000000000000000000000000000000000000000000000000000000000000000",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
].map((h) => new Uint8Array(Buffer.from(h, "hex")));
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

function le(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}
function toBig(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = 31; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

type Maul =
  | { kind: "none" }
  | { kind: "flip"; part: "R" | "S" | "A" | "M"; bit: number }
  | { kind: "s-plus-l" }
  | { kind: "small-A"; which: number }
  | { kind: "small-R"; which: number }
  | { kind: "noncanonical-A" };

const maul: fc.Arbitrary<Maul> = fc.oneof(
  fc.constant<Maul>({ kind: "none" }),
  fc.record({
    kind: fc.constant("flip" as const),
    part: fc.constantFrom("R" as const, "S" as const, "A" as const, "M" as const),
    bit: fc.nat(255),
  }),
  fc.constant<Maul>({ kind: "s-plus-l" }),
  fc.record({ kind: fc.constant("small-A" as const), which: fc.nat(smallOrder.length - 1) }),
  fc.record({ kind: fc.constant("small-R" as const), which: fc.nat(smallOrder.length - 1) }),
  fc.constant<Maul>({ kind: "noncanonical-A" }),
);

function makeCase(seed: Uint8Array, message: Uint8Array, m: Maul): VerifyItem {
  const k = keyFromSeed(seed);
  let publicKey = k.publicKey;
  let msg = message;
  let signature = k.sign(message);
  switch (m.kind) {
    case "flip": {
      let target: Uint8Array;
      if (m.part === "A") {
        publicKey = publicKey.slice();
        target = publicKey;
      } else if (m.part === "M") {
        msg = new Uint8Array([...msg, 0]);
        target = msg;
      } else {
        signature = signature.slice();
        target = signature;
      }
      const off = m.part === "S" ? 32 : 0;
      const bit = m.part === "M" ? m.bit % (msg.length * 8) : m.bit;
      target[off + (bit >> 3)]! ^= 1 << (bit & 7);
      break;
    }
    case "s-plus-l": {
      const s = toBig(signature.subarray(32)) + L;
      signature = signature.slice();
      if (s < 1n << 256n) signature.set(le(s), 32);
      break;
    }
    case "small-A":
      publicKey = smallOrder[m.which]!;
      break;
    case "small-R":
      signature = signature.slice();
      signature.set(smallOrder[m.which]!, 0);
      break;
    case "noncanonical-A":
      // y + p (possible only when y < 19): use the identity-like small y values
      publicKey = smallOrder[8]!;
      break;
  }
  return { publicKey, message: msg, signature };
}

describe("Ed25519 differential against @noble/curves (zip215)", () => {
  it("agrees on 10,000 random valid and mauled signatures, singly and in batches", () => {
    const batch: VerifyItem[] = [];
    const want: boolean[] = [];
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 80 }),
        maul,
        (seed, message, m) => {
          const item = makeCase(seed, message, m);
          const expected = ed25519.verify(item.signature, item.message, item.publicKey, { zip215: true });
          batch.push(item);
          want.push(expected);
          return true;
        },
      ),
      { seed: 25519, numRuns: 10_000 },
    );
    // One batch call per 256 cases, plus single calls on a sample.
    for (let off = 0; off < batch.length; off += 256) {
      expect(verifyBatch(batch.slice(off, off + 256)), `batch at ${off}`).toEqual(want.slice(off, off + 256));
    }
    for (let i = 0; i < batch.length; i += 7) {
      const it = batch[i]!;
      expect(verify(it.signature, it.message, it.publicKey), `case ${i}`).toBe(want[i]);
    }
    expect(want.filter(Boolean).length).toBeGreaterThan(1000);
    expect(want.filter((x) => !x).length).toBeGreaterThan(1000);
  });
});

describe("Ed25519 batches with bad items", () => {
  it("report exactly the bad positions", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.array(fc.nat(), { maxLength: 12 }), (n, picks) => {
        const items = fillerItems(n).map((x) => ({ ...x }));
        const bad = new Set(picks.map((p) => p % n));
        for (const i of bad) {
          const s = items[i]!.signature.slice();
          s[(i * 7) % 64]! ^= 0x40;
          items[i] = { ...items[i]!, signature: s };
        }
        const got = verifyBatch(items);
        expect(got.map((v, i) => (v ? -1 : i)).filter((i) => i >= 0)).toEqual([...bad].sort((a, b) => a - b));
      }),
      { seed: 7, numRuns: 60 },
    );
  });

  it("handles more items than one WASM chunk, and the empty batch", () => {
    const items = fillerItems(2100).map((x) => ({ ...x }));
    items[2099] = { ...items[2099]!, message: new Uint8Array([1]) };
    items[5] = { ...items[5]!, message: new Uint8Array([2]) };
    const got = verifyBatch(items);
    expect(got.filter((x) => !x).length).toBe(2);
    expect(got[5]).toBe(false);
    expect(got[2099]).toBe(false);
    expect(verifyBatch([])).toEqual([]);
  });
});

describe("Ed25519 input validation", () => {
  const [good] = fillerItems(1) as [VerifyItem];
  it("throws TypeError/RangeError with exact messages; invalid signatures return false", () => {
    expect(() => verify(good.signature.subarray(1), good.message, good.publicKey)).toThrow(
      new RangeError("signature: expected Uint8Array of length 64, got length=63"),
    );
    expect(() => verify(good.signature, good.message, new Uint8Array(31))).toThrow(
      new RangeError("publicKey: expected Uint8Array of length 32, got length=31"),
    );
    expect(() => verify(good.signature, "hi" as unknown as Uint8Array, good.publicKey)).toThrow(
      new TypeError("message: expected Uint8Array, got string"),
    );
    expect(() => verifyBatch([good, { ...good, publicKey: new Uint8Array(33) }])).toThrow(
      new RangeError("items[1].publicKey: expected Uint8Array of length 32, got length=33"),
    );
    expect(() => verifyBatch([null as unknown as VerifyItem])).toThrow(
      new TypeError("items[0]: expected an object, got null"),
    );
    expect(() => verify(good.signature, good.message, good.publicKey, { mode: "lax" as "strict" })).toThrow(
      RangeError,
    );
    expect(verify(new Uint8Array(64), good.message, good.publicKey)).toBe(false);
    expect(verify(good.signature, good.message, good.publicKey)).toBe(true);
  });
});
