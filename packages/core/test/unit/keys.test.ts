// Key generation and signing with libsodium: shapes, determinism, exact error messages.
import { beforeAll, describe, expect, it } from "vitest";
import { verify } from "../../src/ed25519/verify.js";
import {
  generateKeyPair,
  initKeys,
  keyPairFromSeed,
  publicKeyFromSecretKey,
  seedOf,
  sign,
} from "../../src/keys/sodium.js";

beforeAll(() => initKeys());
const msg = new TextEncoder().encode("hello");

describe("keys and signing", () => {
  it("generates 32-byte public and 64-byte seed‖public secret keys, different each time", () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    expect(a.publicKey.length).toBe(32);
    expect(a.secretKey.length).toBe(64);
    expect(a.secretKey.subarray(32)).toEqual(a.publicKey);
    expect(a.publicKey).not.toEqual(b.publicKey);
  });

  it("derives the same key pair and signatures from a seed (Ed25519 is deterministic)", () => {
    const kp = generateKeyPair();
    const again = keyPairFromSeed(seedOf(kp.secretKey));
    expect(again).toEqual({ publicKey: kp.publicKey, secretKey: kp.secretKey });
    expect(publicKeyFromSecretKey(kp.secretKey)).toEqual(kp.publicKey);
    const sig = sign(msg, kp.secretKey);
    expect(sig.length).toBe(64);
    expect(sign(msg, again.secretKey)).toEqual(sig);
    expect(verify(sig, msg, kp.publicKey)).toBe(true);
  });

  it("signs the empty message and messages at block boundaries", () => {
    const kp = generateKeyPair();
    for (const n of [0, 1, 111, 112, 127, 128, 1000]) {
      const m = new Uint8Array(n).fill(n & 255);
      expect(verify(sign(m, kp.secretKey), m, kp.publicKey)).toBe(true);
    }
  });

  it("a signature does not verify for another message or key", () => {
    const kp = generateKeyPair();
    const sig = sign(msg, kp.secretKey);
    expect(verify(sig, new TextEncoder().encode("hellp"), kp.publicKey)).toBe(false);
    expect(verify(sig, msg, generateKeyPair().publicKey)).toBe(false);
  });

  it("publicKeyFromSecretKey derives from the seed, not from the stored half", () => {
    const kp = generateKeyPair();
    const forged = kp.secretKey.slice();
    forged.set(generateKeyPair().publicKey, 32);
    expect(publicKeyFromSecretKey(forged)).toEqual(kp.publicKey);
  });

  it("rejects wrong types and lengths with exact messages", () => {
    expect(() => keyPairFromSeed(new Uint8Array(31))).toThrow(
      new RangeError("seed: expected Uint8Array of length 32, got length=31"),
    );
    expect(() => keyPairFromSeed("seed" as unknown as Uint8Array)).toThrow(
      new TypeError("seed: expected Uint8Array, got string"),
    );
    expect(() => sign(new Uint8Array(1), new Uint8Array(32))).toThrow(
      new RangeError("secretKey: expected Uint8Array of length 64, got length=32"),
    );
    expect(() => sign("hi" as unknown as Uint8Array, new Uint8Array(64))).toThrow(
      new TypeError("message: expected Uint8Array, got string"),
    );
    expect(() => publicKeyFromSecretKey(new Uint8Array(32))).toThrow(RangeError);
    expect(() => seedOf(new Uint8Array(65))).toThrow(RangeError);
  });
});
