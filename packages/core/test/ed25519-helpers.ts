// Test helpers for Ed25519: deterministic valid signatures (libsodium, fast enough for tens of
// thousands of keys), and a way to run a suite on both WebAssembly builds (SIMD and scalar).
import sodium from "libsodium-wrappers";
import { afterAll, beforeAll } from "vitest";
import type { VerifyItem } from "../src/ed25519/verify.js";
import { ed25519Wasm, selectEd25519Build } from "../src/wasm/ed25519.js";

await sodium.ready;

/** An Ed25519 key pair from a 32-byte seed, with a signing function (RFC 8032 signatures). */
export function keyFromSeed(seed: Uint8Array) {
  const kp = sodium.crypto_sign_seed_keypair(seed);
  return {
    publicKey: kp.publicKey,
    sign: (m: Uint8Array) => sodium.crypto_sign_detached(m, kp.privateKey),
  };
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

export const builds = ["simd", "scalar"] as const;
export type Build = (typeof builds)[number];

/** Inside a describe(): every test of the block runs on the given WebAssembly build. */
export function useBuild(build: Build): void {
  beforeAll(() => {
    selectEd25519Build(build);
    if (ed25519Wasm().simd !== (build === "simd")) throw new Error(`could not select the ${build} build`);
  });
  afterAll(() => selectEd25519Build(undefined));
}

export const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, "hex"));
