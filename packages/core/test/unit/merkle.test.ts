// RFC 9162 hashing, roots, trees and proofs: known answers (the RFC 6962 reference tree), a
// node:crypto reference at the sizes where odd nodes move up, large trees that cross the WASM
// batch capacity, and the typed failures of proof verification.
import { describe, expect, it } from "vitest";
import {
  assertConsistency,
  assertInclusion,
  checkConsistency,
  checkInclusion,
  checkInclusionBatch,
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  leafHashes,
  MerkleProofError,
  MerkleTree,
  merkleRoot,
  merkleRootFromLeafHashes,
  nodeHash,
  verifyConsistency,
  verifyInclusion,
  verifyInclusionBatch,
} from "../../src/merkle/index.js";
import {
  flip,
  hex,
  leavesOf,
  refConsistency,
  refLeaf,
  refNode,
  refPath,
  refRoot,
  refRootOfHashes,
  unhex,
} from "../merkle-helpers.js";

// The RFC 6962 reference leaves (certificate-transparency test data) and the roots of each prefix.
const CT_LEAVES = [
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
].map(unhex);
const CT_ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

describe("RFC 9162 hashing", () => {
  it("empty tree, leaf and node hashes", () => {
    expect(hex(emptyRoot())).toBe(EMPTY);
    expect(hex(merkleRoot([]))).toBe(EMPTY);
    expect(hex(merkleRootFromLeafHashes(new Uint8Array(0)))).toBe(EMPTY);
    expect(hex(new MerkleTree([]).root())).toBe(EMPTY);
    expect(hex(leafHash(new Uint8Array(0)))).toBe(CT_ROOTS[0]);
    const a = leafHash(new Uint8Array(0));
    const b = leafHash(unhex("00"));
    expect(hex(nodeHash(a, b))).toBe(CT_ROOTS[1]);
    expect(nodeHash(a, b)).toEqual(refNode(a, b));
    // The prefixes separate leaves from nodes: a 64-byte leaf is not the node of its halves.
    expect(leafHash(Buffer.concat([a, b]))).not.toEqual(nodeHash(a, b));
  });

  it("the RFC 6962 reference tree: every prefix root", () => {
    const tree = MerkleTree.fromLeaves(CT_LEAVES);
    for (let n = 1; n <= 8; n++) {
      expect(hex(merkleRoot(CT_LEAVES.slice(0, n))), `size ${n}`).toBe(CT_ROOTS[n - 1]);
      expect(hex(tree.rootAt(n))).toBe(CT_ROOTS[n - 1]);
    }
    expect(hex(tree.rootAt(0))).toBe(EMPTY);
  });

  it("leafHashes hashes every leaf length, including empty and multi-block leaves", () => {
    const lens = [0, 1, 31, 32, 54, 55, 56, 63, 64, 111, 112, 127, 128, 1000, 70_000];
    const leaves = lens.map((n) => new Uint8Array(n).map((_, i) => (i * 31 + n) & 255));
    const packed = leafHashes(leaves);
    expect(packed.length).toBe(32 * leaves.length);
    leaves.forEach((l, i) => {
      expect(packed.subarray(i * 32, i * 32 + 32), `length ${lens[i]}`).toEqual(refLeaf(l));
      expect(leafHash(l)).toEqual(refLeaf(l));
    });
  });

  it("roots match the recursive definition at sizes around powers of two", () => {
    const sizes = [
      1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 257, 1023, 1025,
    ];
    const all = leavesOf(1025);
    for (const n of sizes) {
      const leaves = all.slice(0, n);
      const want = refRoot(leaves);
      expect(merkleRoot(leaves), `size ${n}`).toEqual(want);
      const hashes = leaves.map(refLeaf);
      expect(merkleRootFromLeafHashes(hashes)).toEqual(want);
      expect(merkleRootFromLeafHashes(Buffer.concat(hashes))).toEqual(want);
      expect(new MerkleTree(hashes).root()).toEqual(want);
    }
  });

  it("a large tree (crossing the WASM batch capacity) matches a level-by-level node:crypto root", () => {
    const n = 150_001;
    const leaves = Array.from({ length: n }, (_, i) => Uint8Array.of(i & 255, (i >> 8) & 255, i >> 16));
    let level = leaves.map(refLeaf);
    while (level.length > 1) {
      const next: Uint8Array[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(refNode(level[i]!, level[i + 1]!));
      if (level.length % 2) next.push(level[level.length - 1]!);
      level = next;
    }
    expect(merkleRoot(leaves)).toEqual(level[0]);
    expect(MerkleTree.fromLeaves(leaves).root()).toEqual(level[0]);
  });

  it("does not modify the caller's buffers", () => {
    const packed = leafHashes(leavesOf(37));
    const copy = packed.slice();
    merkleRootFromLeafHashes(packed);
    const tree = new MerkleTree(packed);
    expect(packed).toEqual(copy);
    packed.fill(0);
    expect(tree.root()).toEqual(refRootOfHashes(leavesOf(37).map(refLeaf)));
    // A Buffer's slice() is a view: a one-leaf root must still be a copy.
    const one = Buffer.from(refLeaf(new Uint8Array(0)));
    const r = merkleRootFromLeafHashes(one);
    one.fill(1);
    expect(hex(r)).toBe(CT_ROOTS[0]);
  });

  it("rejects bad arguments with TypeError / RangeError", () => {
    expect(() => leafHash("x" as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => nodeHash(new Uint8Array(31), new Uint8Array(32))).toThrow(
      "left: expected Uint8Array of length 32, got length=31",
    );
    expect(() => leafHashes([new Uint8Array(1), "x" as unknown as Uint8Array])).toThrow(/leaves\[1\]/);
    expect(() => merkleRootFromLeafHashes(new Uint8Array(33))).toThrow(RangeError);
    expect(() => merkleRootFromLeafHashes([new Uint8Array(31)])).toThrow(/leafHashes\[0\]/);
    expect(() => new MerkleTree("x" as unknown as Uint8Array[])).toThrow(TypeError);
  });
});

describe("MerkleTree proofs", () => {
  const hashes = leavesOf(70).map(refLeaf);
  const tree = new MerkleTree(hashes);

  it("inclusion proofs equal the RFC PATH for every leaf of every prefix", () => {
    for (let size = 1; size <= 70; size++) {
      const sub = hashes.slice(0, size);
      const root = refRootOfHashes(sub);
      for (let i = 0; i < size; i++) {
        const proof = tree.inclusionProof(i, size);
        expect(proof, `leaf ${i} of ${size}`).toEqual(refPath(i, sub));
        expect(verifyInclusion(hashes[i]!, i, size, proof, root)).toBe(true);
      }
    }
    expect(inclusionProof(tree, 5)).toEqual(refPath(5, hashes));
    expect(inclusionProof(leavesOf(70), 69, 70)).toEqual(refPath(69, hashes));
  });

  it("consistency proofs equal the RFC PROOF for every pair of sizes", () => {
    for (let size2 = 0; size2 <= 70; size2++) {
      const r2 = refRootOfHashes(hashes.slice(0, size2));
      for (let size1 = 0; size1 <= size2; size1++) {
        const proof = tree.consistencyProof(size1, size2);
        const want = size1 === 0 ? [] : refConsistency(size1, hashes.slice(0, size2));
        expect(proof, `${size1} → ${size2}`).toEqual(want);
        const r1 = refRootOfHashes(hashes.slice(0, size1));
        expect(verifyConsistency(size1, size2, r1, r2, proof), `${size1} → ${size2}`).toBe(
          size1 > 0 || size2 === 0,
        );
      }
    }
    expect(consistencyProof(tree, 3)).toEqual(refConsistency(3, hashes));
    expect(consistencyProof(leavesOf(70), 3, 9)).toEqual(refConsistency(3, hashes.slice(0, 9)));
  });

  it("rejects out-of-range indices and sizes", () => {
    expect(() => tree.inclusionProof(70)).toThrow(RangeError);
    expect(() => tree.inclusionProof(-1)).toThrow(RangeError);
    expect(() => tree.inclusionProof(1.5)).toThrow(RangeError);
    expect(() => tree.inclusionProof(5, 5)).toThrow(RangeError);
    expect(() => tree.inclusionProof(0, 71)).toThrow(RangeError);
    expect(() => tree.inclusionProof("1" as unknown as number)).toThrow(TypeError);
    expect(() => new MerkleTree([]).inclusionProof(0)).toThrow(RangeError);
    expect(() => tree.consistencyProof(71)).toThrow(RangeError);
    expect(() => tree.consistencyProof(5, 4)).toThrow(RangeError);
    expect(() => tree.rootAt(71)).toThrow(RangeError);
    expect(() => tree.leafHash(70)).toThrow(RangeError);
    expect(tree.leafHash(69)).toEqual(hashes[69]);
  });
});

describe("proof verification failures are typed verdicts", () => {
  const hashes = leavesOf(11).map(refLeaf);
  const tree = new MerkleTree(hashes);
  const root = tree.root();
  const proof = tree.inclusionProof(6);
  const reason = (v: ReturnType<typeof checkInclusion>) => (v.ok ? "ok" : v.reason);

  it("inclusion: each reason", () => {
    expect(checkInclusion(hashes[6]!, 6, 11, proof, root)).toEqual({ ok: true });
    expect(reason(checkInclusion(hashes[6]!.subarray(1), 6, 11, proof, root))).toBe("bad-hash-length");
    expect(reason(checkInclusion(hashes[6]!, 6, 11, proof, new Uint8Array(0)))).toBe("bad-hash-length");
    expect(reason(checkInclusion(hashes[6]!, 11, 11, proof, root))).toBe("index-out-of-range");
    expect(reason(checkInclusion(hashes[6]!, -1, 11, proof, root))).toBe("index-out-of-range");
    expect(reason(checkInclusion(hashes[6]!, 0.5, 11, proof, root))).toBe("index-out-of-range");
    expect(reason(checkInclusion(hashes[6]!, 0, 0, [], root))).toBe("index-out-of-range");
    expect(reason(checkInclusion(hashes[6]!, 6, 2 ** 53, proof, root))).toBe("bad-size");
    expect(reason(checkInclusion(hashes[6]!, 6, -3, proof, root))).toBe("bad-size");
    expect(reason(checkInclusion(hashes[6]!, 6, 1n << 64n, proof, root))).toBe("bad-size");
    expect(reason(checkInclusion(hashes[6]!, 6, 11, [...proof.slice(1), new Uint8Array(33)], root))).toBe(
      "malformed-proof",
    );
    expect(reason(checkInclusion(hashes[6]!, 6, 11, proof.slice(1), root))).toBe("wrong-proof-length");
    expect(reason(checkInclusion(hashes[6]!, 6, 11, [...proof, root], root))).toBe("wrong-proof-length");
    expect(reason(checkInclusion(hashes[6]!, 6, 11, null, root))).toBe("wrong-proof-length");
    expect(reason(checkInclusion(hashes[5]!, 6, 11, proof, root))).toBe("root-mismatch");
    const v = checkInclusion(hashes[6]!, 6, 11, proof.slice(1), root);
    expect(v.ok ? "" : v.message).toBe("proof: expected 4 nodes, got 3");
  });

  it("inclusion: sizes near 2^64 are handled as bigints, not thrown", () => {
    const max = (1n << 64n) - 1n;
    expect(reason(checkInclusion(hashes[0]!, max - 1n, max, proof, root))).toBe("wrong-proof-length");
    expect(reason(checkInclusion(hashes[0]!, max, max, proof, root))).toBe("index-out-of-range");
    // Index 2^63 in a tree of 2^64 − 1: inner = 63 nodes, border = 1.
    const v = checkInclusion(hashes[0]!, 1n << 63n, max, [], root);
    expect(v.ok ? "" : v.message).toBe("proof: expected 64 nodes, got 0");
    expect(verifyInclusion(hashes[6]!, 6n, 11n, proof, root)).toBe(true);
  });

  it("inclusion: wrong argument types throw TypeError", () => {
    expect(() => checkInclusion("x" as unknown as Uint8Array, 0, 1, [], root)).toThrow(TypeError);
    expect(() => checkInclusion(hashes[0]!, "0" as unknown as number, 1, [], root)).toThrow(TypeError);
    expect(() => checkInclusion(hashes[0]!, 0, 1, "x" as unknown as Uint8Array[], root)).toThrow(TypeError);
    expect(() => checkInclusion(hashes[0]!, 0, 1, [[1, 2]] as unknown as Uint8Array[], root)).toThrow(
      TypeError,
    );
  });

  it("consistency: each reason", () => {
    const r5 = tree.rootAt(5);
    const p = tree.consistencyProof(5);
    const creason = (v: ReturnType<typeof checkConsistency>) => (v.ok ? "ok" : v.reason);
    expect(checkConsistency(5, 11, r5, root, p)).toEqual({ ok: true });
    expect(creason(checkConsistency(5, 11, r5.subarray(1), root, p))).toBe("bad-hash-length");
    expect(creason(checkConsistency(5, 11, r5, root.subarray(1), p))).toBe("bad-hash-length");
    expect(creason(checkConsistency(12, 11, r5, root, p))).toBe("bad-size");
    expect(creason(checkConsistency(5, -1, r5, root, p))).toBe("bad-size");
    expect(creason(checkConsistency(0, 11, emptyRoot(), root, []))).toBe("empty-tree");
    expect(creason(checkConsistency(5, 11, r5, root, p.slice(1)))).toBe("wrong-proof-length");
    expect(creason(checkConsistency(5, 11, r5, root, [...p.slice(1), new Uint8Array(1)]))).toBe(
      "malformed-proof",
    );
    expect(creason(checkConsistency(5, 11, root, root, p))).toBe("root-mismatch");
    expect(creason(checkConsistency(5, 11, r5, r5, p))).toBe("root-mismatch");
    expect(creason(checkConsistency(11, 11, root, root, p))).toBe("wrong-proof-length");
    expect(creason(checkConsistency(11, 11, root, r5, []))).toBe("root-mismatch");
    expect(checkConsistency(11, 11, root, root, [])).toEqual({ ok: true });
    expect(checkConsistency(0, 0, emptyRoot(), emptyRoot(), [])).toEqual({ ok: true });
    expect(creason(checkConsistency(0, 0, root, root, []))).toBe("root-mismatch");
    expect(verifyConsistency(5n, 11n, r5, root, p)).toBe(true);
  });

  it("assert* throw MerkleProofError with the reason", () => {
    expect(() => assertInclusion(hashes[6]!, 6, 11, proof, root)).not.toThrow();
    try {
      assertInclusion(hashes[6]!, 6, 11, proof.slice(1), root);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MerkleProofError);
      expect((e as MerkleProofError).code).toBe("ERR_MERKLE_PROOF");
      expect((e as MerkleProofError).reason).toBe("wrong-proof-length");
      expect((e as MerkleProofError).name).toBe("MerkleProofError");
    }
    expect(() => assertConsistency(3, 11, root, root, tree.consistencyProof(3))).toThrow(MerkleProofError);
    expect(() => assertConsistency(3, 11, tree.rootAt(3), root, tree.consistencyProof(3))).not.toThrow();
  });

  it("single-bit changes of proof, leaf, index and root all fail (exhaustive, 13 leaves)", () => {
    const h = leavesOf(13).map(refLeaf);
    const t = new MerkleTree(h);
    const r = t.root();
    let checked = 0;
    for (let i = 0; i < 13; i++) {
      const p = t.inclusionProof(i);
      for (let bit = 0; bit < 256; bit++) {
        expect(verifyInclusion(flip(h[i]!, bit), i, 13, p, r)).toBe(false);
        expect(verifyInclusion(h[i]!, i, 13, p, flip(r, bit))).toBe(false);
        for (let j = 0; j < p.length; j++) {
          const q = p.map((x, k) => (k === j ? flip(x, bit) : x));
          expect(verifyInclusion(h[i]!, i, 13, q, r)).toBe(false);
          checked++;
        }
      }
      for (let b = 0n; b < 64n; b++)
        expect(verifyInclusion(h[i]!, BigInt(i) ^ (1n << b), 13, p, r)).toBe(false);
    }
    expect(checked).toBeGreaterThan(10_000);
  });
});

describe("batch inclusion verification", () => {
  it("gives the same verdict as checkInclusion, item by item, for a mix of trees and faults", () => {
    const items = [];
    for (const n of [1, 2, 3, 7, 8, 9, 100, 1000]) {
      const tree = MerkleTree.fromLeaves(leavesOf(n, `t${n}`));
      const root = tree.root();
      for (const i of [0, Math.floor(n / 2), n - 1]) {
        const proof = tree.inclusionProof(i);
        const leaf = tree.leafHash(i);
        items.push({ leafHash: leaf, index: i, treeSize: n, proof, root });
        items.push({ leafHash: flip(leaf, i), index: i, treeSize: n, proof, root });
        items.push({ leafHash: leaf, index: i, treeSize: n, proof: proof.slice(1), root });
        items.push({ leafHash: leaf, index: n, treeSize: n, proof, root });
        if (proof.length)
          items.push({
            leafHash: leaf,
            index: i,
            treeSize: n,
            proof: [flip(proof[0]!, 3), ...proof.slice(1)],
            root,
          });
      }
    }
    items.push({ leafHash: new Uint8Array(31), index: 0, treeSize: 1, proof: [], root: emptyRoot() });
    const batch = checkInclusionBatch(items);
    expect(batch).toEqual(items.map((x) => checkInclusion(x.leafHash, x.index, x.treeSize, x.proof, x.root)));
    // 24 genuine proofs, and 3 for n = 1 where dropping the first node of an empty proof changes nothing.
    expect(batch.filter((v) => v.ok)).toHaveLength(27);
    expect(verifyInclusionBatch(items)).toEqual(batch.map((v) => v.ok));
    expect(checkInclusionBatch([])).toEqual([]);
    expect(() => checkInclusionBatch("x" as unknown as [])).toThrow(TypeError);
  });
});
