// The auditor: reads a (possibly tampered) stream of entries from the collector plus the
// device-signed anchors, and says per chain whether the log is verified, or exactly which entries
// were dropped, altered, reordered, replayed, forked or backdated, which tail is unanchored, and
// whether a final anchor or a whole chain is missing. It streams: entries are taken in batches
// (one packed hash call and one signature-batch call per batch), and per chain it keeps only the
// Merkle frontier, a bounded reorder window and a compaction segment; entry hashes (to tell
// replays from forks) go to a disk-backed store, so memory does not grow with the log.
import { assertPublicKeyBase64, toBase64 } from "@chronoseal/core";
import { entryShapeError, type LockEntry } from "../entry.js";
import { entryHashes } from "../entry-hash.js";
import { type AnchorIndex, indexAnchors } from "./anchor-index.js";
import { ChainState, type Genuineness, type Item } from "./chain-state.js";
import { HashStore } from "./hash-store.js";
import { verifyDeviceSignatures } from "./signatures.js";
import { type AuditOptions, type ChainVerdict, INFORMATIONAL } from "./verdict.js";

const ZERO = new Uint8Array(32);

/** Compaction segments longer than this are verified entry by entry. */
const MAX_SEGMENT = 8192;

export class Auditor {
  private readonly chains = new Map<string, ChainState>();
  private readonly index: AnchorIndex;
  private readonly store = new HashStore();
  private inbox: unknown[] = [];
  private readonly window: number;
  private readonly batchSize: number;
  /** Entries that could not be attributed to any chain (not even malformed ones with chain and seq). */
  unattributed = 0;
  /** Entries taken so far. */
  count = 0;
  private finished = false;

  constructor(private readonly o: AuditOptions) {
    this.window = o.reorderWindow ?? 1024;
    this.batchSize = o.batchSize ?? 1024;
    if (!Number.isSafeInteger(this.window) || this.window < 1)
      throw new RangeError("reorderWindow: expected ≥ 1");
    if (!Number.isSafeInteger(this.batchSize) || this.batchSize < 1)
      throw new RangeError("batchSize: expected ≥ 1");
    for (const [door, key] of o.deviceKeys) assertPublicKeyBase64(key, `device key of ${door}`);
    this.index = indexAnchors(o.anchors, o.deviceKeys);
  }

  /** Anchor notes that could not be used (unknown door, not a lock anchor). */
  get rejectedAnchors(): readonly { note: string; reason: string }[] {
    return this.index.rejected;
  }

  private state(chain: string, door: string): ChainState {
    let s = this.chains.get(chain);
    if (!s) {
      s = new ChainState(chain, door, this.index.chains.get(chain), this.o.deviceKeys.get(door), this.store);
      this.chains.set(chain, s);
    }
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
    const ok: LockEntry[] = [];
    const why: (string | undefined)[] = values.map((v) => {
      const reason = entryShapeError(v);
      if (!reason) ok.push(v as LockEntry);
      return reason;
    });
    const hashes = entryHashes(ok, { shaped: true });
    const accepted: Item[] = [];
    const closed: Item[][] = [];
    let k = 0;
    values.forEach((v, i) => {
      const reason = why[i];
      if (reason === undefined) {
        const e = v as LockEntry;
        const s = this.state(e.chain, e.door);
        s.received++;
        if (e.seq > s.lastSeq) s.lastSeq = e.seq;
        const bytes = hashes.subarray(k * 32, k * 32 + 32);
        k++;
        this.route(s, e, toBase64(bytes), bytes, accepted, closed);
        return;
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
        this.route(s, e as LockEntry, "", ZERO, accepted, closed, `malformed: ${reason}`);
      } else this.unattributed++;
    });
    this.verify(accepted, closed);
  }

  private route(
    s: ChainState,
    e: LockEntry,
    hash: string,
    bytes: Uint8Array,
    accepted: Item[],
    closed: Item[][],
    bad?: string,
  ): void {
    if (e.seq < s.expected) {
      const known = s.hashAt(e.seq);
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
    if (e.seq > s.expected) {
      s.pending.set(e.seq, { entry: e, hash, bytes: bytes.slice(), ...(bad ? { bad } : {}) });
      if (s.pending.size > this.window) this.gap(s, accepted, closed);
      return;
    }
    if (s.pending.size > 0) s.lateArrivals.add(e.seq);
    this.accept(s, e, hash, bytes, accepted, closed, bad);
    this.drain(s, accepted, closed);
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
    bytes: Uint8Array,
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
    s.appendLeaf(bytes, 0);
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
      if (s.lateArrivals.size > 0)
        s.findings.add("reordered", p.entry.seq, p.entry.seq, "delivered before an earlier entry");
      this.accept(s, p.entry, p.hash, p.bytes, accepted, closed, p.bad);
    }
    if (s.pending.size === 0 && s.lateArrivals.size > 0) {
      for (const q of s.lateArrivals) s.findings.add("reordered", q, q, "delivered after a later entry");
      s.lateArrivals.clear();
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
    s.lateArrivals.clear();
    this.drain(s, accepted, closed);
  }

  // ---- verification -------------------------------------------------------------------------

  /** Device-signature verdicts of items (one batch call); undefined where nothing can be checked. */
  private check(items: readonly Item[]): (boolean | undefined)[] {
    const todo: number[] = [];
    const batch = items.flatMap((i, k) => {
      if (i.bad || !i.s.deviceKey) return [];
      todo.push(k);
      return [{ entry: i.entry, hash: i.hash, key: i.s.deviceKey }];
    });
    const verdicts = verifyDeviceSignatures(batch);
    const out = new Array<boolean | undefined>(items.length).fill(undefined);
    todo.forEach((k, j) => {
      out[k] = verdicts[j];
    });
    return out;
  }

  private genuine(item: Item, verdict: boolean | undefined): Genuineness {
    if (item.bad) return "invalid";
    if (!item.s.deviceKey || verdict === undefined) return "unknown";
    if (this.o.compaction && item.entry.signatures === undefined) return "unsigned";
    return verdict ? "valid" : "invalid";
  }

  private verify(accepted: Item[], closed: Item[][]): void {
    if (!this.o.compaction) {
      const reports = this.check(accepted);
      accepted.forEach((item, k) => {
        this.finalize(item, this.genuine(item, reports[k]));
      });
      return;
    }
    // Signature compaction: one signature per segment (its newest entry) and the hash links.
    const heads = closed.map((seg) => seg.at(-1)!);
    const reports = this.check(heads);
    const full: Item[] = [];
    const good = closed.map((seg, k) => {
      const ok =
        !(seg as Item[] & { broken?: boolean }).broken &&
        this.genuine(heads[k]!, reports[k]) === "valid" &&
        !seg.some((i) => i.linkBroken);
      if (!ok) full.push(...seg);
      return ok;
    });
    const fullReports = this.check(full);
    const verdicts = new Map<Item, Genuineness>();
    full.forEach((item, k) => {
      verdicts.set(item, this.genuine(item, fullReports[k]));
    });
    closed.forEach((seg, k) => {
      if (good[k]) {
        for (const item of seg) this.finalize(item, "proven");
        return;
      }
      // Entry by entry; an entry without a signature (a compacted archive) is proven when an
      // unbroken run of links leads from it to a valid signature later in the segment.
      const g = seg.map((item) => verdicts.get(item) ?? "unknown");
      let proven = false;
      for (let i = seg.length - 1; i >= 0; i--) {
        const item = seg[i]!;
        if (g[i] === "valid") proven = true;
        else if (g[i] === "invalid") proven = false;
        else if (g[i] === "unsigned") g[i] = proven ? "proven" : "unproven";
        if (item.linkBroken || item.bad) proven = false;
      }
      seg.forEach((item, i) => {
        this.finalize(item, g[i]!);
      });
    });
  }

  /** Judges one accepted entry, in sequence order per chain, once its genuineness is known. */
  private finalize(item: Item, g: Genuineness): void {
    const { s, entry: e } = item;
    if (item.bad) {
      if (!s.forks.has(e.seq)) s.findings.add("altered", e.seq, e.seq, item.bad);
    } else if (g === "invalid") {
      if (!s.forks.has(e.seq)) {
        const signedAt = s.deviceKey ? e.signatures?.[s.deviceKey]?.signed_at : undefined;
        const before = s.anchorTimeBefore(e.seq);
        let ref = before; // RFC 3339 strings of one format compare in time order
        if (s.lastGoodTime > ref) ref = s.lastGoodTime;
        if ((typeof signedAt === "string" && e.time < signedAt) || (ref !== "" && e.time < ref))
          s.findings.add("backdated", e.seq, e.seq, "its time was moved earlier than the device wrote it");
        else
          s.findings.add(
            "altered",
            e.seq,
            e.seq,
            e.signatures ? "the device signature does not verify" : "no device signature",
          );
      }
    } else if (g === "unproven") {
      s.findings.add(
        "unproven",
        e.seq,
        e.seq,
        "no signature, and no intact links to one (a compacted archive with a break)",
      );
    } else if (g === "valid" || g === "proven") {
      const before = s.anchorTimeBefore(e.seq);
      if ((s.lastGoodTime !== "" && e.time < s.lastGoodTime) || (before !== "" && e.time < before))
        s.findings.add("clock-skew", e.seq, e.seq, "the device clock went back");
      if (e.time > s.lastGoodTime) s.lastGoodTime = e.time;
    }
    if (item.linkBroken && e.seq > 0) {
      const prev = e.seq - 1;
      if (s.forks.get(prev)?.has(e.prev)) {
        // The accepted copy of prev was the fake side of a fork, already reported.
      } else if (g === "invalid" && s.prevGenuine !== "invalid") {
        // This entry's own link was edited; it is reported itself.
      } else if (s.prevGenuine === "invalid") {
        // prev is reported already.
      } else if (s.prevGenuine === "unproven") {
        s.findings.remove("unproven", prev);
        s.findings.add("altered", prev, prev, "its hash does not match the next entry's link");
      } else if (s.prevGenuine === "valid" && g === "valid") {
        s.findings.add(
          "forked",
          prev,
          prev,
          "the next entry links to a different entry with this sequence number",
        );
      } else {
        s.findings.add("altered", prev, prev, "its hash does not match the next entry's link");
      }
    }
    s.prevGenuine = g;
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
    this.verify(accepted, closed);
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
      if (s.expected - 1 > through && !deleted)
        s.findings.add("unanchored", through + 1, s.expected - 1, "not yet covered by an anchor");
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
