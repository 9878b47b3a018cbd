// RFC 9162 proof verification: inclusion (§2.1.3.2) and consistency (§2.1.4.2). Both follow the
// RFC's algorithms in their decomposed form: a proof for leaf `index` in a tree of `size` leaves
// has `inner` = bit length of (index XOR (size − 1)) nodes below the point where the paths to
// the leaf and to the last leaf meet, then one node per set bit of index above it (`border`).
// Knowing the exact length up front lets a malformed proof fail with a precise reason before any
// hashing. Sizes and indices are numbers (safe integers) or bigints up to 2^64 − 1.
//
// check* return a verdict with a typed reason, verify* return a boolean, assert* throw a
// MerkleProofError. Only wrong argument *types* throw (TypeError): a proof of the wrong shape,
// a hash of the wrong length or an out-of-range size is a failed verification, not an exception.
import { aarray, abytes } from "../errors.js";
import { MerkleProofError, type ProofFailure, type ProofVerdict } from "./errors.js";
import { emptyRoot, hashChildren } from "./hash.js";
import {
  bit,
  bitLength,
  dec,
  equalU64,
  formatU64,
  isZero,
  less,
  popcount,
  shr,
  toU64,
  trailingZeros,
  type U64,
  xor,
} from "./u64.js";

const OK: ProofVerdict = { ok: true };

function fail(reason: ProofFailure, message: string): ProofVerdict {
  return { ok: false, reason, message };
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/** Checks the proof's type (TypeError) and node lengths (a failure naming the node). */
function checkNodes(proof: unknown, name: string): { nodes: readonly Uint8Array[]; bad?: ProofVerdict } {
  if (proof === null || proof === undefined) return { nodes: [] };
  const nodes = aarray(proof, name) as Uint8Array[];
  for (let i = 0; i < nodes.length; i++) {
    if (abytes(nodes[i], undefined, `${name}[${i}]`).length !== 32)
      return {
        nodes,
        bad: fail("malformed-proof", `${name}[${i}]: expected 32 bytes, got ${nodes[i]!.length}`),
      };
  }
  return { nodes };
}

/** Inner and border lengths of the inclusion proof of `index` in a tree of `size` (index < size). */
function decompose(index: U64, size: U64): { inner: number; border: number } {
  const inner = bitLength(xor(index, dec(size)));
  return { inner, border: popcount(shr(index, inner)) };
}

/** Hashes the `inner` part: at level i the sibling is on the left when bit i of index is set. */
function chainInner(seed: Uint8Array, nodes: readonly Uint8Array[], from: number, count: number, index: U64) {
  for (let i = 0; i < count; i++) {
    const p = nodes[from + i]!;
    seed = bit(index, i) ? hashChildren(p, seed) : hashChildren(seed, p);
  }
  return seed;
}

/** Like chainInner, keeping only the left siblings (the subtree root of the smaller tree). */
function chainInnerRight(
  seed: Uint8Array,
  nodes: readonly Uint8Array[],
  from: number,
  count: number,
  index: U64,
) {
  for (let i = 0; i < count; i++) if (bit(index, i)) seed = hashChildren(nodes[from + i]!, seed);
  return seed;
}

function chainBorder(seed: Uint8Array, nodes: readonly Uint8Array[], from: number) {
  for (let i = from; i < nodes.length; i++) seed = hashChildren(nodes[i]!, seed);
  return seed;
}

/** A well-formed inclusion proof, ready to hash: `inner` nodes by the bits of index, then the border. */
export interface InclusionPlan {
  nodes: readonly Uint8Array[];
  inner: number;
  index: U64;
}

/** Checks everything but the hashes: a plan, or the verdict of a malformed proof. */
export function planInclusion(
  leafHash: Uint8Array,
  index: number | bigint,
  treeSize: number | bigint,
  proof: readonly Uint8Array[] | null | undefined,
  root: Uint8Array,
): InclusionPlan | ProofVerdict {
  abytes(leafHash, undefined, "leafHash");
  abytes(root, undefined, "root");
  const idx = toU64(index, "index");
  const size = toU64(treeSize, "treeSize");
  const { nodes, bad } = checkNodes(proof, "proof");
  if (leafHash.length !== 32)
    return fail("bad-hash-length", `leafHash: expected 32 bytes, got ${leafHash.length}`);
  if (root.length !== 32) return fail("bad-hash-length", `root: expected 32 bytes, got ${root.length}`);
  if (!size) return fail("bad-size", `treeSize: expected an integer in [0, 2^64), got ${String(treeSize)}`);
  if (!idx)
    return fail("index-out-of-range", `index: expected an integer in [0, 2^64), got ${String(index)}`);
  if (!less(idx, size))
    return fail(
      "index-out-of-range",
      `index ${formatU64(idx)} is not below the tree size ${formatU64(size)}`,
    );
  if (bad) return bad;
  const { inner, border } = decompose(idx, size);
  if (nodes.length !== inner + border)
    return fail("wrong-proof-length", `proof: expected ${inner + border} nodes, got ${nodes.length}`);
  return { nodes, inner, index: idx };
}

/** The final comparison of a computed root with the expected one. */
export function rootVerdict(got: Uint8Array, root: Uint8Array): ProofVerdict {
  return equal(got, root) ? OK : fail("root-mismatch", "the proof leads to a different root");
}

/** RFC 9162 §2.1.3.2: does `proof` show `leafHash` at `index` in the tree of `treeSize` with `root`? */
export function checkInclusion(
  leafHash: Uint8Array,
  index: number | bigint,
  treeSize: number | bigint,
  proof: readonly Uint8Array[] | null | undefined,
  root: Uint8Array,
): ProofVerdict {
  const plan = planInclusion(leafHash, index, treeSize, proof, root);
  if ("ok" in plan) return plan;
  const { nodes, inner, index: idx } = plan;
  return rootVerdict(chainBorder(chainInner(leafHash, nodes, 0, inner, idx), nodes, inner), root);
}

export function verifyInclusion(
  leafHash: Uint8Array,
  index: number | bigint,
  treeSize: number | bigint,
  proof: readonly Uint8Array[] | null | undefined,
  root: Uint8Array,
): boolean {
  return checkInclusion(leafHash, index, treeSize, proof, root).ok;
}

/** Throws MerkleProofError (with `reason`) unless the inclusion proof verifies. */
export function assertInclusion(
  leafHash: Uint8Array,
  index: number | bigint,
  treeSize: number | bigint,
  proof: readonly Uint8Array[] | null | undefined,
  root: Uint8Array,
): void {
  const v = checkInclusion(leafHash, index, treeSize, proof, root);
  if (!v.ok) throw new MerkleProofError(v.reason, `inclusion proof: ${v.message}`);
}

/**
 * RFC 9162 §2.1.4.2: is the tree of `size2` with `root2` an append-only extension of the tree of
 * `size1` with `root1`? Equal sizes need an empty proof and equal roots, compared as given (for
 * size 0, the empty-tree hash), as the transparency-dev vectors expect. A proof from the empty tree (size1 = 0 < size2) proves nothing and fails
 * with `empty-tree`, as in the transparency-dev vectors.
 */
export function checkConsistency(
  size1: number | bigint,
  size2: number | bigint,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[] | null | undefined,
): ProofVerdict {
  abytes(root1, undefined, "root1");
  abytes(root2, undefined, "root2");
  const n1 = toU64(size1, "size1");
  const n2 = toU64(size2, "size2");
  const { nodes, bad } = checkNodes(proof, "proof");
  if (!n1) return fail("bad-size", `size1: expected an integer in [0, 2^64), got ${String(size1)}`);
  if (!n2) return fail("bad-size", `size2: expected an integer in [0, 2^64), got ${String(size2)}`);
  if (less(n2, n1)) return fail("bad-size", `size1 ${formatU64(n1)} is above size2 ${formatU64(n2)}`);
  if (bad) return bad;
  if (equalU64(n1, n2)) {
    if (nodes.length !== 0) return fail("wrong-proof-length", "equal sizes need an empty proof");
    if (!equal(root1, root2)) return fail("root-mismatch", "equal sizes but different roots");
    if (isZero(n1) && !equal(root1, emptyRoot()))
      return fail("root-mismatch", "the root of the empty tree is SHA-256 of the empty string");
    return OK;
  }
  if (root1.length !== 32) return fail("bad-hash-length", `root1: expected 32 bytes, got ${root1.length}`);
  if (root2.length !== 32) return fail("bad-hash-length", `root2: expected 32 bytes, got ${root2.length}`);
  if (isZero(n1)) return fail("empty-tree", "a consistency proof from the empty tree proves nothing");
  // Decompose the inclusion proof of the last leaf of tree 1 in tree 2; the levels below the
  // lowest set bit of size1 are a complete subtree that the smaller tree shares.
  const last = dec(n1);
  const { inner: fullInner, border } = decompose(last, n2);
  const shift = trailingZeros(n1);
  const inner = fullInner - shift;
  // When size1 is a power of two its root is the shared subtree itself and is not in the proof.
  const seeded = equalU64(shr(n1, shift), { hi: 0, lo: 1 });
  const start = seeded ? 0 : 1;
  if (nodes.length !== start + inner + border)
    return fail("wrong-proof-length", `proof: expected ${start + inner + border} nodes, got ${nodes.length}`);
  const seed = seeded ? root1 : nodes[0]!;
  const mask = shr(last, shift);
  const h1 = chainBorder(chainInnerRight(seed, nodes, start, inner, mask), nodes, start + inner);
  if (!equal(h1, root1)) return fail("root-mismatch", "the proof does not lead to root1");
  const h2 = chainBorder(chainInner(seed, nodes, start, inner, mask), nodes, start + inner);
  if (!equal(h2, root2)) return fail("root-mismatch", "the proof does not lead to root2");
  return OK;
}

export function verifyConsistency(
  size1: number | bigint,
  size2: number | bigint,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[] | null | undefined,
): boolean {
  return checkConsistency(size1, size2, root1, root2, proof).ok;
}

/** Throws MerkleProofError (with `reason`) unless the consistency proof verifies. */
export function assertConsistency(
  size1: number | bigint,
  size2: number | bigint,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[] | null | undefined,
): void {
  const v = checkConsistency(size1, size2, root1, root2, proof);
  if (!v.ok) throw new MerkleProofError(v.reason, `consistency proof: ${v.message}`);
}
