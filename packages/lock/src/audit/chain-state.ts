// One chain's state during an audit: where the sequence stands, the entries held back because
// they arrived early (a bounded reorder window), the Merkle frontier being rebuilt and the anchors
// it must match, and what is known about each entry's genuineness. Entries are accepted strictly
// in sequence order; everything else is a replay, a fork, a late arrival or a gap.
import { equalsBase64, sha256Packed } from "@chronoseal/core";
import type { LockEntry } from "../entry.js";
import type { ChainAnchors } from "./anchor-index.js";
import { Findings } from "./findings.js";
import { BatchFrontier } from "./frontier.js";
import type { HashStore } from "./hash-store.js";

/** An accepted entry on its way to verification. */
export interface Item {
  s: ChainState;
  entry: LockEntry;
  /** base64 entry hash. */
  hash: string;
  /** Its `prev` differs from the hash of the entry accepted before it. */
  linkBroken: boolean;
  /** Why it is malformed (it holds its place in the sequence but cannot be verified). */
  bad?: string;
}

/**
 * valid / invalid: the device signature checks or not; proven: covered by links to a valid
 * signature; unsigned: no signature (compacted), not yet judged; unproven: unsigned and not
 * linked to any valid signature; unknown: nothing to check against (no device key).
 */
export type Genuineness = "valid" | "invalid" | "proven" | "unsigned" | "unproven" | "unknown";

const LEAF_BUFFER = 1024;
/** Leaf inputs are laid out as RFC 9162 wants them (0x00 ‖ entry hash, 33 bytes each). */
const LEAF_OFFSETS = new Uint32Array(LEAF_BUFFER + 1).map((_, i) => i * 33);
/** Leaf hashes of one flush (the frontier copies what it keeps). */
const LEAF_HASHES = new Uint8Array(LEAF_BUFFER * 32);

export class ChainState {
  expected = 0;
  /** base64 hash of the accepted entry at expected − 1 ("" when unknown). */
  prevHash = "";
  received = 0;
  lastSeq = -1;
  /**
   * Entries ahead of `expected`, in the order they arrived (a Map keeps insertion order, so the
   * first one is the earliest arrival still held). `arrival` numbers every entry that reached
   * the sequence check, in delivery order.
   */
  readonly pending = new Map<
    number,
    { entry: LockEntry; hash: string; bytes: Uint8Array; arrival: number; bad?: string }
  >();
  /** Arrival number the next entry gets. */
  arrivals = 0;
  /** Latest arrival number among the entries accepted so far (−1: none). */
  latestAccepted = -1;
  readonly findings = new Findings();
  /** Alternative hashes seen for forked sequence numbers. */
  readonly forks = new Map<number, Set<string>>();
  readonly frontier = new BatchFrontier();
  /** Pending leaf inputs, 0x00 ‖ hash each (the zero bytes are never written). */
  private leaves = new Uint8Array(LEAF_BUFFER * 33);
  private leafCount = 0;
  /** Next anchor (index into anchors.list) whose size the frontier has not reached. */
  private anchorIdx = 0;
  readonly mismatches: { lastSeq: number; kind: string }[] = [];
  readonly boundaries: Set<number>;
  /** Compaction: accepted items since the last verified boundary. */
  segment: Item[] = [];
  segmentBroken = false;
  /** Verification bookkeeping (items are finalized in sequence order). */
  lastGoodTime = "";
  prevGenuine: Genuineness = "unknown";
  private timeAnchorIdx = 0;
  closedSeen = false;
  readonly handle: number;

  constructor(
    readonly chain: string,
    readonly door: string,
    readonly anchors: ChainAnchors | undefined,
    readonly deviceKey: string | undefined,
    private readonly store: HashStore,
  ) {
    this.handle = store.chain();
    this.boundaries = new Set((anchors?.list ?? []).map((a) => a.lastSeq));
  }

  /** The stored hash of an accepted entry (undefined for an unknown/dropped one). */
  hashAt(seq: number): Uint8Array | undefined {
    return this.store.get(this.handle, seq);
  }

  /** Appends an accepted entry's hash (or 32 zero bytes for a dropped one) to the tree. */
  appendLeaf(bytes: Uint8Array, offset: number): void {
    this.store.put(this.handle, this.expected, bytes, offset);
    const at = this.leafCount * 33 + 1;
    const leaves = this.leaves;
    for (let j = 0; j < 32; j++) leaves[at + j] = bytes[offset + j]!; // no view per entry
    this.leafCount++;
    this.expected++;
    const next = this.anchors?.list[this.anchorIdx];
    if (this.leafCount === LEAF_BUFFER || (next && this.expected >= next.size)) this.flushLeaves();
  }

  /** Moves buffered leaves into the frontier; checks anchors whose size was reached. */
  flushLeaves(): void {
    if (this.leafCount > 0) {
      const n = this.leafCount;
      sha256Packed(this.leaves.subarray(0, n * 33), LEAF_OFFSETS.subarray(0, n + 1), LEAF_HASHES);
      this.frontier.appendLeafHashes(LEAF_HASHES, n);
      this.leafCount = 0;
    }
    const list = this.anchors?.list ?? [];
    let checkedSize = -1;
    while (this.anchorIdx < list.length && list[this.anchorIdx]!.size <= this.frontier.size) {
      const a = list[this.anchorIdx]!;
      if (a.size === this.frontier.size && a.size !== checkedSize) {
        checkedSize = a.size;
        if (!equalsBase64(this.frontier.root(), a.root))
          this.mismatches.push({ lastSeq: a.lastSeq, kind: a.kind });
      }
      this.anchorIdx++;
    }
  }

  /** Time of the newest anchor made before entry `seq` (anchors are visited in order). */
  anchorTimeBefore(seq: number): string {
    const list = this.anchors?.list ?? [];
    while (this.timeAnchorIdx < list.length && list[this.timeAnchorIdx]!.lastSeq < seq) this.timeAnchorIdx++;
    return this.timeAnchorIdx > 0 ? list[this.timeAnchorIdx - 1]!.time : "";
  }

  /** Highest sequence number covered by a valid anchor. */
  get anchoredThrough(): number {
    return this.anchors?.list.at(-1)?.lastSeq ?? -1;
  }
}
