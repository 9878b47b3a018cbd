// The device's own record of its anchors (`<dir>/anchors.log`, append-only like the entry logs)
// and their publication. An anchor is made synchronously (a snapshot of a chain's frontier, signed),
// written locally once every entry it covers is durable, then handed to the AnchorSink in order.
// Publication survives failures and restarts: `anchors.published` counts the notes the sink has
// accepted, and the rest are offered again (a sink may see a note twice; auditors dedupe by hash).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Anchor, AnchorSink } from "./anchors.js";
import { atomicWrite, type StorageObserver } from "./files.js";
import { AppendLog } from "./storage.js";

export interface AnchorRecord {
  chain: string;
  anchor: Anchor;
  hash: string;
  note: string;
}

export class DeviceAnchors {
  /** Newest anchor per chain. */
  readonly latest = new Map<string, AnchorRecord>();
  /** Newest anchor of the device (any chain). */
  newest: AnchorRecord | undefined;
  private readonly log: AppendLog<AnchorRecord>;
  private readonly unpublished: AnchorRecord[] = [];
  private published: number;
  private persisting: Promise<void> = Promise.resolve();
  private publishing: Promise<void> | undefined;
  /** The last publication error (cleared by a success). */
  publishError: Error | undefined;

  constructor(
    private readonly dir: string,
    private readonly sink: AnchorSink,
    private readonly observer?: StorageObserver,
  ) {
    const all: AnchorRecord[] = [];
    const opened = AppendLog.open<AnchorRecord>(join(dir, "anchors.log"), {
      observer,
      onRecord: (r) => all.push(r),
    });
    this.log = opened.log;
    for (const r of all) this.note(r);
    const file = join(dir, "anchors.published");
    const count = existsSync(file) ? Number(readFileSync(file, "utf8")) : 0;
    this.published = Number.isSafeInteger(count) && count >= 0 ? Math.min(count, all.length) : 0;
    this.unpublished.push(...all.slice(this.published));
  }

  private note(r: AnchorRecord): void {
    this.latest.set(r.chain, r);
    this.newest = r;
  }

  /**
   * Records an anchor made now: it becomes the chain's latest at once; it is written locally
   * after `covered` (the durability of the entries it covers) and then published.
   */
  add(r: AnchorRecord, covered: Promise<void>): Promise<void> {
    this.note(r);
    const written = Promise.all([this.persisting, covered]).then(() => this.log.append(r));
    this.persisting = written.catch(() => {});
    return written.then(() => {
      this.unpublished.push(r);
      return this.publish();
    });
  }

  get busy(): boolean {
    return this.log.busy || this.publishing !== undefined;
  }

  get pending(): number {
    return this.unpublished.length;
  }

  /** Publishes what is not yet published, in order; failures are kept for a later retry. */
  publish(): Promise<void> {
    if (this.publishing)
      return this.publishing.then(() => (this.unpublished.length ? this.publish() : undefined));
    if (this.unpublished.length === 0) return Promise.resolve();
    this.publishing = (async () => {
      try {
        while (this.unpublished.length > 0) {
          const r = this.unpublished[0]!;
          await this.sink.publish(r.note);
          this.unpublished.shift();
          this.published++;
          atomicWrite(join(this.dir, "anchors.published"), String(this.published), {
            observer: this.observer,
          });
          this.publishError = undefined;
        }
      } catch (e) {
        this.publishError = e instanceof Error ? e : new Error(String(e));
      } finally {
        this.publishing = undefined;
      }
    })();
    return this.publishing;
  }

  /** Resolves when every anchor made so far is written locally (publication may still fail). */
  async written(): Promise<void> {
    await this.persisting;
    await this.log.durable();
  }

  close(): Promise<void> {
    return this.log.close();
  }
}
