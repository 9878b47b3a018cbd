// Small durable-file helpers: atomic replacement (temp file, fsync, rename, directory fsync),
// with an optional observer that the power-cut tests and the hardware simulator use to see
// every write step.
import { closeSync, openSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { observedFsyncSync } from "@chronoseal/core/fsync";

/** Sees every write step of device storage (for power-cut simulation). */
export interface StorageObserver {
  /** `bytes` were written at `offset` of `path` (not yet durable). */
  wrote(path: string, offset: number, bytes: Uint8Array): void;
  /** Everything written to `path` so far is durable. */
  synced(path: string): void;
  /** `path` was atomically replaced by `bytes` (durable). */
  replaced(path: string, bytes: Uint8Array): void;
  /** `path` was truncated to `size` (durable). */
  truncated(path: string, size: number): void;
  /** `path` was deleted. */
  removed(path: string): void;
}

export interface AtomicWriteOptions {
  mode?: number;
  observer?: StorageObserver | undefined;
}

/** Replaces `path` with `data` atomically and durably. */
export function atomicWrite(path: string, data: string | Uint8Array, o: AtomicWriteOptions = {}): void {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w", o.mode ?? 0o644);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    observedFsyncSync(fd, "lock-file");
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  syncDir(dirname(path));
  o.observer?.replaced(path, bytes);
}

/** fsyncs a directory (so a rename or a new file survives a power cut). */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    observedFsyncSync(fd, "lock-file");
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
