// Test helpers for Ed25519: deterministic valid signatures made with node:crypto.
import { createPrivateKey, createPublicKey, sign } from "node:crypto";
import type { VerifyItem } from "../src/ed25519/verify.js";

const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export function keyFromSeed(seed: Uint8Array) {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(key).export({ format: "der", type: "spki" }) as Buffer;
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32));
  return { publicKey, sign: (m: Uint8Array) => new Uint8Array(sign(null, m, key)) };
}

const cache: VerifyItem[] = [];

/** n valid items with distinct keys and messages (deterministic). */
export function fillerItems(n: number): VerifyItem[] {
  while (cache.length < n) {
    const i = cache.length;
    const seed = new Uint8Array(32).fill(0);
    new DataView(seed.buffer).setUint32(0, i + 1);
    seed[31] = 0x5a;
    const k = keyFromSeed(seed);
    const message = new TextEncoder().encode(`filler message ${i}`);
    cache.push({ publicKey: k.publicKey, message, signature: k.sign(message) });
  }
  return cache.slice(0, n);
}
