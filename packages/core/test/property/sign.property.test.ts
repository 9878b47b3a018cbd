// Signing, differentially: libsodium's keys and signatures equal @noble/curves' and
// node:crypto's for random seeds and messages, and our WASM verifier accepts them.
import { createPrivateKey, sign as nodeSign } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { verify } from "../../src/ed25519/verify.js";
import { initKeys, keyPairFromSeed, publicKeyFromSecretKey, sign } from "../../src/keys/sodium.js";

beforeAll(() => initKeys());

/** PKCS#8 DER for node:crypto, built here from RFC 8410 rather than with our encoder. */
function nodeKey(seed: Uint8Array) {
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  return createPrivateKey({ key: der, format: "der", type: "pkcs8" });
}

describe("sign (property)", () => {
  it("keys and signatures equal noble's and node:crypto's; our verifier accepts them", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 300 }),
        (seed, message) => {
          const kp = keyPairFromSeed(seed);
          expect(kp.publicKey).toEqual(ed25519.getPublicKey(seed));
          expect(publicKeyFromSecretKey(kp.secretKey)).toEqual(kp.publicKey);
          const sig = sign(message, kp.secretKey);
          expect(sig).toEqual(ed25519.sign(message, seed));
          expect(sig).toEqual(new Uint8Array(nodeSign(null, message, nodeKey(seed))));
          expect(verify(sig, message, kp.publicKey)).toBe(true);
          expect(verify(sig, message, kp.publicKey, { mode: "strict" })).toBe(true);
        },
      ),
      { seed: 3203, numRuns: 300 },
    );
  });

  it("changing any message bit invalidates the signature", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.nat(),
        (seed, message, bit) => {
          const kp = keyPairFromSeed(seed);
          const sig = sign(message, kp.secretKey);
          const other = message.slice();
          const i = bit % (message.length * 8);
          other[i >> 3]! ^= 1 << (i & 7);
          expect(verify(sig, other, kp.publicKey)).toBe(false);
        },
      ),
      { seed: 8032, numRuns: 200 },
    );
  });
});
