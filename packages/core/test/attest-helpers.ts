// Shared fixtures of the attest tests: deterministic key pairs and a fixed clock.
import { toBase64 } from "../src/encoding.js";
import { initKeys, type KeyPair, keyPairFromSeed } from "../src/keys/sodium.js";

/** 2025-02-18T17:01:27.880Z, the design's example time. */
export const T0 = Date.UTC(2025, 1, 18, 17, 1, 27, 880);

export interface Signer extends KeyPair {
  /** base64 public key, the signature-map key. */
  key: string;
}

/** `n` signers from seeds 1..n (call after initKeys). */
export async function signers(n: number): Promise<Signer[]> {
  await initKeys();
  return Array.from({ length: n }, (_, i) => {
    const kp = keyPairFromSeed(new Uint8Array(32).fill(i + 1));
    return { ...kp, key: toBase64(kp.publicKey) };
  });
}

/** Flips one bit of a base64 value (keeps it canonical base64 of the same length). */
export function flipBase64(text: string, bit: number): string {
  const bytes = Buffer.from(text, "base64");
  bytes[(bit >> 3) % bytes.length]! ^= 1 << (bit & 7);
  return bytes.toString("base64");
}
