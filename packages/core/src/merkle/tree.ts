// An RFC 9162 Merkle tree over leaf hashes that keeps every level (packed, 32 bytes a node), for
// roots of any prefix and for inclusion (§2.1.3.1) and consistency (§2.1.4.1) proofs. Levels are
// built bottom-up with one packed WASM batch per level; levels[k][i] is the hash of leaves
// [i·2^k, min((i+1)·2^k, size)) (an odd last node moves up unchanged), which is the RFC's
// recursive MTH of that range.
import { emptyRoot, hashChildren, hashLevel, leafHashes, levelScratch, packLeafHashes } from "./hash.js";

function checkInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== "number") throw new TypeError(`${name}: expected number, got ${typeof value}`);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`${name}: expected an integer in [${min}, ${max}], got ${value}`);
  return value;
}

/** Largest power of two strictly below n (n ≥ 2). */
function splitPoint(n: number): number {
  return 2 ** (31 - Math.clz32(n - 1));
}

export class MerkleTree {
  /** levels[0] = leaf hashes, levels[last] = the root (for size ≥ 1); each n × 32 bytes. */
  readonly levels: readonly Uint8Array[];
  readonly size: number;

  /** A tree over leaf hashes: one packed buffer (n × 32 bytes, copied) or an array of hashes. */
  constructor(leafHashesPacked: Uint8Array | readonly Uint8Array[]) {
    const given = packLeafHashes(leafHashesPacked);
    const first = given === leafHashesPacked ? new Uint8Array(given) : given;
    this.size = first.length >>> 5;
    const levels = [first];
    if (this.size > 1) {
      const s = levelScratch(this.size);
      let cur = first;
      while (cur.length > 32) {
        cur = hashLevel(cur, new Uint8Array((((cur.length >>> 5) + 1) >>> 1) * 32), s);
        levels.push(cur);
      }
    }
    this.levels = levels;
  }

  /** A tree over the leaf hashes of `leaves` (hashed in one packed batch). */
  static fromLeaves(leaves: readonly Uint8Array[]): MerkleTree {
    return new MerkleTree(leafHashes(leaves));
  }

  /** The RFC 9162 root of the whole tree (SHA-256("") when empty). */
  root(): Uint8Array {
    return this.size === 0 ? emptyRoot() : this.levels[this.levels.length - 1]!.slice(0, 32);
  }

  /** The leaf hash at `index`. */
  leafHash(index: number): Uint8Array {
    checkInteger(index, "index", 0, this.size - 1);
    return this.node(0, index);
  }

  private node(level: number, index: number): Uint8Array {
    return this.levels[level]!.slice(index * 32, index * 32 + 32);
  }

  /** MTH of leaves [lo, hi) (hi > lo): read from the levels when the range is one node, else split. */
  private rangeHash(lo: number, hi: number): Uint8Array {
    const n = hi - lo;
    if ((n & (n - 1)) === 0 && lo % n === 0) return this.node(31 - Math.clz32(n), lo / n);
    if (hi === this.size) {
      const k = 32 - Math.clz32(n - 1); // smallest k with 2^k ≥ n: the node that ends at the right edge
      if (lo % 2 ** k === 0) return this.node(k, lo / 2 ** k);
    }
    const k = splitPoint(n);
    return hashChildren(this.rangeHash(lo, lo + k), this.rangeHash(lo + k, hi));
  }

  /** Root of the tree of the first `size` leaves. */
  rootAt(size: number): Uint8Array {
    checkInteger(size, "size", 0, this.size);
    return size === 0 ? emptyRoot() : this.rangeHash(0, size);
  }

  /** RFC 9162 §2.1.3.1 inclusion proof (audit path) of leaf `index` in the tree of the first `treeSize` leaves. */
  inclusionProof(index: number, treeSize: number = this.size): Uint8Array[] {
    if (this.size === 0) throw new RangeError("inclusionProof: the tree is empty");
    checkInteger(treeSize, "treeSize", 1, this.size);
    checkInteger(index, "index", 0, treeSize - 1);
    const path: Uint8Array[] = [];
    let lo = 0;
    let hi = treeSize;
    while (hi - lo > 1) {
      const k = splitPoint(hi - lo);
      if (index - lo < k) {
        path.push(this.rangeHash(lo + k, hi));
        hi = lo + k;
      } else {
        path.push(this.rangeHash(lo, lo + k));
        lo += k;
      }
    }
    return path.reverse();
  }

  /** RFC 9162 §2.1.4.1 consistency proof from the first `size1` leaves to the first `size2`. */
  consistencyProof(size1: number, size2: number = this.size): Uint8Array[] {
    checkInteger(size2, "size2", 0, this.size);
    checkInteger(size1, "size1", 0, size2);
    if (size1 === 0 || size1 === size2) return [];
    const proof: Uint8Array[] = [];
    let lo = 0;
    let hi = size2;
    let m = size1;
    let complete = true; // whether [lo, lo + m) is still the old tree itself (SUBPROOF's b)
    while (m !== hi - lo) {
      const k = splitPoint(hi - lo);
      if (m <= k) {
        proof.push(this.rangeHash(lo + k, hi));
        hi = lo + k;
      } else {
        proof.push(this.rangeHash(lo, lo + k));
        lo += k;
        m -= k;
        complete = false;
      }
    }
    if (!complete) proof.push(this.rangeHash(lo, hi));
    return proof.reverse();
  }
}

/** Inclusion proof of leaf `index` among `leaves` (or in `tree`), in the tree of the first `treeSize`. */
export function inclusionProof(
  tree: MerkleTree | readonly Uint8Array[],
  index: number,
  treeSize?: number,
): Uint8Array[] {
  const t = tree instanceof MerkleTree ? tree : MerkleTree.fromLeaves(tree);
  return t.inclusionProof(index, treeSize ?? t.size);
}

/** Consistency proof from the first `size1` to the first `size2` leaves (default: all). */
export function consistencyProof(
  tree: MerkleTree | readonly Uint8Array[],
  size1: number,
  size2?: number,
): Uint8Array[] {
  const t = tree instanceof MerkleTree ? tree : MerkleTree.fromLeaves(tree);
  return t.consistencyProof(size1, size2 ?? t.size);
}
