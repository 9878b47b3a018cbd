// Test helpers for the merkle area: an independent RFC 9162 reference written straight from the
// recursive definition with node:crypto (tests only), deterministic leaves and bit flips.
import { createHash } from "node:crypto";

export const sha = (...parts: Uint8Array[]): Uint8Array =>
  new Uint8Array(createHash("sha256").update(Buffer.concat(parts)).digest());

export const refLeaf = (leaf: Uint8Array): Uint8Array => sha(Uint8Array.of(0), leaf);
export const refNode = (l: Uint8Array, r: Uint8Array): Uint8Array => sha(Uint8Array.of(1), l, r);

/** RFC 9162 MTH over leaf hashes, recursively: split at the largest power of two below n. */
export function refRootOfHashes(h: readonly Uint8Array[]): Uint8Array {
  if (h.length === 0) return sha();
  if (h.length === 1) return h[0]!;
  let k = 1;
  while (k * 2 < h.length) k *= 2;
  return refNode(refRootOfHashes(h.slice(0, k)), refRootOfHashes(h.slice(k)));
}

export const refRoot = (leaves: readonly Uint8Array[]): Uint8Array => refRootOfHashes(leaves.map(refLeaf));

/** RFC 9162 §2.1.3.1 PATH(m, D[n]) over leaf hashes. */
export function refPath(m: number, h: readonly Uint8Array[]): Uint8Array[] {
  if (h.length <= 1) return [];
  let k = 1;
  while (k * 2 < h.length) k *= 2;
  return m < k
    ? [...refPath(m, h.slice(0, k)), refRootOfHashes(h.slice(k))]
    : [...refPath(m - k, h.slice(k)), refRootOfHashes(h.slice(0, k))];
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
export function refConsistency(m: number, h: readonly Uint8Array[], b = true): Uint8Array[] {
  if (m === h.length) return b ? [] : [refRootOfHashes(h)];
  let k = 1;
  while (k * 2 < h.length) k *= 2;
  return m <= k
    ? [...refConsistency(m, h.slice(0, k), b), refRootOfHashes(h.slice(k))]
    : [...refConsistency(m - k, h.slice(k), false), refRootOfHashes(h.slice(0, k))];
}

const enc = new TextEncoder();
export const leavesOf = (n: number, tag = "leaf"): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => enc.encode(`${tag} ${i}`));

/** A copy of `b` with bit `bit` (mod its length) flipped. */
export function flip(b: Uint8Array, bit: number): Uint8Array {
  const c = b.slice();
  const i = Math.floor(bit / 8) % c.length;
  c[i] = c[i]! ^ (1 << (bit & 7));
  return c;
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));
