// Consistency proofs between a chain's anchors, made from the device's own log: the RFC 9162 tree
// whose leaves are the chain's entry hashes (what anchors sign), read back from `<period>.log`
// and cached as packed leaf hashes (32 bytes an entry), extended incrementally as the log grows.
// Only the last few chains stay cached. A proof to size n checks that the first n entries still
// build the root the anchor signed, so a proof is never sent for a tree the device did not sign.
import { leafHashes, MerkleTree, toBase64 } from "@chronoseal/core";
import { AnchorError } from "./anchors.js";
import { chainLogPath } from "./chain.js";
import type { LockEntry } from "./entry.js";
import { entryHashes } from "./entry-hash.js";
import { scanLog } from "./storage.js";

interface Cached {
  offset: number;
  count: number;
  leaves: Uint8Array;
}

const CACHED_CHAINS = 2;

export class ChainProofs {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly dir: string) {}

  /** Leaf hashes (packed) of the first `size` entries of `chain`, from its log. */
  private leaves(chain: string, size: number): Uint8Array {
    let c = this.cache.get(chain);
    if (!c) {
      c = { offset: 0, count: 0, leaves: new Uint8Array(32 * 1024) };
      this.cache.set(chain, c);
      while (this.cache.size > CACHED_CHAINS) this.cache.delete(this.cache.keys().next().value!);
    }
    if (c.count < size) {
      const entries: LockEntry[] = [];
      let end = c.offset;
      scanLog<LockEntry>(
        chainLogPath(this.dir, chain.slice(chain.indexOf("/") + 1)),
        (e, at) => {
          entries.push(e);
          end = at;
        },
        c.offset,
      );
      if (entries.length) {
        const hashes = entryHashes(entries);
        const leaves = leafHashes(entries.map((_, i) => hashes.subarray(i * 32, i * 32 + 32)));
        const need = (c.count + entries.length) * 32;
        if (need > c.leaves.length) {
          const grown = new Uint8Array(Math.max(need, c.leaves.length * 2));
          grown.set(c.leaves.subarray(0, c.count * 32));
          c.leaves = grown;
        }
        c.leaves.set(leaves, c.count * 32);
        c.count += entries.length;
        c.offset = end;
      }
    }
    if (c.count < size)
      throw new AnchorError(
        `chain ${chain}: the device log holds ${c.count} entries, the anchor covers ${size}`,
      );
    return c.leaves.subarray(0, size * 32);
  }

  /**
   * The RFC 9162 consistency proof from size `from` to size `to` of `chain`, whose root at `to`
   * must be `root` (base64). Empty for from = 0 or from = to (no log is read then).
   */
  proof(chain: string, from: number, to: number, root: string): Uint8Array[] {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to)
      throw new RangeError(`proof: expected 0 ≤ from ≤ to, got ${from} and ${to}`);
    if (from === 0 || from === to) return [];
    const tree = new MerkleTree(this.leaves(chain, to));
    if (toBase64(tree.root()) !== root)
      throw new AnchorError(`chain ${chain}: the device log does not build the anchor's root at size ${to}`);
    return tree.consistencyProof(from, to);
  }
}
