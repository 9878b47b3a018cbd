// RFC 9162 Merkle trees: the root of 1,000,000 32-byte leaves (leaf hashing included; target
// ≥ 1,000,000 leaves/s), and inclusion-proof verification in a tree of 1,000,000 leaves (20-node
// proofs), one by one and in one batch, each against a straightforward node:crypto createHash
// implementation of the same algorithm. Every contender is checked to give the same answer
// before anything is timed.
import { createHash } from "node:crypto";
import {
  initHash,
  leafHash,
  MerkleTree,
  merkleRoot,
  verifyInclusion,
  verifyInclusionBatch,
} from "@chronoseal/core";
import { measure, quick, ratio, type SuiteResult } from "../harness.js";

/** The MTH with node:crypto, level by level (an odd last node moves up), as a user would write it. */
function nodeRoot(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return createHash("sha256").digest();
  let level: Buffer[] = leaves.map((l) => createHash("sha256").update(Uint8Array.of(0)).update(l).digest());
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2)
      next.push(
        createHash("sha256")
          .update(Uint8Array.of(1))
          .update(level[i]!)
          .update(level[i + 1]!)
          .digest(),
      );
    if (level.length % 2) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

/** RFC 9162 §2.1.3.2 with node:crypto, written straight from the RFC. */
function nodeVerify(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
) {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  const h = (a: Uint8Array, b: Uint8Array) =>
    createHash("sha256").update(Uint8Array.of(1)).update(a).update(b).digest();
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = h(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else r = h(r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.from(r).equals(root);
}

export async function merkleSuite(): Promise<SuiteResult> {
  await initHash();
  const M = quick ? 200_000 : 1_000_000;
  const bytes = new Uint8Array(M * 32);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  const leaves = Array.from({ length: M }, (_, i) => bytes.subarray(i * 32, i * 32 + 32));
  const count = M.toLocaleString("en-US");

  const want = nodeRoot(leaves);
  if (!want.equals(merkleRoot(leaves))) throw new Error("merkle bench: roots disagree");
  const rootOpts = { unitsPerOp: M, unit: "leaf", time: quick ? 1000 : 4000, iterations: 3 };
  const ours = await measure(
    `Merkle root of ${count} 32-byte leaves`,
    "chronoseal merkleRoot",
    () => merkleRoot(leaves),
    rootOpts,
  );
  const theirs = await measure(
    `Merkle root of ${count} 32-byte leaves`,
    "node:crypto createHash (level by level)",
    () => nodeRoot(leaves),
    { ...rootOpts, time: quick ? 500 : 1000, iterations: 2 }, // one op takes seconds: two samples
  );

  // Proofs for P leaves spread over the tree (20 nodes each for 1,000,000 leaves).
  const tree = MerkleTree.fromLeaves(leaves);
  const root = tree.root();
  const P = 1000;
  const items = Array.from({ length: P }, (_, k) => {
    const index = Math.floor((k * M) / P) + (k % 7);
    return { leafHash: tree.leafHash(index), index, treeSize: M, proof: tree.inclusionProof(index), root };
  });
  const nodes = items.reduce((s, x) => s + x.proof.length, 0) / P;
  for (const x of items) {
    if (!verifyInclusion(x.leafHash, x.index, M, x.proof, root))
      throw new Error("merkle bench: proof rejected");
    if (!nodeVerify(x.leafHash, x.index, M, x.proof, root))
      throw new Error("merkle bench: node:crypto rejects");
  }
  if (!verifyInclusionBatch(items).every(Boolean)) throw new Error("merkle bench: batch rejects");
  if (verifyInclusion(leafHash(Uint8Array.of(1)), 0, M, items[0]!.proof, root))
    throw new Error("merkle bench: a wrong leaf verified");
  const task = `inclusion proofs (${nodes.toFixed(0)} nodes), tree of ${count}`;
  const proofOpts = { unitsPerOp: P, unit: "proof", time: quick ? 500 : 2000 };
  const single = await measure(
    task,
    "chronoseal verifyInclusion",
    () => {
      for (const x of items) verifyInclusion(x.leafHash, x.index, M, x.proof, root);
    },
    proofOpts,
  );
  const batch = await measure(
    task,
    "chronoseal verifyInclusionBatch",
    () => verifyInclusionBatch(items),
    proofOpts,
  );
  const node = await measure(
    task,
    "node:crypto createHash (RFC 9162 loop)",
    () => {
      for (const x of items) nodeVerify(x.leafHash, x.index, M, x.proof, root);
    },
    proofOpts,
  );

  const rate = Math.round(ours.unitsPerSec);
  return {
    suite: "merkle",
    measurements: [ours, theirs, single, batch, node],
    ratios: [
      ratio("Merkle root vs node:crypto", ours, theirs),
      ratio("verifyInclusion vs node:crypto", single, node),
      ratio("verifyInclusionBatch vs node:crypto", batch, node),
    ],
    notes: [
      `Merkle root target: ≥ 1,000,000 leaves/s; measured ${rate.toLocaleString("en-US")} leaves/s (${rate >= 1_000_000 ? "met" : "NOT met"}).`,
      "merkleRoot hashes the leaves (0x00‖leaf) and then each level (0x01‖left‖right) with one packed WASM batch per level; the node:crypto baseline makes one createHash per node.",
    ],
  };
}
