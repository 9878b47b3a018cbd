// Reported, not silent: what a node refused, by reason and by sender. Entries and attestations
// that ingest rejected (from a peer's push or write: `http <address>`; from a peer's answer
// during gossip: `peer <key or url>`), and HTTP requests refused with 4xx (400, 413, …) by
// status, code and sender. Shown in /v1/status and logged at warn, at most once per sender per
// `logEveryMs` (the counts since the last line), so a hostile sender cannot flood the log.
// The sender table is bounded: past `maxSenders` the least recently seen sender is dropped.
import type { IngestReport } from "./state.js";

type Counts = Record<string, number>;

export interface SenderCounts {
  entries: Counts;
  attestations: Counts;
  requests: Counts;
  lastSeen: string;
}

type Log = (fields: Record<string, unknown>, msg: string) => void;

function bump(into: Counts, from: Partial<Record<string, number>> | undefined): number {
  let n = 0;
  for (const [k, v] of Object.entries(from ?? {}))
    if (v) {
      into[k] = (into[k] ?? 0) + v;
      n += v;
    }
  return n;
}

export class Rejections {
  private readonly senders = new Map<string, SenderCounts>();
  /** Counts not yet logged, and when each sender was last logged. */
  private readonly unlogged = new Map<string, { entries: Counts; attestations: Counts; requests: Counts }>();
  private readonly loggedAt = new Map<string, number>();
  readonly requests: Counts = {};

  constructor(
    private readonly o: { log: Log; now?: () => number; logEveryMs?: number; maxSenders?: number },
  ) {}

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private sender(who: string): SenderCounts {
    let s = this.senders.get(who);
    if (s)
      this.senders.delete(who); // re-inserted: the map's order is least recently seen first
    else s = { entries: {}, attestations: {}, requests: {}, lastSeen: "" };
    s.lastSeen = new Date(this.now()).toISOString();
    this.senders.set(who, s);
    const max = this.o.maxSenders ?? 1024;
    while (this.senders.size > max) {
      const oldest = this.senders.keys().next().value as string;
      this.senders.delete(oldest);
      this.unlogged.delete(oldest);
      this.loggedAt.delete(oldest);
    }
    return s;
  }

  /** Counts what an ingest rejected from `who` (nothing happens when it rejected nothing). */
  ingest(who: string, network: string, r: IngestReport): void {
    const any =
      Object.values(r.rejected).some(Boolean) || Object.values(r.rejectedAttestations ?? {}).some(Boolean);
    if (!any) return;
    const s = this.sender(who);
    bump(s.entries, r.rejected);
    bump(s.attestations, r.rejectedAttestations);
    const u = this.pending(who);
    bump(u.entries, r.rejected);
    bump(u.attestations, r.rejectedAttestations);
    this.flush(who, network);
  }

  /** Counts a refused HTTP request (status ≥ 400) from `who`. */
  refused(who: string, status: number, code: string | undefined): void {
    const k = code ? `${status} ${code}` : String(status);
    this.requests[k] = (this.requests[k] ?? 0) + 1;
    const s = this.sender(who);
    s.requests[k] = (s.requests[k] ?? 0) + 1;
    const u = this.pending(who);
    u.requests[k] = (u.requests[k] ?? 0) + 1;
    this.flush(who, undefined);
  }

  private pending(who: string) {
    let u = this.unlogged.get(who);
    if (!u) {
      u = { entries: {}, attestations: {}, requests: {} };
      this.unlogged.set(who, u);
    }
    return u;
  }

  /** Logs the counts since the last line for `who`, unless it was logged less than logEveryMs ago. */
  private flush(who: string, network: string | undefined): void {
    const now = this.now();
    if (now - (this.loggedAt.get(who) ?? Number.NEGATIVE_INFINITY) < (this.o.logEveryMs ?? 10_000)) return;
    const u = this.unlogged.get(who);
    if (!u) return;
    this.loggedAt.set(who, now);
    this.unlogged.delete(who);
    const fields: Record<string, unknown> = { sender: who };
    if (network) fields.network = network;
    if (Object.keys(u.entries).length) fields.entries = u.entries;
    if (Object.keys(u.attestations).length) fields.attestations = u.attestations;
    if (Object.keys(u.requests).length) fields.requests = u.requests;
    this.o.log(fields, "refused input");
  }

  /** Logs every sender's counts not logged yet whose quiet time has passed (each gossip round). */
  flushAll(): void {
    for (const who of [...this.unlogged.keys()]) this.flush(who, undefined);
  }

  /** For /v1/status: per sender, newest first. */
  bySender(): Record<string, SenderCounts> {
    return Object.fromEntries([...this.senders].reverse());
  }
}
