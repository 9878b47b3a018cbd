// Ed25519 verification API: exact errors for wrong types and lengths, false (never a throw) for
// invalid signatures, S ≥ L, more items than one WASM call, and messages larger than the
// hashing buffer — on both WebAssembly builds where the build matters.
import { ed25519 } from "@noble/curves/ed25519.js";
import { describe, expect, it } from "vitest";
import { type VerifyItem, verify, verifyBatch } from "../../src/ed25519/verify.js";
import { initEd25519 } from "../../src/wasm/ed25519.js";
import { builds, fillerItems, hex, keyFromSeed, useBuild } from "../ed25519-helpers.js";

const L = ed25519.Point.Fn.ORDER;

function le(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

for (const build of builds) {
  describe(`Ed25519 batches and large inputs [${build}]`, () => {
    useBuild(build);
    it("handles more items than one WASM call (4096), the empty batch, and items that fail decoding", () => {
      const items = fillerItems(4100).map((x) => ({ ...x }));
      items[4099] = { ...items[4099]!, message: new Uint8Array([1]) };
      items[5] = { ...items[5]!, message: new Uint8Array([2]) };
      // y = 2 has no x on the curve: this A does not decode.
      items[4096] = { ...items[4096]!, publicKey: le(2n) };
      const got = verifyBatch(items);
      expect(got.map((v, i) => (v ? -1 : i)).filter((i) => i >= 0)).toEqual([5, 4096, 4099]);
      expect(verifyBatch([])).toEqual([]);
    });

    it("streams messages larger than the hashing buffer and splits calls by message bytes", () => {
      // 2 large (streamed) messages, and 40 of 60 KiB (more than one call's 1 MiB region).
      const k = keyFromSeed(new Uint8Array(32).fill(9));
      const items: VerifyItem[] = [];
      for (let i = 0; i < 42; i++) {
        const len = i < 2 ? 200_000 + i * 65_537 : 60 * 1024 + i;
        const message = new Uint8Array(len).map((_, j) => (j * 31 + i) & 0xff);
        items.push({ publicKey: k.publicKey, message, signature: k.sign(message) });
      }
      const tampered = items[1]!.message.slice();
      tampered[150_000]! ^= 1;
      items.push({ ...items[1]!, message: tampered });
      const want = items.map((_, i) => i !== 42);
      expect(verifyBatch(items)).toEqual(want);
      expect(items.map((x) => verify(x.signature, x.message, x.publicKey))).toEqual(want);
      expect(ed25519.verify(items[0]!.signature, items[0]!.message, items[0]!.publicKey)).toBe(true);
    });
  });
}

describe("Ed25519 input validation", () => {
  const [good] = fillerItems(1) as [VerifyItem];
  it("throws TypeError/RangeError with exact messages", () => {
    expect(() => verify(good.signature.subarray(1), good.message, good.publicKey)).toThrow(
      new RangeError("signature: expected Uint8Array of length 64, got length=63"),
    );
    expect(() => verify(good.signature, good.message, new Uint8Array(31))).toThrow(
      new RangeError("publicKey: expected Uint8Array of length 32, got length=31"),
    );
    expect(() => verify(good.signature, "hi" as unknown as Uint8Array, good.publicKey)).toThrow(
      new TypeError("message: expected Uint8Array, got string"),
    );
    expect(() => verify([...good.signature] as unknown as Uint8Array, good.message, good.publicKey)).toThrow(
      new TypeError("signature: expected Uint8Array, got array"),
    );
    expect(() => verifyBatch([good, { ...good, publicKey: new Uint8Array(33) }])).toThrow(
      new RangeError("items[1].publicKey: expected Uint8Array of length 32, got length=33"),
    );
    expect(() => verifyBatch([good, { ...good, signature: new Uint8Array(65) }])).toThrow(
      new RangeError("items[1].signature: expected Uint8Array of length 64, got length=65"),
    );
    expect(() => verifyBatch([null as unknown as VerifyItem])).toThrow(
      new TypeError("items[0]: expected an object, got null"),
    );
    expect(() => verifyBatch("x" as unknown as VerifyItem[])).toThrow(
      new TypeError("items: expected array, got string"),
    );
    expect(() => verify(good.signature, good.message, good.publicKey, { mode: "lax" as "strict" })).toThrow(
      new RangeError('mode: expected "zip215" or "strict", got lax'),
    );
    expect(() => verifyBatch([good], { mode: "rfc8032" as "strict" })).toThrow(
      new RangeError('mode: expected "zip215" or "strict", got rfc8032'),
    );
  });

  it("initializes asynchronously, and lazily on first use", async () => {
    await initEd25519();
    expect(verify(good.signature, good.message, good.publicKey)).toBe(true);
  });

  it("returns false for invalid signatures instead of throwing, true for valid ones", () => {
    expect(verify(new Uint8Array(64), good.message, good.publicKey)).toBe(false);
    expect(verify(good.signature, good.message, new Uint8Array(32).fill(0xff))).toBe(false);
    expect(verify(good.signature, good.message, good.publicKey)).toBe(true);
    expect(verify(good.signature, good.message, good.publicKey, { mode: "strict" })).toBe(true);
    expect(verify(good.signature, good.message, good.publicKey, {})).toBe(true);
  });

  it("rejects S ≥ L in both modes, also for small-order points where the equation would hold", () => {
    // A = R = identity, S = L: [8]([L]B − O − [k]O) = O, but S is not canonical.
    const id = hex("0100000000000000000000000000000000000000000000000000000000000000");
    const sig = new Uint8Array(64);
    sig.set(id, 0);
    sig.set(le(L), 32);
    for (const mode of ["zip215", "strict"] as const) {
      expect(verify(sig, good.message, id, { mode })).toBe(false);
      sig.set(le(0n), 32);
      expect(verify(sig, good.message, id, { mode })).toBe(mode === "zip215");
      sig.set(le(L), 32);
    }
  });
});
