// One chain on the device: its append-only entry log (`<dir>/<period>.log`), the hash of its
// newest entry, and the compact Merkle frontier over its entry hashes (what anchors sign). Entries
// are built and signed synchronously — sequence number, link, device time, signature — and become
// durable asynchronously (group commit); the chain state moves on at build time, so the next
// entry can link to one still being written. A failed write poisons the log: nothing more is
// appended until a restart recovers the file.
import { join } from "node:path";
import { Frontier, formatTimestamp, leafHash, signHash, toBase64 } from "@chronoseal/core";
import { type Detail, ENTRY_CONTEXT, EntryError, type LockEntry, type LockEvent } from "./entry.js";
import { entryHashBytes } from "./entry-hash.js";
import type { StorageObserver } from "./files.js";
import { AppendLog } from "./storage.js";

export function chainLogPath(dir: string, period: string): string {
  return join(dir, `${period}.log`);
}

export class ChainLog {
  readonly frontier = new Frontier();
  last: LockEntry | undefined;
  lastHash = "";

  private constructor(
    readonly chain: string,
    readonly door: string,
    readonly period: string,
    readonly log: AppendLog<LockEntry>,
  ) {}

  /** Opens (and recovers) a chain's log, replaying its durable entries. */
  static open(
    dir: string,
    door: string,
    period: string,
    observer?: StorageObserver,
  ): { chain: ChainLog; truncatedBytes: number } {
    const id = `${door}/${period}`;
    let replayed: ChainLog | undefined;
    const pending: LockEntry[] = [];
    const { log, truncatedBytes } = AppendLog.open<LockEntry>(chainLogPath(dir, period), {
      observer,
      onRecord: (e) => pending.push(e),
    });
    replayed = new ChainLog(id, door, period, log);
    for (const e of pending) replayed.replay(e);
    return { chain: replayed, truncatedBytes };
  }

  private replay(e: LockEntry): void {
    if (e.chain !== this.chain || e.seq !== this.size || e.prev !== this.lastHash)
      throw new EntryError(`${this.log.path}: record ${this.size} does not continue chain ${this.chain}`);
    this.advance(e, entryHashBytes(e));
  }

  private advance(e: LockEntry, hash: Uint8Array): void {
    this.last = e;
    this.lastHash = toBase64(hash);
    this.frontier.append(leafHash(hash));
  }

  get size(): number {
    return this.frontier.size;
  }

  get closed(): boolean {
    return this.last?.event === "chain-closed";
  }

  /** Builds, signs and queues the next entry; `durable` resolves once it is on disk. */
  append(
    event: LockEvent,
    now: number,
    secretKey: Uint8Array,
    fields: { user?: string; detail?: Detail } = {},
  ): { entry: LockEntry; durable: Promise<void> } {
    if (this.closed) throw new EntryError(`chain ${this.chain} is closed`);
    const body: LockEntry = {
      v: 1,
      chain: this.chain,
      seq: this.size,
      prev: this.lastHash,
      door: this.door,
      time: formatTimestamp(now),
      event,
      ...(fields.user !== undefined ? { user: fields.user } : {}),
      ...(fields.detail !== undefined ? { detail: fields.detail } : {}),
    };
    const hash = entryHashBytes(body);
    const [key, sig] = signHash(toBase64(hash), { secretKey, context: ENTRY_CONTEXT, signedAt: now });
    const entry: LockEntry = { ...body, signatures: { [key]: sig } };
    const durable = this.log.append(entry);
    this.advance(entry, hash);
    return { entry, durable };
  }

  /** base64 root of the entries so far. */
  root(): string {
    return toBase64(this.frontier.root());
  }
}
