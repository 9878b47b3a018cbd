// RFC 9162 Merkle trees: leaf hash SHA-256(0x00 ‖ leaf), node hash SHA-256(0x01 ‖ left ‖ right),
// the left-balanced tree of RFC 9162 §2.1.1 built level by level (an odd last node moves up
// unchanged), inclusion and consistency proofs (§2.1.3, §2.1.4) and their verification. Whole
// levels are hashed with one packed WASM batch each.
import { aarray, abytes, ChronosealError } from "../errors.js";
import { sha256, sha256Packed } from "../hash/sha.js";

export class MerkleError extends ChronosealError {
  constructor(message: string) {
    super("ERR_MERKLE", message);
    this.name = "MerkleError";
  }
}

const EMPTY_ROOT = sha256(new Uint8Array(0));

export function leafHash(leaf: Uint8Array): Uint8Array {
  abytes(leaf, undefined, "leaf");
  const m = new Uint8Array(leaf.length + 1);
  m.set(leaf, 1);
  return sha256(m);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  abytes(left, 32, "left");
  abytes(right, 32, "right");
  const m = new Uint8Array(65);
  m[0] = 1;
  m.set(left, 1);
  m.set(right, 33);
  return sha256(m);
}

/** Leaf hashes of many leaves, back to back (n × 32 bytes), in one packed batch. */
export function leafHashes(leaves: readonly Uint8Array[]): Uint8Array {
  aarray(leaves, "leaves");
  let total = 0;
  for (let i = 0; i < leaves.length; i++) total += abytes(leaves[i], undefined, `leaves[${i}]`).length + 1;
  const data = new Uint8Array(total);
  const offsets = new Uint32Array(leaves.length + 1);
  let at = 0;
  for (let i = 0; i < leaves.length; i++) {
    offsets[i] = at;
    data.set(leaves[i]!, at + 1);
    at += leaves[i]!.length + 1;
  }
  offsets[leaves.length] = at;
  return sha256Packed(data, offsets);
}

/** Hashes the level above `level` (n × 32 bytes packed): pairs become nodes, an odd last node moves up. */
function nextLevel(level: Uint8Array): Uint8Array {
  const n = level.length / 32;
  const pairs = n >>> 1;
  const data = new Uint8Array(pairs * 65);
  const offsets = new Uint32Array(pairs + 1);
  for (let i = 0; i < pairs; i++) {
    const o = i * 65;
    data[o] = 1;
    data.set(level.subarray(i * 64, i * 64 + 64), o + 1);
    offsets[i + 1] = o + 65;
  }
  const out = new Uint8Array(((n + 1) >>> 1) * 32);
  sha256Packed(data, offsets, out);
  if (n & 1) out.set(level.subarray((n - 1) * 32), pairs * 32);
  return out;
}

function toPacked(hashes: Uint8Array | readonly Uint8Array[]): Uint8Array {
  if (hashes instanceof Uint8Array) {
    if (hashes.length % 32 !== 0)
      throw new RangeError(`leaf hashes: expected a multiple of 32 bytes, got length=${hashes.length}`);
    return hashes;
  }
  aarray(hashes, "leafHashes");
  const out = new Uint8Array(hashes.length * 32);
  hashes.forEach((h, i) => {
    out.set(abytes(h, 32, `leafHashes[${i}]`), i * 32);
  });
  return out;
}

/** A tree over leaf hashes, keeping every level (for proofs). */
export class MerkleTree {
  /** levels[0] = leaf hashes; levels[k][i] = hash of leaves [i·2^k, (i+1)·2^k) (or the carried node). */
  readonly levels: Uint8Array[];
  readonly size: number;

  constructor(leafHashesPacked: Uint8Array | readonly Uint8Array[]) {
    const first = toPacked(leafHashesPacked);
    this.size = first.length / 32;
    this.levels = [first];
    let cur = first;
    while (cur.length > 32) {
      cur = nextLevel(cur);
      this.levels.push(cur);
    }
  }

  static fromLeaves(leaves: readonly Uint8Array[]): MerkleTree {
    return new MerkleTree(leafHashes(leaves));
  }

  root(): Uint8Array {
    return this.size === 0 ? EMPTY_ROOT.slice() : this.levels[this.levels.length - 1]!.slice(0, 32);
  }

  private node(level: number, index: number): Uint8Array {
    return this.levels[level]!.slice(index * 32, index * 32 + 32);
  }

  /**
   * Hash of leaves [lo, hi) for a range of the RFC 9162 recursion. levels[k][i] is the hash of
   * leaves [i·2^k, min((i+1)·2^k, size)), so aligned ranges (and ranges ending at the right
   * edge) are read directly; others are split at the largest power of two below their length.
   */
  private rangeHash(lo: number, hi: number): Uint8Array {
    const n = hi - lo;
    if ((n & (n - 1)) === 0 && lo % n === 0) return this.node(31 - Math.clz32(n), lo / n);
    if (hi === this.size) {
      const k = 32 - Math.clz32(n - 1); // smallest k with 2^k >= n
      if (lo % 2 ** k === 0) return this.node(k, lo / 2 ** k);
    }
    const k = 2 ** (31 - Math.clz32(n - 1));
    return nodeHash(this.rangeHash(lo, lo + k), this.rangeHash(lo + k, hi));
  }

  /** Root of the first `size` leaves. */
  rootAt(size: number): Uint8Array {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size)
      throw new RangeError(`size: expected 0..${this.size}, got ${size}`);
    return size === 0 ? EMPTY_ROOT.slice() : this.rangeHash(0, size);
  }

  /** The RFC 9162 inclusion proof (audit path) of leaf `index` in the whole tree. */
  inclusionProof(index: number): Uint8Array[] {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`index: expected 0..${this.size - 1}, got ${index}`);
    }
    const proof: Uint8Array[] = [];
    let idx = index;
    for (let level = 0; level < this.levels.length - 1; level++) {
      const count = this.levels[level]!.length / 32;
      const sibling = idx ^ 1;
      if (sibling < count) proof.push(this.node(level, sibling));
      idx >>>= 1;
    }
    return proof;
  }

  /** The RFC 9162 consistency proof from the first `size1` leaves to the whole tree. */
  consistencyProof(size1: number): Uint8Array[] {
    if (!Number.isSafeInteger(size1) || size1 < 0 || size1 > this.size)
      throw new RangeError(`size1: expected 0..${this.size}, got ${size1}`);
    if (size1 === 0 || size1 === this.size) return [];
    const sub = (m: number, lo: number, hi: number, complete: boolean): Uint8Array[] => {
      const n = hi - lo;
      if (m === n) return complete ? [] : [this.rangeHash(lo, hi)];
      const k = 2 ** (31 - Math.clz32(n - 1));
      if (m <= k) return [...sub(m, lo, lo + k, complete), this.rangeHash(lo + k, hi)];
      return [...sub(m - k, lo + k, hi, false), this.rangeHash(lo, lo + k)];
    };
    return sub(size1, 0, this.size, true);
  }
}

/** RFC 9162 root of the given leaves (empty: SHA-256 of the empty string). */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  return merkleRootFromLeafHashes(leafHashes(leaves));
}

/** Root over leaf hashes (packed n × 32 bytes, or an array), without keeping the levels. */
export function merkleRootFromLeafHashes(hashes: Uint8Array | readonly Uint8Array[]): Uint8Array {
  let cur = toPacked(hashes);
  if (cur.length === 0) return EMPTY_ROOT.slice();
  while (cur.length > 32) cur = nextLevel(cur);
  return cur.slice();
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function validProof(proof: unknown): proof is Uint8Array[] {
  return (
    Array.isArray(proof) &&
    proof.length <= 64 &&
    proof.every((p) => p instanceof Uint8Array && p.length === 32)
  );
}

/** RFC 9162 §2.1.3.2. False for any wrong or malformed proof; throws only for wrong argument types. */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[] | null,
  root: Uint8Array,
): boolean {
  abytes(leaf, undefined, "leafHash");
  abytes(root, undefined, "root");
  const path = proof ?? [];
  if (!validProof(path) || leaf.length !== 32 || root.length !== 32) return false;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize)
    return false;
  let fn = BigInt(index);
  let sn = BigInt(treeSize - 1);
  let r = leaf;
  for (const p of path) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else r = nodeHash(r, p);
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equal(r, root);
}

/** RFC 9162 §2.1.4.2. Equal sizes need an empty proof and equal roots; size1 = 0 is refused. */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[] | null,
): boolean {
  abytes(root1, undefined, "root1");
  abytes(root2, undefined, "root2");
  const path = proof ?? [];
  if (!validProof(path)) return false;
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < size1)
    return false;
  // A proof from the empty tree proves nothing and is refused; equal sizes need equal roots.
  if (size1 === 0) return false;
  if (size1 === size2) return path.length === 0 && equal(root1, root2);
  if (root1.length !== 32 || root2.length !== 32) return false;
  if (path.length === 0) return false;
  const c = (size1 & (size1 - 1)) === 0 ? [root1, ...path] : [...path];
  let fn = BigInt(size1 - 1);
  let sn = BigInt(size2 - 1);
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = c[0]!;
  let sr = c[0]!;
  for (const x of c.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(x, fr);
      sr = nodeHash(x, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else sr = nodeHash(sr, x);
    fn >>= 1n;
    sn >>= 1n;
  }
  return equal(fr, root1) && equal(sr, root2) && sn === 0n;
}
