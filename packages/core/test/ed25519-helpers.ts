// Test helpers for Ed25519: deterministic valid signatures (libsodium, fast enough for tens of
// thousands of keys), a way to run a suite on both WebAssembly builds (SIMD and scalar), crafted
// keys and signatures with known discrete logs (mixed-order, small-order and non-canonical keys
// that can still sign), and a switch between the engine's search paths.
import { createHash } from "node:crypto";
import { ED25519_TORSION_SUBGROUP, ed25519 } from "@noble/curves/ed25519.js";
import sodium from "libsodium-wrappers";
import { afterAll, beforeAll } from "vitest";
import type { VerifyItem, VerifyMode } from "../src/ed25519/verify.js";
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

// ---- crafted keys and signatures (known discrete logs), for batches that share keys ----------

export const L = ed25519.Point.Fn.ORDER;
const P = 2n ** 255n - 19n;
const BASE = ed25519.Point.BASE;

export function le(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}
export function toBig(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

/** The 8 torsion points (index 0 is the identity). */
export const torsion: Uint8Array[] = ED25519_TORSION_SUBGROUP.map(hex);
/**
 * Non-canonical encodings of small-order points: y = p (the point (√−1, 0) of order 4) and
 * y = p + 1 (the identity), each with either sign bit, and x = 0 with the sign bit set (the
 * identity and the point of order 2).
 */
export const nonCanonicalSmall: Uint8Array[] = [
  le(P),
  le(P + (1n << 255n)),
  le(P + 1n),
  le(P + 1n + (1n << 255n)),
  hex("0100000000000000000000000000000000000000000000000000000000000080"),
  hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
];

/**
 * Key kinds: an ordinary key; a mixed-order key (a torsion component added); a small-order key;
 * a non-canonical encoding of a small-order point; the negation −A of ordinary key number
 * index ^ 1 (its encoding differs from that key's in the sign bit only).
 */
export type KeyKind = "normal" | "mixed" | "small" | "noncanonical" | "negated";

/** A key as bytes with the discrete log `a` of its prime-order part (0 for small-order keys). */
export interface CraftedKey {
  kind: KeyKind;
  bytes: Uint8Array;
  a: bigint;
}

function scalarFrom(label: string): bigint {
  return (toBig(createHash("sha512").update(label).digest()) % (L - 1n)) + 1n;
}

const keyCache = new Map<string, CraftedKey>();
/** Deterministic key number `index` of a kind. */
export function craftKey(kind: KeyKind, index: number): CraftedKey {
  const id = `${kind}:${index}`;
  let key = keyCache.get(id);
  if (key) return key;
  if (kind === "negated") {
    const k = craftKey("normal", index ^ 1);
    const bytes = k.bytes.slice();
    bytes[31]! ^= 0x80;
    key = { kind, bytes, a: L - k.a };
  } else if (kind === "small") key = { kind, bytes: torsion[index % 8]!, a: 0n };
  else if (kind === "noncanonical")
    key = { kind, bytes: nonCanonicalSmall[index % nonCanonicalSmall.length]!, a: 0n };
  else {
    const a = scalarFrom(id);
    let point = BASE.multiply(a);
    if (kind === "mixed") point = point.add(ed25519.Point.fromBytes(torsion[1 + (index % 7)]!));
    key = { kind, bytes: point.toBytes(), a };
  }
  keyCache.set(id, key);
  return key;
}

/**
 * A signature by `key` on `message` with nonce r (R = [r]B plus torsion point number rt) and
 * S = r + k·a + delta (mod L): valid under the cofactored rule exactly when delta ≡ 0.
 */
export function craftSignature(
  key: CraftedKey,
  message: Uint8Array,
  r: bigint,
  rt = 0,
  delta = 0n,
): VerifyItem {
  let R = BASE.multiply(r);
  if (rt % 8 !== 0) R = R.add(ed25519.Point.fromBytes(torsion[rt % 8]!));
  const rBytes = R.toBytes();
  const k = toBig(createHash("sha512").update(rBytes).update(key.bytes).update(message).digest()) % L;
  const s = (((r + k * key.a + delta) % L) + L) % L;
  const signature = new Uint8Array(64);
  signature.set(rBytes, 0);
  signature.set(le(s), 32);
  return { publicKey: key.bytes, message, signature };
}

/**
 * Runs fn with the engine's search paths set (bit 0: group by key, bit 1: candidate search,
 * bit 2: no half of the combined sum kept apart, bit 3: positions in item order, no rotation).
 */
export function withPaths<T>(bits: number, fn: () => T): T {
  ed25519Wasm().exports.setPaths(bits);
  try {
    return fn();
  } finally {
    ed25519Wasm().exports.setPaths(3);
  }
}

/**
 * The paths: default, sound search only, ungrouped, ungrouped with sound search only, and the
 * default without a half kept apart (the search starts on the whole batch).
 */
export const allPaths = [3, 1, 2, 0, 7] as const;

/** The C2SP/CCTV rule table (see test/vectors/ed25519.test.ts): the verdict a case's flags imply. */
export function cctvRule(flags: string[], mode: VerifyMode): boolean {
  if (flags.includes("reencoded_k") && !flags.includes("low_order_A")) return false;
  if (mode === "zip215") return true;
  return !flags.some((f) => ["non_canonical_A", "non_canonical_R", "low_order_A", "low_order_R"].includes(f));
}
