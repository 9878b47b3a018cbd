// Merkle properties (fast-check, pinned seeds): roots agree with the recursive definition;
// inclusion proofs verify for every leaf of random trees up to 1,000 leaves and fail after any
// single-bit change of the proof, the leaf hash, the index or the root; consistency proofs
// verify for random size pairs and fail when altered; the frontier root equals the full-tree
// root at every size; malformed proofs give typed verdicts, never exceptions.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkConsistency,
  checkInclusion,
  checkInclusionBatch,
  Frontier,
  leafHash,
  MerkleError,
  MerkleTree,
  merkleRoot,
  verifyConsistency,
  verifyInclusion,
} from "../../src/merkle/index.js";
import { flip, leavesOf, refConsistency, refLeaf, refRoot } from "../merkle-helpers.js";

describe("Merkle tree properties", () => {
  it("every leaf's proof verifies; any single-bit change of proof, leaf, index or root fails", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.string({ maxLength: 4 }),
        fc.infiniteStream(fc.nat()),
        (n, tag, bits) => {
          const leaves = leavesOf(n, tag);
          const tree = MerkleTree.fromLeaves(leaves);
          const root = tree.root();
          expect(root).toEqual(refRoot(leaves));
          expect(merkleRoot(leaves)).toEqual(root);
          const it = bits[Symbol.iterator]();
          const next = () => it.next().value as number;
          for (let i = 0; i < n; i++) {
            const lh = tree.leafHash(i);
            const proof = tree.inclusionProof(i);
            expect(verifyInclusion(lh, i, n, proof, root)).toBe(true);
            expect(verifyInclusion(flip(lh, next()), i, n, proof, root)).toBe(false);
            expect(verifyInclusion(lh, i, n, proof, flip(root, next()))).toBe(false);
            expect(verifyInclusion(lh, BigInt(i) ^ (1n << BigInt(next() % 64)), n, proof, root)).toBe(false);
            if (proof.length) {
              const j = next() % proof.length;
              const bent = proof.map((x, k) => (k === j ? flip(x, next()) : x));
              expect(verifyInclusion(lh, i, n, bent, root)).toBe(false);
            }
          }
        },
      ),
      { seed: 9162, numRuns: 25 },
    );
  });

  it("consistency proofs verify between random sizes and fail when altered", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.nat(), fc.nat(), fc.nat(), (n2, a, bit, pick) => {
        const leaves = leavesOf(n2);
        const tree = MerkleTree.fromLeaves(leaves);
        const n1 = 1 + (a % n2);
        const proof = tree.consistencyProof(n1);
        const r1 = tree.rootAt(n1);
        const r2 = tree.root();
        expect(r1).toEqual(refRoot(leaves.slice(0, n1)));
        if (n2 <= 200) expect(proof).toEqual(n1 === n2 ? [] : refConsistency(n1, leaves.map(refLeaf)));
        expect(verifyConsistency(n1, n2, r1, r2, proof)).toBe(true);
        expect(verifyConsistency(n1, n2, flip(r1, bit), r2, proof)).toBe(false);
        expect(verifyConsistency(n1, n2, r1, flip(r2, bit), proof)).toBe(false);
        if (proof.length) {
          const j = pick % proof.length;
          const bent = proof.map((x, k) => (k === j ? flip(x, bit) : x));
          expect(verifyConsistency(n1, n2, r1, r2, bent)).toBe(false);
          expect(verifyConsistency(n1, n2, r1, r2, proof.slice(0, -1))).toBe(false);
          expect(verifyConsistency(n1, n2, r1, r2, [...proof, r1])).toBe(false);
        }
        // A prefix proof from a smaller tree of the same leaves also verifies.
        const m = 1 + (pick % n1);
        expect(verifyConsistency(m, n1, tree.rootAt(m), r1, tree.consistencyProof(m, n1))).toBe(true);
      }),
      { seed: 6962, numRuns: 150 },
    );
  });

  it("the frontier root equals the full-tree root at every size, and survives serialization", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.string({ maxLength: 3 }), (n, tag) => {
        const leaves = leavesOf(n, tag);
        const tree = MerkleTree.fromLeaves(leaves);
        const f = new Frontier();
        expect(f.root()).toEqual(tree.rootAt(0));
        for (let i = 0; i < n; i++) {
          f.append(leafHash(leaves[i]!));
          expect(f.root()).toEqual(tree.rootAt(i + 1));
        }
        expect(f.size).toBe(n);
        expect(Frontier.fromJSON(JSON.parse(JSON.stringify(f))).root()).toEqual(f.root());
        expect(Frontier.deserialize(f.serialize()).root()).toEqual(f.root());
      }),
      { seed: 1729, numRuns: 12 },
    );
  });

  it("malformed proofs give typed verdicts, never exceptions", () => {
    const tree = MerkleTree.fromLeaves(leavesOf(100));
    const root = tree.root();
    const node = fc.uint8Array({ minLength: 0, maxLength: 40 });
    const size = fc.oneof(fc.integer(), fc.bigInt({ min: -(1n << 65n), max: 1n << 65n }), fc.double());
    fc.assert(
      fc.property(node, size, size, fc.array(node, { maxLength: 70 }), node, (leaf, index, n, proof, r) => {
        const v = checkInclusion(leaf, index, n, proof, r);
        expect(v.ok ? "ok" : v.reason).toMatch(
          /^(bad-hash-length|bad-size|index-out-of-range|malformed-proof|wrong-proof-length|root-mismatch)$/,
        );
        const c = checkConsistency(index, n, leaf, r, proof);
        expect(c.ok ? "ok" : c.reason).toMatch(
          /^(ok|bad-hash-length|bad-size|empty-tree|malformed-proof|wrong-proof-length|root-mismatch)$/,
        );
        if (c.ok) expect(leaf).toEqual(r); // only equal sizes with equal roots can pass by chance
        expect(verifyInclusion(leaf, index, n, proof, root)).toBe(false);
      }),
      { seed: 42, numRuns: 3000 },
    );
  });

  it("batch verification gives the single verdict for every item", () => {
    const tree = MerkleTree.fromLeaves(leavesOf(300));
    const item = fc.record({
      size: fc.integer({ min: 1, max: 300 }),
      at: fc.nat(),
      fault: fc.constantFrom("none", "leaf", "node", "drop", "index", "root"),
      bit: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), (specs) => {
        const items = specs.map(({ size, at, fault, bit }) => {
          const index = at % size;
          const proof = tree.inclusionProof(index, size);
          const x = { leafHash: tree.leafHash(index), index, treeSize: size, proof, root: tree.rootAt(size) };
          if (fault === "leaf") x.leafHash = flip(x.leafHash, bit);
          if (fault === "node" && proof.length)
            x.proof = proof.map((p, k) => (k === bit % proof.length ? flip(p, bit) : p));
          if (fault === "drop") x.proof = proof.slice(1);
          if (fault === "index") x.index = (index + 1 + (bit % 5)) % (size + 2);
          if (fault === "root") x.root = flip(x.root, bit);
          return x;
        });
        expect(checkInclusionBatch(items)).toEqual(
          items.map((x) => checkInclusion(x.leafHash, x.index, x.treeSize, x.proof, x.root)),
        );
      }),
      { seed: 77, numRuns: 200 },
    );
  });

  it("malformed frontiers give MerkleError", () => {
    const hash = fc.uint8Array({ minLength: 0, maxLength: 40 }).map((b) => Buffer.from(b).toString("base64"));
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double()), fc.array(hash, { maxLength: 8 }), (size, hashes) => {
        try {
          const f = Frontier.fromJSON({ size, hashes });
          expect(f.size).toBe(size);
        } catch (e) {
          expect(e).toBeInstanceOf(MerkleError);
          expect((e as MerkleError).code).toBe("ERR_MERKLE_FRONTIER");
        }
      }),
      { seed: 42, numRuns: 1000 },
    );
  });
});
