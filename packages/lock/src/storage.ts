// Durable device storage: an append-only file of records, each
//   [u32 big-endian payload length][first 4 bytes of SHA-256(payload)][payload: UTF-8 JSON]
// A record counts as written only once an fsync covering it has completed: append() resolves
// then. Appends made while an fsync is running are written and synced together (group commit),
// so a burst costs one fsync, not one per record, and still nothing is acknowledged early.
// On open, records are read up to the first torn or corrupt one; the tail from there was never
// durably written (or is damaged), so it is cut off — after being copied aside to
// `<file>.torn@<offset>` for forensics — and the caller learns how many bytes were cut.
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  write,
  writeFileSync,
} from "node:fs";
import { sha256 } from "@chronoseal/core";
import { observedFsync } from "@chronoseal/core/fsync";
import type { StorageObserver } from "./files.js";

const HEADER = 8;
/** Records larger than this are treated as corruption. */
const MAX_RECORD = 1 << 20;

function checksum(payload: Uint8Array): Uint8Array {
  return sha256(payload).subarray(0, 4);
}

/** Encodes one record (header + payload). */
export function encodeRecord(item: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify(item), "utf8");
  if (payload.length > MAX_RECORD)
    throw new RangeError(`record: ${payload.length} bytes exceeds ${MAX_RECORD}`);
  const out = Buffer.alloc(HEADER + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.set(checksum(payload), 4);
  out.set(payload, HEADER);
  return out;
}

export interface ScanResult {
  /** Byte length of the valid prefix (where the next record goes). */
  validBytes: number;
  /** File size when scanned. */
  totalBytes: number;
  records: number;
}

/**
 * Reads the valid records of a log file in order (chunked reads), calling `visit` for each with
 * its payload and end offset; stops at the first torn or corrupt record. Read-only.
 */
export function scanLog<T>(
  path: string,
  visit: (record: T, end: number) => void,
  from = 0,
  fd?: number,
): ScanResult {
  if (fd === undefined && !existsSync(path)) return { validBytes: 0, totalBytes: 0, records: 0 };
  const own = fd === undefined;
  const handle = fd ?? openSync(path, "r");
  try {
    const total = fstatSync(handle).size;
    let pos = from;
    let records = 0;
    let buf = Buffer.alloc(1 << 20);
    let bufStart = pos;
    let bufLen = 0;
    const ensure = (at: number, n: number): boolean => {
      if (at + n > total) return false;
      if (at >= bufStart && at + n <= bufStart + bufLen) return true;
      if (n > buf.length) buf = Buffer.alloc(n);
      bufStart = at;
      bufLen = readSync(handle, buf, 0, Math.min(buf.length, total - at), at);
      return bufLen >= n;
    };
    while (ensure(pos, HEADER)) {
      const len = buf.readUInt32BE(pos - bufStart);
      if (len === 0 || len > MAX_RECORD || !ensure(pos, HEADER + len)) break;
      const off = pos - bufStart;
      const payload = buf.subarray(off + HEADER, off + HEADER + len);
      const sum = checksum(payload);
      if (
        sum[0] !== buf[off + 4] ||
        sum[1] !== buf[off + 5] ||
        sum[2] !== buf[off + 6] ||
        sum[3] !== buf[off + 7]
      )
        break;
      let record: T;
      try {
        record = JSON.parse(payload.toString("utf8")) as T;
      } catch {
        break;
      }
      pos += HEADER + len;
      records++;
      visit(record, pos);
    }
    return { validBytes: pos, totalBytes: total, records };
  } finally {
    if (own) closeSync(handle);
  }
}

export interface OpenOptions<T> {
  /** Called for each durable record found on open, in order. */
  onRecord?: (record: T, end: number) => void;
  observer?: StorageObserver | undefined;
}

export interface Opened<T> {
  log: AppendLog<T>;
  records: number;
  /** Bytes removed from a torn or corrupt tail (0 when the file was clean). */
  truncatedBytes: number;
}

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
}

export class AppendLog<T> {
  private size: number;
  private queued: Buffer[] = [];
  private waiters: Waiter[] = [];
  private running = false;
  private failure: Error | undefined;
  private closed = false;
  private idle: (() => void)[] = [];

  private constructor(
    readonly path: string,
    private readonly fd: number,
    size: number,
    private readonly observer: StorageObserver | undefined,
  ) {
    this.size = size;
  }

  /** Opens (creating if needed) and recovers the log. */
  static open<T>(path: string, o: OpenOptions<T> = {}): Opened<T> {
    const fd = openSync(path, existsSync(path) ? "r+" : "w+");
    try {
      const scan = scanLog<T>(path, o.onRecord ?? (() => {}), 0, fd);
      const cut = scan.totalBytes - scan.validBytes;
      if (cut > 0) {
        const tail = Buffer.alloc(cut);
        readSync(fd, tail, 0, cut, scan.validBytes);
        writeFileSync(`${path}.torn@${scan.validBytes}`, tail);
        ftruncateSync(fd, scan.validBytes);
        fsyncSync(fd);
        o.observer?.truncated(path, scan.validBytes);
      }
      return {
        log: new AppendLog<T>(path, fd, scan.validBytes, o.observer),
        records: scan.records,
        truncatedBytes: cut,
      };
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /** True while appends are being written or synced. */
  get busy(): boolean {
    return this.running;
  }

  /** Durable size in bytes. */
  get bytes(): number {
    return this.size;
  }

  /** Appends records; resolves once an fsync covering them has completed. */
  append(...items: T[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.path}: log is closed`));
    if (this.failure) return Promise.reject(this.failure);
    for (const item of items) this.queued.push(encodeRecord(item));
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (!this.running) {
        this.running = true;
        queueMicrotask(() => void this.drain());
      }
    });
  }

  /** Resolves when everything appended so far is durable. */
  durable(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async drain(): Promise<void> {
    while (this.queued.length > 0) {
      const buf = Buffer.concat(this.queued.splice(0));
      const waiters = this.waiters.splice(0);
      try {
        let off = 0;
        while (off < buf.length) {
          const at = this.size + off;
          const n = await new Promise<number>((res, rej) =>
            write(this.fd, buf, off, buf.length - off, at, (err, written) => (err ? rej(err) : res(written))),
          );
          this.observer?.wrote(this.path, at, buf.subarray(off, off + n));
          off += n;
        }
        await observedFsync(this.fd, "lock-log");
        this.size += buf.length;
        this.observer?.synced(this.path);
        for (const w of waiters) w.resolve();
      } catch (e) {
        // The file may hold a partial write past `size`; nothing more is appended until a restart
        // recovers it.
        this.failure = e instanceof Error ? e : new Error(String(e));
        for (const w of [...waiters, ...this.waiters.splice(0)]) w.reject(this.failure);
        this.queued = [];
      }
    }
    this.running = false;
    for (const r of this.idle.splice(0)) r();
  }

  /** Waits for pending appends, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.running) await this.durable().catch(() => {});
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}
