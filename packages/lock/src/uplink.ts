// The uplink: sends entries to the collector in batches, with retry and exponential backoff,
// from an on-disk backlog so nothing is lost while the collector is unreachable or the device
// restarts. Delivery is idempotent (the collector keys entries by chain and sequence), so after a
// crash between sending and recording the acknowledgement, resending is harmless.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LockEntry } from "./entry.js";
import { AppendLog } from "./storage.js";

export interface UplinkOptions {
  dir: string;
  /** Collector base URL, e.g. http://127.0.0.1:7440 */
  collector: string;
  batchSize?: number;
  /** First retry delay (ms, default 1 s), doubled per failure up to maxBackoff (default 5 min). */
  backoff?: number;
  maxBackoff?: number;
  /** Injectable clock for virtual time. */
  now?: () => number;
  fetch?: typeof fetch;
}

export class Uplink {
  private readonly log: AppendLog<LockEntry>;
  private backlog: LockEntry[];
  private acked: number;
  private failures = 0;
  private nextAttempt = 0;
  private readonly ackFile: string;

  constructor(private readonly o: UplinkOptions) {
    mkdirSync(o.dir, { recursive: true });
    const { log, records } = AppendLog.open<LockEntry>(join(o.dir, "uplink.log"));
    this.log = log;
    this.ackFile = join(o.dir, "uplink.acked");
    this.acked = existsSync(this.ackFile) ? Number(readFileSync(this.ackFile, "utf8")) || 0 : 0;
    this.backlog = records.slice(this.acked);
  }

  /** Queues an entry durably. */
  enqueue(entry: LockEntry): void {
    this.log.append(entry);
    this.backlog.push(entry);
  }

  get pending(): number {
    return this.backlog.length;
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /**
   * Sends what is queued, batch by batch, unless backing off. Returns how many entries the
   * collector acknowledged; network errors and 5xx back off, 4xx rejections are reported.
   */
  async flush(): Promise<{ sent: number; error?: string }> {
    // One flush at a time: a second caller waits for the one in flight.
    if (this.inflight) return this.inflight.then(() => ({ sent: 0 }));
    this.inflight = this.send();
    try {
      return await this.inflight;
    } finally {
      this.inflight = undefined;
    }
  }

  private inflight: Promise<{ sent: number; error?: string }> | undefined;

  private async send(): Promise<{ sent: number; error?: string }> {
    if (this.backlog.length === 0 || this.now() < this.nextAttempt) return { sent: 0 };
    const doFetch = this.o.fetch ?? fetch;
    let sent = 0;
    while (this.backlog.length > 0) {
      const batch = this.backlog.slice(0, this.o.batchSize ?? 500);
      let status = 0;
      let text = "";
      try {
        const res = await doFetch(`${this.o.collector}/v1/entries`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(batch),
        });
        status = res.status;
        text = await res.text();
      } catch (e) {
        text = (e as Error).message;
      }
      if (status === 200) {
        this.backlog = this.backlog.slice(batch.length);
        this.acked += batch.length;
        const tmp = `${this.ackFile}.tmp`;
        writeFileSync(tmp, String(this.acked));
        renameSync(tmp, this.ackFile);
        this.failures = 0;
        sent += batch.length;
        continue;
      }
      this.failures++;
      const delay = Math.min(
        (this.o.backoff ?? 1000) * 2 ** (this.failures - 1),
        this.o.maxBackoff ?? 300_000,
      );
      this.nextAttempt = this.now() + delay;
      return {
        sent,
        error: status
          ? `collector answered ${status}: ${text.slice(0, 200)}`
          : `collector unreachable: ${text}`,
      };
    }
    return { sent };
  }

  close(): void {
    this.log.close();
  }
}
