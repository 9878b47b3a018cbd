// Shared by the BLAKE3 tests: the official vectors' input pattern, a seeded byte pool, split
// points, and a plain-JS reference of the BLAKE3 root output for one-block messages (written
// from the specification, §2.2–2.6) to check output at block counters no oracle reaches.
import { blake3 as nobleBlake3 } from "@noble/hashes/blake3.js";

export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The official vectors' input: bytes 0, 1, …, 250, 0, 1, … */
export function pattern(len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = i % 251;
  return out;
}

/** xorshift32 stream: deterministic, so every failure reproduces. */
export function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** A deterministic pseudo-random buffer of `len` bytes. */
export function pool(len: number, seed: number): Uint8Array<ArrayBuffer> {
  const next = xorshift(seed);
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = next() & 0xff;
  return out;
}

/** Sorted distinct split points in [0, len] from `next`, `count` of them. */
export function splitPoints(len: number, count: number, next: () => number): number[] {
  const points = new Set<number>();
  for (let i = 0; i < count; i++) points.add(next() % (len + 1));
  return [...points].sort((a, b) => a - b);
}

/** Feeds `data` to `update` cut at `points`. */
export function feed(update: (d: Uint8Array) => unknown, data: Uint8Array, points: number[]): void {
  let last = 0;
  for (const p of [...points, data.length]) {
    update(data.subarray(last, p));
    last = p;
  }
}

export interface NobleOpts {
  key?: Uint8Array;
  context?: string;
  dkLen?: number;
}

/** @noble/hashes blake3 with our option shapes (noble takes the context as bytes). */
export function noble(data: Uint8Array, opts: NobleOpts = {}): Uint8Array {
  const { key, context, dkLen } = opts;
  return nobleBlake3(data, {
    ...(key ? { key } : {}),
    ...(context !== undefined ? { context: utf8(context) } : {}),
    ...(dkLen !== undefined ? { dkLen } : {}),
  });
}

const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const PERMUTATION = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8];
const rotr = (x: number, n: number) => ((x >>> n) | (x << (32 - n))) >>> 0;

function compress(cv: number[], m: number[], counter: bigint, len: number, flags: number): number[] {
  const v = [...cv, ...IV.slice(0, 4), Number(counter & 0xffffffffn), Number(counter >> 32n), len, flags];
  const g = (a: number, b: number, c: number, d: number, x: number, y: number) => {
    v[a] = (v[a]! + v[b]! + x) >>> 0;
    v[d] = rotr(v[d]! ^ v[a]!, 16);
    v[c] = (v[c]! + v[d]!) >>> 0;
    v[b] = rotr(v[b]! ^ v[c]!, 12);
    v[a] = (v[a]! + v[b]! + y) >>> 0;
    v[d] = rotr(v[d]! ^ v[a]!, 8);
    v[c] = (v[c]! + v[d]!) >>> 0;
    v[b] = rotr(v[b]! ^ v[c]!, 7);
  };
  let s = [...m];
  for (let r = 0; r < 7; r++) {
    g(0, 4, 8, 12, s[0]!, s[1]!);
    g(1, 5, 9, 13, s[2]!, s[3]!);
    g(2, 6, 10, 14, s[4]!, s[5]!);
    g(3, 7, 11, 15, s[6]!, s[7]!);
    g(0, 5, 10, 15, s[8]!, s[9]!);
    g(1, 6, 11, 12, s[10]!, s[11]!);
    g(2, 7, 8, 13, s[12]!, s[13]!);
    g(3, 4, 9, 14, s[14]!, s[15]!);
    s = PERMUTATION.map((p) => s[p]!);
  }
  return [
    ...v.slice(0, 8).map((x, i) => (x ^ v[i + 8]!) >>> 0),
    ...v.slice(8).map((x, i) => (x ^ cv[i]!) >>> 0),
  ];
}

/**
 * Output block `counter` (64 bytes) of the plain hash of a message of at most 64 bytes: its
 * root is its only chunk's only block (flags CHUNK_START | CHUNK_END | ROOT).
 */
export function referenceOutputBlock(message: Uint8Array, counter: bigint): Uint8Array {
  if (message.length > 64) throw new RangeError("referenceOutputBlock: one block at most");
  const block = new Uint8Array(64);
  block.set(message);
  const dv = new DataView(block.buffer);
  const m = Array.from({ length: 16 }, (_, i) => dv.getUint32(i * 4, true));
  const words = compress(IV, m, counter, message.length, 1 | 2 | 8);
  const out = new Uint8Array(64);
  const ov = new DataView(out.buffer);
  words.forEach((w, i) => {
    ov.setUint32(i * 4, w, true);
  });
  return out;
}
