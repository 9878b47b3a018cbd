// Merkle proofs for every leaf of random trees, single-bit changes, consistency, the frontier.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Frontier } from "../../src/merkle/frontier.js";
import {
  leafHash,
  MerkleError,
  MerkleTree,
  merkleRoot,
  verifyConsistency,
  verifyInclusion,
} from "../../src/merkle/tree.js";

// A reference RFC 9162 MTH written directly from the recursive definition, with node:crypto.
function refRoot(leaves: Uint8Array[]): Buffer {
  const h = (...parts: Uint8Array[]) => createHash("sha256").update(Buffer.concat(parts)).digest();
  const mth = (d: Uint8Array[]): Buffer => {
    if (d.length === 0) return h();
    if (d.length === 1) return h(Uint8Array.of(0), d[0]!);
    let k = 1;
    while (k * 2 < d.length) k *= 2;
    return h(Uint8Array.of(1), mth(d.slice(0, k)), mth(d.slice(k)));
  };
  return mth(leaves);
}

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => new TextEncoder().encode(`leaf ${i}`));
const flip = (b: Uint8Array, bit: number) => {
  const c = b.slice();
  c[(bit >> 3) % c.length]! ^= 1 << (bit & 7);
  return c;
};

describe("Merkle tree properties", () => {
  it("root equals the recursive definition; proofs verify for every leaf and fail after any bit flip", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.nat(), (n, bit) => {
        const leaves = leavesOf(n);
        const tree = MerkleTree.fromLeaves(leaves);
        const root = tree.root();
        expect(Buffer.from(root)).toEqual(refRoot(leaves));
        expect(merkleRoot(leaves)).toEqual(root);
        for (let i = 0; i < n; i++) {
          const lh = tree.levels[0]!.subarray(i * 32, i * 32 + 32);
          const proof = tree.inclusionProof(i);
          expect(verifyInclusion(lh, i, n, proof, root)).toBe(true);
          if (i % 37 === 0 || i === n - 1) {
            expect(verifyInclusion(flip(lh, bit), i, n, proof, root)).toBe(false);
            expect(verifyInclusion(lh, i, n, proof, flip(root, bit))).toBe(false);
            expect(verifyInclusion(lh, i ^ 1, n, proof, root) && (i ^ 1) !== i).toBe(false);
            if (proof.length) {
              const p = proof.map((x, j) => (j === bit % proof.length ? flip(x, bit) : x));
              expect(verifyInclusion(lh, i, n, p, root)).toBe(false);
            }
          }
        }
      }),
      { seed: 9162, numRuns: 30 },
    );
  });

  it("consistency proofs verify between random sizes and fail when altered", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.nat(), fc.nat(), (n2, a, bit) => {
        const tree = MerkleTree.fromLeaves(leavesOf(n2));
        const n1 = 1 + (a % n2);
        const proof = tree.consistencyProof(n1);
        const r1 = tree.rootAt(n1);
        expect(Buffer.from(r1)).toEqual(refRoot(leavesOf(n1)));
        expect(verifyConsistency(n1, n2, r1, tree.root(), proof)).toBe(true);
        expect(verifyConsistency(n1, n2, flip(r1, bit), tree.root(), proof)).toBe(false);
        if (proof.length) {
          const p = proof.map((x, j) => (j === bit % proof.length ? flip(x, bit) : x));
          expect(verifyConsistency(n1, n2, r1, tree.root(), p)).toBe(false);
        }
      }),
      { seed: 6962, numRuns: 200 },
    );
  });

  it("the frontier root equals the full-tree root at every size, and survives serialization", () => {
    const f = new Frontier();
    const leaves = leavesOf(700);
    for (let i = 0; i < leaves.length; i++) {
      f.append(leafHash(leaves[i]!));
      if (i % 50 === 0 || i < 70) expect(Buffer.from(f.root())).toEqual(refRoot(leaves.slice(0, i + 1)));
    }
    const g = Frontier.fromJSON(JSON.parse(JSON.stringify(f)));
    expect(g.root()).toEqual(f.root());
    expect(f.toJSON().hashes.length).toBeLessThanOrEqual(64);
    expect(() => Frontier.fromJSON({ size: 3, hashes: [] })).toThrow(MerkleError);
  });

  it("malformed proofs are rejected, never thrown from inside", () => {
    const tree = MerkleTree.fromLeaves(leavesOf(8));
    const lh = tree.levels[0]!.subarray(0, 32);
    expect(verifyInclusion(lh, 0, 8, [new Uint8Array(31)], tree.root())).toBe(false);
    expect(verifyInclusion(lh, 9, 8, tree.inclusionProof(0), tree.root())).toBe(false);
    expect(verifyInclusion(lh, -1, 8, tree.inclusionProof(0), tree.root())).toBe(false);
    expect(verifyInclusion(lh, 0, 8, "x" as unknown as Uint8Array[], tree.root())).toBe(false);
    expect(() => verifyInclusion("x" as unknown as Uint8Array, 0, 8, [], tree.root())).toThrow(TypeError);
    expect(() => tree.inclusionProof(8)).toThrow(RangeError);
  });
});
