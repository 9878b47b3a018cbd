// Many inclusion proofs verified together. A proof is a chain (each step needs the previous
// hash), so one proof cannot be batched; many can: step s of every proof still running becomes
// one 0x01‖left‖right message in a packed buffer, and each step is one sha256Packed call for
// all proofs (proofs of 16 nodes: 16 calls for any number of them). Verdicts are the same as
// checkInclusion's, item by item.
import { aarray } from "../errors.js";
import { sha256Packed } from "../hash/sha.js";
import type { ProofVerdict } from "./errors.js";
import { bit } from "./u64.js";
import { type InclusionPlan, planInclusion, rootVerdict } from "./verify.js";

export interface InclusionItem {
  leafHash: Uint8Array;
  index: number | bigint;
  treeSize: number | bigint;
  proof: readonly Uint8Array[] | null | undefined;
  root: Uint8Array;
}

/** One verdict per item (see checkInclusion); the hashing runs one WASM batch per proof level. */
export function checkInclusionBatch(items: readonly InclusionItem[]): ProofVerdict[] {
  aarray(items, "items");
  const verdicts: ProofVerdict[] = new Array(items.length);
  const live: { at: number; plan: InclusionPlan }[] = [];
  items.forEach((it, i) => {
    const plan = planInclusion(it.leafHash, it.index, it.treeSize, it.proof, it.root);
    if ("ok" in plan) verdicts[i] = plan;
    else live.push({ at: i, plan });
  });
  // Step s hashes one message per proof that has a node s. A proof's current hash is its leaf
  // hash before its first step, then its digest from the previous step (slot `pos[k]` of `out`),
  // copied straight into this step's message; a proof is judged as soon as its path ends.
  const n = live.length;
  const data = new Uint8Array(n * 65);
  const view = new DataView(data.buffer);
  const offsets = new Uint32Array(n + 1);
  for (let j = 1; j <= n; j++) offsets[j] = j * 65;
  const out = new Uint8Array(n * 32);
  const outView = new DataView(out.buffer);
  const pos = new Int32Array(n).fill(-1); // slot of the current hash in `out`, −1 = the leaf hash
  let running = live.map((_, k) => k);
  for (let step = 0; running.length > 0; step++) {
    const next: number[] = [];
    for (const k of running) {
      const { at, plan } = live[k]!;
      if (plan.nodes.length > step) next.push(k);
      else verdicts[at] = rootVerdict(current(k), items[at]!.root);
    }
    running = next;
    for (let j = 0; j < running.length; j++) {
      const k = running[j]!;
      const { at, plan } = live[k]!;
      const w = j * 65;
      data[w] = 1;
      // Below `inner`, bit `step` of the index says which side the sibling is on; above, it is left.
      const siblingLeft = step >= plan.inner || bit(plan.index, step) === 1;
      const hAt = siblingLeft ? w + 33 : w + 1;
      data.set(plan.nodes[step]!, siblingLeft ? w + 1 : w + 33);
      const p = pos[k]!;
      if (p < 0) data.set(items[at]!.leafHash, hAt);
      else for (let b = 0; b < 32; b += 4) view.setUint32(hAt + b, outView.getUint32(p * 32 + b));
      pos[k] = j;
    }
    if (running.length > 0)
      sha256Packed(data.subarray(0, running.length * 65), offsets.subarray(0, running.length + 1), out);
  }
  return verdicts;

  function current(k: number): Uint8Array {
    const p = pos[k]!;
    return p < 0 ? items[live[k]!.at]!.leafHash : out.subarray(p * 32, p * 32 + 32);
  }
}

export function verifyInclusionBatch(items: readonly InclusionItem[]): boolean[] {
  return checkInclusionBatch(items).map((v) => v.ok);
}
