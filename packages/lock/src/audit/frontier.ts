// A compact RFC 9162 frontier that appends many leaves at once: leaf hashes are computed with one
// packed SHA-256 call, and each tree level's new inner nodes with one more — about log2(n) WASM
// calls for n leaves instead of ~2n single calls. Same roots as core's Frontier (a property test
// checks this); the auditor uses it to recompute the tree its anchors sign.
import { Frontier, sha256Packed } from "@chronoseal/core";

let scratch = new Uint8Array(65 * 1024);
let offsets = new Uint32Array(1025);

function ensure(bytes: number, messages: number): void {
  if (scratch.length < bytes) scratch = new Uint8Array(Math.max(bytes, scratch.length * 2));
  if (offsets.length < messages + 1) offsets = new Uint32Array(Math.max(messages + 1, offsets.length * 2));
}

/** RFC 9162 leaf hashes of n 32-byte values packed back to back (n × 32 → n × 32). */
export function leafHashesPacked(values: Uint8Array, n: number): Uint8Array {
  ensure(n * 33, n);
  // Byte loops, not subarray + set: a typed-array view per leaf costs more than the copy.
  for (let i = 0; i < n; i++) {
    const d = i * 33;
    const o = i * 32;
    scratch[d] = 0;
    for (let j = 0; j < 32; j++) scratch[d + 1 + j] = values[o + j]!;
    offsets[i] = d;
  }
  offsets[n] = n * 33;
  return sha256Packed(scratch.subarray(0, n * 33), offsets.subarray(0, n + 1));
}

/**
 * Node hashes of consecutive pairs of a level (2m × 32 bytes → m × 32 bytes). The level is
 * `first` (a subtree root kept from earlier, when given) followed by `nodes`: it is read in
 * place, not copied into one array first.
 */
function pairHashes(first: Uint8Array | undefined, nodes: Uint8Array, pairs: number): Uint8Array {
  ensure(pairs * 65, pairs);
  for (let i = 0; i < pairs; i++) {
    scratch[i * 65] = 1;
    offsets[i] = i * 65;
  }
  if (first) for (let j = 0; j < 32; j++) scratch[1 + j] = first[j]!;
  // Node k of the level (after `first`) goes to pair ⌊(k + s)/2⌋, half (k + s) mod 2.
  const count = pairs * 2 - (first ? 1 : 0);
  for (let k = 0; k < count; k++) {
    const slot = k + (first ? 1 : 0);
    const d = (slot >> 1) * 65 + 1 + (slot & 1) * 32;
    const o = k * 32;
    for (let j = 0; j < 32; j++) scratch[d + j] = nodes[o + j]!;
  }
  offsets[pairs] = pairs * 65;
  return sha256Packed(scratch.subarray(0, pairs * 65), offsets.subarray(0, pairs + 1));
}

export class BatchFrontier {
  /** Subtree root per level (bit ℓ of size set ⇔ levels[ℓ] defined). */
  private levels: (Uint8Array | undefined)[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Appends n leaf hashes (already RFC 9162 leaf-hashed), packed n × 32. */
  appendLeafHashes(leaves: Uint8Array, n: number): void {
    if (n === 0) return;
    const s = this.count;
    const total = s + n;
    let nodes = leaves.subarray(0, n * 32);
    let m = n;
    for (let level = 0; m > 0 || this.levels[level] !== undefined; level++) {
      const before = Math.floor(s / 2 ** level);
      const old = before % 2 === 1 ? this.levels[level] : undefined;
      if (m === 0) {
        // No new nodes here or above: higher levels keep their subtree roots.
        break;
      }
      // This level is old (when kept) followed by the m ≥ 1 new nodes; an odd one out is the last.
      const len = old ? m + 1 : m;
      this.levels[level] = len % 2 === 1 ? nodes.slice((m - 1) * 32, m * 32) : undefined;
      const pairs = Math.floor(len / 2);
      nodes = pairs > 0 ? pairHashes(old, nodes, pairs) : new Uint8Array(0);
      m = pairs;
      if (Math.floor(total / 2 ** (level + 1)) === 0) break;
    }
    this.count = total;
  }

  /** The root (same as core's Frontier.root()). */
  root(): Uint8Array {
    return this.toFrontier().root();
  }

  toFrontier(): Frontier {
    const hashes: Uint8Array[] = [];
    for (let l = this.levels.length - 1; l >= 0; l--) {
      const h = this.levels[l];
      if (h) hashes.push(h);
    }
    return Frontier.from(this.count, hashes);
  }
}
