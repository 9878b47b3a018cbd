// The uplink: sends durable entries to the collector in batches, with retry and exponential
// backoff. Its backlog is the device storage itself: `uplink.json` records, per chain, the last
// sequence number the collector acknowledged, and on start every durable entry after it is read
// back from the chain logs — so the backlog survives restarts and power cuts, and no entry is
// ever lost between being written and being sent. Delivery is idempotent (the collector keys
// entries by chain and sequence number), so resending after a crash is harmless. If the collector
// answers that a batch does not extend its copy of a chain (it lost entries), the uplink asks for
// its head and resends from there, as far as the device still holds the entries.
// Retention reaches the collector whatever the order of start, attach, crash and restart: the
// queue of expiries is the device's own durable record of its signed `expired` anchors
// (anchors.log) minus the expiries the collector acknowledged (uplink.json). A chain's remaining
// entries go first, then its expiry (the collector deletes the chain), then the device deletes the
// chain's log, which retention left in place for the uplink (see uplink-state.ts).
import { existsSync, mkdirSync } from "node:fs";
import type { AgentListener } from "./agent.js";
import { chainLogPath } from "./chain.js";
import type { LockEntry } from "./entry.js";
import { readManifest } from "./manifest.js";
import { scanLog } from "./storage.js";
import {
  deleteChainLog,
  expiredAnchors,
  readUplinkState,
  type UplinkState,
  uplinkStatePath,
  writeUplinkState,
} from "./uplink-state.js";

export interface UplinkOptions {
  /** The device storage directory (chain logs, manifest); uplink.json is kept here. */
  dir: string;
  /** Collector base URL, e.g. http://127.0.0.1:7440 */
  collector: string;
  /** Entries per request (default 500, at most 10,000). */
  batchSize?: number;
  /** First retry delay (ms, default 1 s), doubled per failure up to maxBackoff (default 5 min). */
  backoff?: number;
  maxBackoff?: number;
  /** Per-request timeout (ms, default 30 s). */
  timeoutMs?: number;
  /** Clock for backoff (virtual time in simulations). */
  now?: () => number;
  fetch?: typeof fetch;
}

export interface FlushResult {
  /** Entries the collector acknowledged. */
  sent: number;
  /** Expired chains the collector deleted. */
  expired?: number;
  error?: string;
}

export class Uplink {
  private backlog: LockEntry[] = [];
  private readonly queuedThrough = new Map<string, number>();
  private state: UplinkState;
  /** Expiries to send, by chain: the device's signed `expired` anchor notes. */
  private readonly expiries = new Map<string, string>();
  private failures = 0;
  private nextAttempt = 0;
  private inflight: Promise<FlushResult> | undefined;

  constructor(private readonly o: UplinkOptions) {
    const batch = o.batchSize ?? 500;
    if (!Number.isSafeInteger(batch) || batch < 1 || batch > 10_000)
      throw new RangeError(`batchSize: expected 1..10000, got ${batch}`);
    mkdirSync(o.dir, { recursive: true });
    this.state = readUplinkState(o.dir) ?? { acked: {}, expired: [] };
    for (const { chain, note } of this.state.expiries ?? []) this.expiries.set(chain, note);
    delete this.state.expiries;
    // The file marks this device as one whose entries a collector expects (retention waits for us).
    if (!existsSync(uplinkStatePath(o.dir))) this.save();
    this.catchUp();
  }

  /**
   * Reads every durable entry the collector has not acknowledged from the device logs (also of
   * expired chains whose log retention left for us), and every expiry not yet acknowledged.
   */
  private catchUp(): void {
    const manifest = readManifest(this.o.dir);
    for (const c of manifest?.chains ?? []) {
      const chain = `${manifest!.door}/${c.period}`;
      if (
        c.status === "expired" &&
        (this.state.expired.includes(chain) || !existsSync(chainLogPath(this.o.dir, c.period)))
      )
        continue;
      this.reload(chain, -1);
    }
    for (const [chain, note] of expiredAnchors(this.o.dir))
      if (!this.state.expired.includes(chain)) this.expiries.set(chain, note);
  }

  /** Reads a chain's durable entries after `after` from the device log into the backlog. */
  private reload(chain: string, after: number): void {
    const from = Math.max(after, this.state.acked[chain] ?? -1);
    const found: LockEntry[] = [];
    scanLog<LockEntry>(chainLogPath(this.o.dir, chain.slice(chain.indexOf("/") + 1)), (e) => {
      if (e.seq > from) found.push(e);
    });
    // Every queued entry is durable, so the log holds all of this chain's backlog.
    this.backlog = [...found, ...this.backlog.filter((e) => e.chain !== chain)];
    this.queuedThrough.set(chain, found.at(-1)?.seq ?? from);
  }

  /**
   * Connects to an agent: durable entries and expiries are queued as they happen (and what the
   * agent wrote since this uplink was made, e.g. while booting, is read from its logs).
   */
  attach(agent: { subscribe(l: AgentListener): () => void }): () => void {
    const off = agent.subscribe({ entry: (e) => this.enqueue(e), expired: (c, n) => this.expire(c, n) });
    this.catchUp();
    return off;
  }

  /** Queues a durable entry (entries already queued or acknowledged are ignored). */
  enqueue(entry: LockEntry): void {
    const through = this.queuedThrough.get(entry.chain) ?? this.state.acked[entry.chain] ?? -1;
    if (entry.seq <= through) return;
    this.backlog.push(entry);
    this.queuedThrough.set(entry.chain, entry.seq);
  }

  /**
   * Queues the deletion of an expired chain at the collector, after the chain's remaining entries.
   * (The agent has the note durably in anchors.log already; this only spares a re-read.)
   */
  expire(chain: string, note: string): void {
    if (this.state.expired.includes(chain)) return;
    this.expiries.set(chain, note);
  }

  /** Entries (and deletions) waiting for the collector. */
  get pending(): number {
    return this.backlog.length + this.expiries.size;
  }

  /** Time of the next attempt after failures (0 when not backing off). */
  get retryAt(): number {
    return this.nextAttempt;
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private save(): void {
    writeUplinkState(this.o.dir, this.state);
  }

  /**
   * Sends what is queued, batch by batch, unless backing off. Returns how many entries the
   * collector acknowledged; network errors, 5xx and rejections back off and keep the backlog.
   */
  flush(): Promise<FlushResult> {
    if (this.inflight) return this.inflight.then(() => ({ sent: 0 }));
    this.inflight = this.send().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async request(path: string, init: RequestInit): Promise<{ status: number; text: string }> {
    const doFetch = this.o.fetch ?? fetch;
    try {
      const res = await doFetch(`${this.o.collector.replace(/\/$/, "")}${path}`, {
        ...init,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 30_000),
      });
      return { status: res.status, text: await res.text() };
    } catch (e) {
      return { status: 0, text: (e as Error).message };
    }
  }

  private fail(status: number, text: string, sent: number): FlushResult {
    this.failures++;
    const delay = Math.min((this.o.backoff ?? 1000) * 2 ** (this.failures - 1), this.o.maxBackoff ?? 300_000);
    this.nextAttempt = this.now() + delay;
    return {
      sent,
      error: status
        ? `collector answered ${status}: ${text.slice(0, 300)}`
        : `collector unreachable: ${text}`,
    };
  }

  private async send(): Promise<FlushResult> {
    if (this.pending === 0 || this.now() < this.nextAttempt) return { sent: 0 };
    let sent = 0;
    while (this.backlog.length > 0) {
      const batch = this.backlog.slice(0, this.o.batchSize ?? 500);
      const r = await this.request("/v1/entries", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(batch),
      });
      if (r.status === 200) {
        this.backlog = this.backlog.slice(batch.length);
        for (const e of batch) this.state.acked[e.chain] = Math.max(this.state.acked[e.chain] ?? -1, e.seq);
        this.save();
        this.failures = 0;
        this.nextAttempt = 0;
        sent += batch.length;
        continue;
      }
      if (r.status === 409 && r.text.includes("ERR_UNCHAINED") && (await this.resync(batch))) continue;
      return this.fail(r.status, r.text, sent);
    }
    // Every entry is delivered, those of expired chains included: now the expiries.
    let expired = 0;
    for (const [chain, note] of [...this.expiries]) {
      const r = await this.request("/v1/expire", {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: note,
      });
      if (r.status !== 200) return this.fail(r.status, r.text, sent);
      this.expiries.delete(chain);
      delete this.state.acked[chain];
      this.state.expired.push(chain);
      this.save();
      deleteChainLog(this.o.dir, chain.slice(chain.indexOf("/") + 1));
      this.failures = 0;
      this.nextAttempt = 0;
      expired++;
    }
    return { sent, ...(expired ? { expired } : {}) };
  }

  /** The collector lacks entries we thought it had: resend from its head. */
  private async resync(batch: LockEntry[]): Promise<boolean> {
    let changed = false;
    for (const chain of new Set(batch.map((e) => e.chain))) {
      const r = await this.request(`/v1/chains?chain=${encodeURIComponent(chain)}`, { method: "GET" });
      if (r.status !== 200) return false;
      let head = -1;
      try {
        const heads = JSON.parse(r.text) as { chain: string; seq: number }[];
        head = heads.find((h) => h.chain === chain)?.seq ?? -1;
      } catch {
        return false;
      }
      const first = batch.find((e) => e.chain === chain)!.seq;
      if (head >= first - 1) continue;
      this.state.acked[chain] = head;
      this.reload(chain, head);
      changed = true;
    }
    return changed;
  }

  close(): void {
    // Nothing to release: state is saved after every acknowledgement.
  }
}
