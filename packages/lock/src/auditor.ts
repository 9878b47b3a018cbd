// The auditor: reads a (possibly tampered) stream of entries from the collector and the
// device-signed anchors, and says per chain whether the log is verified, or exactly which
// entries were dropped, altered, reordered, replayed, forked or backdated, which tail is not
// anchored, and whether the final anchor is missing. It streams: per chain it keeps the Merkle
// frontier, 32 bytes per entry hash (to tell replays from forks) and a bounded reorder window;
// signatures are verified in batches.
import {
  type DocumentReport,
  Frontier,
  formatVerifierKey,
  fromBase64,
  leafHash,
  parseVerifierKey,
  verifyDocuments,
} from "@chronoseal/core";
import { type Anchor, anchorHash, openAnchor } from "./anchors.js";
import { ENTRY_CONTEXT, entryHash, entryShapeError, type LockEntry } from "./entry.js";

export type FindingKind =
  | "dropped"
  | "altered"
  | "reordered"
  | "replayed"
  | "forked"
  | "backdated"
  | "unanchored"
  | "missing-final-anchor"
  | "anchor-mismatch"
  | "bad-anchor";

export interface Finding {
  kind: FindingKind;
  /** Sequence numbers affected (a range is expanded; tails are given as from..to). */
  seqs: number[];
  detail: string;
}

export interface ChainVerdict {
  chain: string;
  door: string;
  received: number;
  lastSeq: number;
  /** Highest sequence number covered by a verified anchor. */
  anchoredThrough: number;
  verified: boolean;
  findings: Finding[];
}

export interface AuditOptions {
  /** Device public key (base64) per door. */
  deviceKeys: ReadonlyMap<string, string>;
  /** Anchor notes (from the mesh or a file). */
  anchors: readonly string[];
  /** Out-of-order entries are held this long (in entries) before a gap is declared. */
  reorderWindow?: number;
  /**
   * Signature compaction: verify only the newest signature before each anchor (and of the last
   * entry); every other entry is proven by the hash chain up to a verified one.
   */
  compaction?: boolean;
  /**
   * Chains whose entries were deleted when their retention period ended. Such a chain is not
   * reported missing when it ended with a final anchor that the next chain's genesis links to.
   */
  expiredChains?: Iterable<string>;
}

const BATCH = 4096;

class ChainState {
  expected = 0;
  prevHash = "";
  readonly frontier = new Frontier();
  hashes = Buffer.alloc(32 * 1024);
  received = 0;
  lastSeq = -1;
  lastTime = "";
  closedSeen = false;
  readonly pending = new Map<number, { entry: LockEntry; hash: string }>();
  readonly findings: Finding[] = [];
  readonly lateArrivals = new Set<number>();
  anchorIdx = 0;
  /** Sequence numbers whose signature must be checked under compaction. */
  readonly boundaries: Set<number>;
  lastEntry: LockEntry | undefined;
  constructor(
    readonly chain: string,
    readonly door: string,
    readonly anchors: Anchor[],
  ) {
    this.boundaries = new Set(anchors.map((a) => a.lastSeq));
  }

  storeHash(seq: number, hash: string): void {
    while (this.hashes.length < (seq + 1) * 32) {
      const bigger = Buffer.alloc(this.hashes.length * 2);
      this.hashes.copy(bigger);
      this.hashes = bigger;
    }
    Buffer.from(hash, "base64").copy(this.hashes, seq * 32);
  }

  hashAt(seq: number): string | undefined {
    if (seq >= this.expected) return undefined;
    return this.hashes.subarray(seq * 32, seq * 32 + 32).toString("base64");
  }

  /** Records a finding; one finding per kind, its details joined. */
  add(kind: FindingKind, seqs: number[], detail: string): void {
    const f = this.findings.find((x) => x.kind === kind);
    if (!f) this.findings.push({ kind, seqs, detail });
    else {
      f.seqs.push(...seqs);
      if (!f.detail.split("; ").includes(detail)) f.detail += `; ${detail}`;
    }
  }
}

export class Auditor {
  private readonly chains = new Map<string, ChainState>();
  private readonly anchorsByChain = new Map<string, Anchor[]>();
  private batch: { state: ChainState; entry: LockEntry }[] = [];
  private readonly window: number;

  constructor(private readonly o: AuditOptions) {
    this.window = o.reorderWindow ?? 1024;
    const verifiers = new Map(
      [...o.deviceKeys].map(([door, key]) => [
        door,
        parseVerifierKey(formatVerifierKey(door, fromBase64(key, "device key", 32))),
      ]),
    );
    for (const note of o.anchors) {
      for (const [, v] of verifiers) {
        try {
          const a = openAnchor(note, v);
          if (!a.chain.startsWith(`${v.name}/`)) continue;
          const list = this.anchorsByChain.get(a.chain) ?? [];
          (a as Anchor & { hash?: string }).hash = anchorHash(note);
          list.push(a);
          this.anchorsByChain.set(a.chain, list);
          break;
        } catch {}
      }
    }
    for (const list of this.anchorsByChain.values()) list.sort((x, y) => x.size - y.size);
  }

  private state(chain: string, door: string): ChainState {
    let s = this.chains.get(chain);
    if (!s) {
      s = new ChainState(chain, door, this.anchorsByChain.get(chain) ?? []);
      this.chains.set(chain, s);
    }
    return s;
  }

  /** Feeds one received entry (in the order the collector returned it). */
  push(value: unknown): void {
    const shape = entryShapeError(value);
    const e = value as LockEntry;
    if (shape) {
      if (e && typeof e === "object" && typeof e.chain === "string" && Number.isSafeInteger(e.seq)) {
        this.state(e.chain, String(e.door)).add("altered", [e.seq], `malformed: ${shape}`);
      }
      return;
    }
    const s = this.state(e.chain, e.door);
    s.received++;
    const hash = entryHash(e);
    if (e.seq < s.expected) {
      const known = s.hashAt(e.seq);
      if (known === hash) s.add("replayed", [e.seq], "entry delivered again");
      else s.add("forked", [e.seq], "a second, different entry with this sequence number");
      return;
    }
    if (s.pending.has(e.seq)) {
      if (s.pending.get(e.seq)!.hash === hash) s.add("replayed", [e.seq], "entry delivered again");
      else s.add("forked", [e.seq], "a second, different entry with this sequence number");
      return;
    }
    if (e.seq > s.expected) {
      s.pending.set(e.seq, { entry: e, hash });
      if (s.pending.size > this.window) this.declareGap(s);
      return;
    }
    if (s.pending.size > 0) s.lateArrivals.add(e.seq);
    this.accept(s, e, hash);
    this.drain(s);
  }

  private drain(s: ChainState): void {
    for (let p = s.pending.get(s.expected); p; p = s.pending.get(s.expected)) {
      s.pending.delete(s.expected);
      if (s.lateArrivals.size > 0) s.add("reordered", [p.entry.seq], "delivered before an earlier entry");
      this.accept(s, p.entry, p.hash);
    }
    if (s.pending.size === 0 && s.lateArrivals.size > 0) {
      s.add("reordered", [...s.lateArrivals], "delivered after a later entry");
      s.lateArrivals.clear();
    }
  }

  private declareGap(s: ChainState): void {
    const next = Math.min(...s.pending.keys());
    const dropped = [];
    for (let q = s.expected; q < next; q++) dropped.push(q);
    s.add("dropped", dropped, "missing from the collector's log");
    s.expected = next;
    s.prevHash = ""; // the link across a gap cannot be checked
    for (let q = dropped[0]!; q < next; q++) s.frontier.append(new Uint8Array(32)); // placeholder keeps sizes aligned
    this.drain(s);
  }

  private accept(s: ChainState, e: LockEntry, hash: string): void {
    if (s.prevHash !== "" && e.prev !== s.prevHash)
      s.add("altered", [e.seq - 1], "its hash does not match the next entry's link");
    s.storeHash(e.seq, hash);
    s.prevHash = hash;
    s.expected = e.seq + 1;
    s.lastSeq = e.seq;
    s.frontier.append(leafHash(fromBase64(hash, "hash", 32)));
    if (e.event === "chain-closed") s.closedSeen = true;
    // Anchors reached: compare roots; entries must not predate an anchor that precedes them.
    while (s.anchorIdx < s.anchors.length && s.anchors[s.anchorIdx]!.size <= s.frontier.size) {
      const a = s.anchors[s.anchorIdx]!;
      const explained = s.findings.some((f) => f.seqs.some((q) => q <= a.lastSeq));
      if (
        !explained &&
        a.size === s.frontier.size &&
        Buffer.from(s.frontier.root()).toString("base64") !== a.root
      ) {
        s.add("anchor-mismatch", [a.lastSeq], `entries up to ${a.lastSeq} do not match the ${a.kind} anchor`);
      }
      s.anchorIdx++;
    }
    this.batch.push({ state: s, entry: e });
    if (this.batch.length >= BATCH) this.flush();
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const byDoor = new Map<string, { state: ChainState; entry: LockEntry }[]>();
    for (const b of this.batch) {
      const list = byDoor.get(b.state.door) ?? [];
      list.push(b);
      byDoor.set(b.state.door, list);
    }
    for (const [door, items] of byDoor) {
      const key = this.o.deviceKeys.get(door);
      const reports: DocumentReport[] = verifyDocuments(
        items.map((i) => i.entry),
        { trusted: key ? [key] : [], context: ENTRY_CONTEXT, now: Number.MAX_SAFE_INTEGER - 1 },
      );
      reports.forEach((r, k) => {
        const { state: s, entry: e } = items[k]!;
        const before = s.anchors.filter((a) => a.lastSeq < e.seq).at(-1);
        const early =
          (before !== undefined && e.time < before.time) || (s.lastTime !== "" && e.time < s.lastTime);
        if (r.time === undefined) {
          // Not the device's entry. When its time moved before what precedes it, the edit was a
          // backdating; otherwise some other field was altered.
          if (early)
            s.add(
              "backdated",
              [e.seq],
              "time moved before the preceding entry or anchor; the device signature does not verify",
            );
          else s.add("altered", [e.seq], "device signature does not verify");
          return;
        }
        // A genuine entry dated before an anchor that precedes it, or before the previous genuine
        // entry, is backdated by the device itself (a clock jump or a compromised device).
        if (early) s.add("backdated", [e.seq], "a genuine entry dated before the preceding entry or anchor");
        s.lastTime = e.time;
      });
    }
    this.batch = [];
  }

  /** Ends the audit: declares remaining gaps and tails, and returns one verdict per chain. */
  finish(): ChainVerdict[] {
    for (const s of this.chains.values()) while (s.pending.size > 0) this.declareGap(s);
    if (this.o.compaction) {
      // The newest entry's own signature covers the unanchored tail.
      for (const s of this.chains.values())
        if (s.lastEntry && !s.boundaries.has(s.lastEntry.seq))
          this.batch.push({ state: s, entry: s.lastEntry });
    }
    this.flush();
    const expired = new Set(this.o.expiredChains ?? []);
    const linked = new Set<string>();
    for (const list of this.anchorsByChain.values())
      for (const a of list) if (a.kind === "genesis" && a.prevAnchor) linked.add(a.prevAnchor);
    // Chains that only anchors know of were deleted whole.
    for (const [chain, anchors] of this.anchorsByChain) {
      if (this.chains.has(chain)) continue;
      const final = anchors.at(-1) as (Anchor & { hash?: string }) | undefined;
      if (expired.has(chain) && final?.kind === "final" && final.hash && linked.has(final.hash)) continue; // deleted by retention
      this.state(chain, chain.slice(0, chain.indexOf("/"))).received = 0;
    }
    const out: ChainVerdict[] = [];
    for (const s of this.chains.values()) {
      const lastAnchor = s.anchors.at(-1);
      const anchoredThrough = lastAnchor?.lastSeq ?? -1;
      if (lastAnchor && lastAnchor.lastSeq > s.lastSeq) {
        const seqs = [];
        for (let q = s.lastSeq + 1; q <= lastAnchor.lastSeq; q++) seqs.push(q);
        s.add(
          "dropped",
          seqs,
          s.received === 0 ? "the whole chain is missing" : "tail missing from the collector's log",
        );
      }
      if (s.lastSeq > anchoredThrough && s.received > 0) {
        const seqs = [];
        for (let q = anchoredThrough + 1; q <= s.lastSeq; q++) seqs.push(q);
        s.add("unanchored", seqs, "not yet covered by an anchor");
      }
      if (s.closedSeen && lastAnchor?.kind !== "final")
        s.add("missing-final-anchor", [], "chain closed without a final anchor");
      // A backdated entry also breaks the next entry's link: report it once, as backdated.
      const backdated = new Set(s.findings.find((f) => f.kind === "backdated")?.seqs ?? []);
      const altered = s.findings.find((f) => f.kind === "altered");
      if (altered) altered.seqs = altered.seqs.filter((q) => !backdated.has(q));
      s.findings.splice(
        0,
        s.findings.length,
        ...s.findings.filter((f) => f.seqs.length > 0 || f.kind === "missing-final-anchor"),
      );
      for (const f of s.findings) f.seqs = [...new Set(f.seqs)].sort((a, b) => a - b);
      const verified = s.findings.every((f) => f.kind === "unanchored");
      out.push({
        chain: s.chain,
        door: s.door,
        received: s.received,
        lastSeq: s.lastSeq,
        anchoredThrough,
        verified,
        findings: s.findings,
      });
    }
    return out.sort((a, b) => (a.chain < b.chain ? -1 : 1));
  }
}

/** Audits entries (any iterable, e.g. a parsed export) against anchors. */
export async function audit(
  entries: AsyncIterable<unknown> | Iterable<unknown>,
  options: AuditOptions,
): Promise<ChainVerdict[]> {
  const a = new Auditor(options);
  for await (const e of entries) a.push(e);
  return a.finish();
}
