// The auditor: reads a (possibly tampered) stream of entries from the collector plus the
// device-signed anchors, and says per chain whether the log is verified, or exactly which entries
// were dropped, altered, reordered, replayed, forked or backdated, which tail is unanchored, and
// whether a final anchor or a whole chain is missing. It streams: entries are taken in batches
// (one packed hash call and one signature-batch call per batch), and per chain it keeps only the
// Merkle frontier, a bounded reorder window and a compaction segment; entry hashes (to tell
// replays from forks) go to a disk-backed store, so memory does not grow with the log.
import { assertPublicKeyBase64 } from "@chronoseal/core";
import { entryShapeError, type LockEntry } from "../entry.js";
import { entryHashes } from "../entry-hash.js";
import { type AnchorIndex, indexAnchors } from "./anchor-index.js";
import { ChainState, type Item } from "./chain-state.js";
import { HashStore } from "./hash-store.js";
import { Judge } from "./judge.js";
import { type AuditOptions, type ChainVerdict, INFORMATIONAL } from "./verdict.js";
import { checkWitnessPolicy } from "./witnesses.js";

const ZERO = new Uint8Array(32);

/** Compaction segments longer than this are verified entry by entry. */
const MAX_SEGMENT = 8192;

export class Auditor {
  private readonly chains = new Map<string, ChainState>();
  private readonly index: AnchorIndex;
  private readonly store = new HashStore();
  private readonly judge: Judge;
  private inbox: unknown[] = [];
  private readonly window: number;
  private readonly batchSize: number;
  /** Entries that could not be attributed to any chain (not even malformed ones with chain and seq). */
  unattributed = 0;
  /** Entries taken so far. */
  count = 0;
  private finished = false;
  /** Witnesses an anchor needs (0 without a witness policy). */
  private readonly require: number;

  constructor(private readonly o: AuditOptions) {
    this.window = o.reorderWindow ?? 1024;
    this.batchSize = o.batchSize ?? 4096;
    if (!Number.isSafeInteger(this.window) || this.window < 1)
      throw new RangeError("reorderWindow: expected ≥ 1");
    if (!Number.isSafeInteger(this.batchSize) || this.batchSize < 1)
      throw new RangeError("batchSize: expected ≥ 1");
    this.judge = new Judge(o);
    for (const [door, key] of o.deviceKeys) assertPublicKeyBase64(key, `device key of ${door}`);
    this.require = o.witnesses ? checkWitnessPolicy(o.witnesses) : 0;
    this.index = indexAnchors(o.anchors, o.deviceKeys, o.witnesses);
  }

  /** The anchors as the audit uses them: per chain, verified and in order (heads included). */
  get anchorIndex(): AnchorIndex {
    return this.index;
  }

  /** Anchor notes that could not be used (unknown door, not a lock anchor). */
  get rejectedAnchors(): readonly { note: string; reason: string }[] {
    return this.index.rejected;
  }

  /** The chain looked up last (entries come in long runs of one chain). */
  private last: ChainState | undefined;

  private state(chain: string, door: string): ChainState {
    if (this.last?.chain === chain) return this.last;
    let s = this.chains.get(chain);
    if (!s) {
      s = new ChainState(chain, door, this.index.chains.get(chain), this.o.deviceKeys.get(door), this.store);
      this.chains.set(chain, s);
    }
    this.last = s;
    return s;
  }

  /** Takes one entry (in the order the collector delivered it). */
  push(value: unknown): void {
    if (this.finished) throw new Error("auditor: push after finish");
    this.inbox.push(value);
    this.count++;
    if (this.inbox.length >= this.batchSize) this.process();
  }

  private process(): void {
    const values = this.inbox;
    this.inbox = [];
    const n = values.length;
    const ok: LockEntry[] = [];
    const why: (string | undefined)[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const reason = entryShapeError(values[i]);
      if (reason === undefined) ok.push(values[i] as LockEntry);
      else why[i] = reason;
    }
    const hashes = entryHashes(ok, { shaped: true });
    const hex = Buffer.from(hashes.buffer, hashes.byteOffset, hashes.byteLength); // base64 without a view per entry
    const accepted: Item[] = [];
    const closed: Item[][] = [];
    let k = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      const reason = why[i];
      if (reason === undefined) {
        const e = v as LockEntry;
        const s = this.state(e.chain, e.door);
        s.received++;
        if (e.seq > s.lastSeq) s.lastSeq = e.seq;
        const off = k * 32;
        k++;
        this.route(s, e, hex.toString("base64", off, off + 32), hashes, off, accepted, closed);
        continue;
      }
      const e = v as Partial<LockEntry> | null;
      if (
        e &&
        typeof e === "object" &&
        typeof e.chain === "string" &&
        e.chain.includes("/") &&
        typeof e.seq === "number" &&
        Number.isSafeInteger(e.seq) &&
        e.seq >= 0
      ) {
        // It holds its place in the sequence (so nothing else is blamed) but cannot be verified.
        const s = this.state(e.chain, e.chain.slice(0, e.chain.indexOf("/")));
        s.received++;
        if (e.seq > s.lastSeq) s.lastSeq = e.seq;
        this.route(s, e as LockEntry, "", ZERO, 0, accepted, closed, `malformed: ${reason}`);
      } else this.unattributed++;
    }
    this.judge.verify(accepted, closed);
  }

  /** Routes an entry by sequence number; its hash is the 32 bytes of `packed` at `off`. */
  private route(
    s: ChainState,
    e: LockEntry,
    hash: string,
    packed: Uint8Array,
    off: number,
    accepted: Item[],
    closed: Item[][],
    bad?: string,
  ): void {
    if (e.seq < s.expected) {
      const known = s.hashAt(e.seq);
      const bytes = packed.subarray(off, off + 32);
      if (bad) this.fork(s, e.seq, hash);
      else if (!known) {
        // Declared dropped when the reorder window ran out, and here it is after all.
        s.findings.remove("dropped", e.seq);
        s.findings.add("reordered", e.seq, e.seq, "delivered far out of order");
      } else if (Buffer.compare(known, bytes) === 0)
        s.findings.add("replayed", e.seq, e.seq, "delivered again");
      else this.fork(s, e.seq, hash);
      return;
    }
    const held = s.pending.get(e.seq);
    if (held) {
      if (held.hash === hash && !bad && !held.bad)
        s.findings.add("replayed", e.seq, e.seq, "delivered again");
      else this.fork(s, e.seq, hash);
      return;
    }
    const arrival = s.arrivals++;
    if (e.seq > s.expected) {
      const bytes = packed.slice(off, off + 32);
      s.pending.set(e.seq, { entry: e, hash, bytes, arrival, ...(bad ? { bad } : {}) });
      if (s.pending.size > this.window) this.gap(s, accepted, closed);
      return;
    }
    this.order(s, e.seq, arrival);
    this.accept(s, e, hash, packed, off, accepted, closed, bad);
    if (s.pending.size > 0) this.drain(s, accepted, closed);
  }

  /**
   * Delivery order, judged as entries are accepted (in sequence order, whatever gaps lie between):
   * an entry that arrived after one with a higher sequence number — that one is still held, so
   * the earliest arrival held tells — is "delivered after a later entry"; one that arrived before
   * an entry already accepted (a lower sequence number) is "delivered before an earlier entry".
   * Both sides of every inversion are reported, across declared gaps too.
   */
  private order(s: ChainState, seq: number, arrival: number): void {
    const held = s.pending.values().next().value;
    if (held && held.arrival < arrival)
      s.findings.add("reordered", seq, seq, "delivered after a later entry");
    if (arrival < s.latestAccepted)
      s.findings.add("reordered", seq, seq, "delivered before an earlier entry");
    else s.latestAccepted = arrival;
  }

  private fork(s: ChainState, seq: number, hash: string): void {
    const alt = s.forks.get(seq) ?? new Set<string>();
    alt.add(hash);
    s.forks.set(seq, alt);
    s.findings.add("forked", seq, seq, "a second, different entry with this sequence number");
    // The copy accepted first may be the fake: it is reported as the fork, not as an alteration.
    s.findings.remove("altered", seq);
    s.findings.remove("backdated", seq);
  }

  private accept(
    s: ChainState,
    e: LockEntry,
    hash: string,
    packed: Uint8Array,
    off: number,
    accepted: Item[],
    closed: Item[][],
    bad?: string,
  ): void {
    const item: Item = { s, entry: e, hash, linkBroken: !bad && s.prevHash !== "" && e.prev !== s.prevHash };
    if (bad) {
      item.bad = bad;
      s.segmentBroken = true;
    }
    s.prevHash = hash; // "" for a malformed entry: the next link cannot be checked
    s.appendLeaf(packed, off);
    if (e.event === "chain-closed") s.closedSeen = true;
    if (!this.o.compaction) {
      accepted.push(item);
      return;
    }
    s.segment.push(item);
    if (item.linkBroken) s.segmentBroken = true;
    if (s.boundaries.has(e.seq) || s.segment.length >= MAX_SEGMENT) {
      if (s.segment.length >= MAX_SEGMENT && !s.boundaries.has(e.seq)) s.segmentBroken = true;
      closed.push(this.closeSegment(s));
    }
  }

  private closeSegment(s: ChainState): Item[] {
    const seg = s.segment;
    (seg as Item[] & { broken?: boolean }).broken = s.segmentBroken;
    s.segment = [];
    s.segmentBroken = false;
    return seg;
  }

  private drain(s: ChainState, accepted: Item[], closed: Item[][]): void {
    for (let p = s.pending.get(s.expected); p; p = s.pending.get(s.expected)) {
      s.pending.delete(s.expected);
      this.order(s, p.entry.seq, p.arrival);
      this.accept(s, p.entry, p.hash, p.bytes, 0, accepted, closed, p.bad);
    }
  }

  private gap(s: ChainState, accepted: Item[], closed: Item[][]): void {
    let next = Number.POSITIVE_INFINITY;
    for (const k of s.pending.keys()) if (k < next) next = k;
    s.findings.add("dropped", s.expected, next - 1, "missing from the collector's log");
    const zero = new Uint8Array(32);
    while (s.expected < next) s.appendLeaf(zero, 0);
    s.prevHash = ""; // the link across a gap cannot be checked
    s.segmentBroken = true;
    this.drain(s, accepted, closed);
  }

  // ---- the end ------------------------------------------------------------------------------

  /** Ends the audit and returns one verdict per chain (sorted by chain id). */
  finish(): ChainVerdict[] {
    if (this.finished) throw new Error("auditor: finish called twice");
    this.process();
    this.finished = true;
    const accepted: Item[] = [];
    const closed: Item[][] = [];
    for (const s of this.chains.values()) {
      while (s.pending.size > 0) this.gap(s, accepted, closed);
      if (s.segment.length > 0) closed.push(this.closeSegment(s));
    }
    this.judge.verify(accepted, closed);
    for (const s of this.chains.values()) s.flushLeaves();
    this.store.close();
    const expired = new Set(this.o.expiredChains ?? []);
    const linked = new Set<string>();
    for (const c of this.index.chains.values()) if (c.genesis?.prevAnchor) linked.add(c.genesis.prevAnchor);
    const out: ChainVerdict[] = [];
    for (const c of this.index.chains.values()) if (!this.chains.has(c.chain)) this.state(c.chain, c.door);
    for (const s of this.chains.values()) {
      const anchors = s.anchors;
      const deleted = s.received === 0;
      const isExpired =
        deleted &&
        (anchors?.expired !== undefined ||
          (expired.has(s.chain) && !!anchors?.final && linked.has(anchors.final.hash)));
      for (const p of anchors?.problems ?? []) {
        if (p.seqs.length) for (const q of p.seqs) s.findings.add(p.kind, q, q, p.detail);
        else s.findings.flag(p.kind, p.detail);
      }
      if (!s.deviceKey) {
        out.push({
          chain: s.chain,
          door: s.door,
          received: s.received,
          lastSeq: s.lastSeq,
          anchoredThrough: -1,
          anchoredAt: "",
          headThrough: -1,
          expired: false,
          verified: false,
          findings: [
            { kind: "unknown-device", seqs: [], ranges: [], detail: `no device key for door ${s.door}` },
          ],
        });
        continue;
      }
      const through = s.anchoredThrough;
      if (!isExpired && through >= s.expected)
        s.findings.add(
          "dropped",
          s.expected,
          through,
          deleted ? "the whole chain is missing" : "tail missing from the collector's log",
        );
      const newest = anchors?.list.at(-1);
      if (s.expected - 1 > through && !deleted)
        s.findings.add(
          "unanchored",
          through + 1,
          s.expected - 1,
          newest
            ? `after the newest ${newest.kind === "head" ? "head" : "anchor"} (device time ${newest.time}): entries after it could be dropped unnoticed`
            : "no anchor covers any entry",
        );
      // Witnesses cosign anchors, not heads: what the anchors cover must be witnessed.
      const witnessedThrough = this.index.witnessed?.witnessedThrough(anchors?.list ?? [], this.require);
      let anchorsThrough = -1;
      for (const a of anchors?.list ?? [])
        if (a.kind !== "head") anchorsThrough = Math.max(anchorsThrough, a.lastSeq);
      anchorsThrough = Math.min(anchorsThrough, through);
      if (
        witnessedThrough !== undefined &&
        this.require > 0 &&
        anchorsThrough > witnessedThrough &&
        !isExpired
      )
        s.findings.add(
          "unwitnessed",
          witnessedThrough + 1,
          anchorsThrough,
          `anchored, but no anchor covering them carries ${this.require} witness cosignature(s)`,
        );
      const superseded = anchors?.list.some((a) => linked.has(a.hash) && a.kind !== "final");
      if ((s.closedSeen || superseded) && !anchors?.final)
        s.findings.flag("missing-final-anchor", "the chain was closed without a final anchor");
      const explainedUpTo = s.findings.firstProblem();
      for (const m of s.mismatches)
        if (explainedUpTo === undefined || explainedUpTo > m.lastSeq)
          s.findings.add(
            "anchor-mismatch",
            m.lastSeq,
            m.lastSeq,
            `entries up to ${m.lastSeq} do not build the ${m.kind} anchor's tree`,
          );
      const findings = s.findings.list();
      out.push({
        chain: s.chain,
        door: s.door,
        received: s.received,
        lastSeq: s.lastSeq,
        anchoredThrough: through,
        anchoredAt: newest?.time ?? "",
        headThrough: anchors?.head?.lastSeq ?? -1,
        ...(witnessedThrough === undefined ? {} : { witnessedThrough }),
        expired: isExpired,
        verified: findings.every((f) => INFORMATIONAL.has(f.kind)),
        findings,
      });
    }
    return out.sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0));
  }
}

/** Audits entries (any iterable or async iterable, e.g. a parsed export) against anchors. */
export async function audit(
  entries: AsyncIterable<unknown> | Iterable<unknown>,
  options: AuditOptions,
): Promise<ChainVerdict[]> {
  const a = new Auditor(options);
  if (Symbol.iterator in entries) for (const e of entries as Iterable<unknown>) a.push(e);
  else for await (const e of entries) a.push(e);
  return a.finish();
}
