// Durable device storage: an append-only file of records, each [u32 length][4-byte checksum]
// [payload], fsynced before an entry counts as written. On open, records are read until the
// first torn or corrupt one; that tail is truncated (it was never durably written), and the
// caller learns how many bytes were cut so it can record the gap in a signed `recovered` entry.
import { closeSync, fsyncSync, ftruncateSync, openSync, readSync, statSync, writeSync } from "node:fs";
import { sha256 } from "@chronoseal/core";

const HEADER = 8;

function checksum(payload: Uint8Array): Uint8Array {
  return sha256(payload).subarray(0, 4);
}

export interface OpenResult<T> {
  records: T[];
  /** Bytes removed from a torn or corrupt tail (0 when the file was clean). */
  truncatedBytes: number;
}

export class AppendLog<T> {
  private fd: number;
  private size: number;

  private constructor(
    readonly path: string,
    fd: number,
    size: number,
  ) {
    this.fd = fd;
    this.size = size;
  }

  /** Opens (creating if needed) and recovers the log; returns the durable records. */
  static open<T>(path: string): { log: AppendLog<T> } & OpenResult<T> {
    const fd = openSync(path, "a+");
    const total = statSync(path).size;
    const records: T[] = [];
    let pos = 0;
    const head = Buffer.alloc(HEADER);
    while (pos + HEADER <= total) {
      readSync(fd, head, 0, HEADER, pos);
      const len = head.readUInt32BE(0);
      if (len === 0 || pos + HEADER + len > total) break;
      const payload = Buffer.alloc(len);
      readSync(fd, payload, 0, len, pos + HEADER);
      if (!checksum(payload).every((b, i) => b === head[4 + i])) break;
      try {
        records.push(JSON.parse(payload.toString("utf8")) as T);
      } catch {
        break;
      }
      pos += HEADER + len;
    }
    if (pos < total) {
      ftruncateSync(fd, pos);
      fsyncSync(fd);
    }
    return { log: new AppendLog<T>(path, fd, pos), records, truncatedBytes: total - pos };
  }

  /** Appends records and fsyncs; they count as written only when this returns. */
  append(...items: T[]): void {
    const parts: Buffer[] = [];
    for (const item of items) {
      const payload = Buffer.from(JSON.stringify(item), "utf8");
      const head = Buffer.alloc(HEADER);
      head.writeUInt32BE(payload.length, 0);
      Buffer.from(checksum(payload)).copy(head, 4);
      parts.push(head, payload);
    }
    const buf = Buffer.concat(parts);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off, this.size + off);
    fsyncSync(this.fd);
    this.size += buf.length;
  }

  get bytes(): number {
    return this.size;
  }

  close(): void {
    closeSync(this.fd);
  }
}
