// fsync with an optional observer: the durable-write helpers of the mesh (journal, snapshots),
// the lock (device log, atomic files, anchors file) and the witness call these instead of
// node:fs's fsync, so a daemon can export fsync latency (a Prometheus histogram) without the
// storage code knowing about metrics. Listeners are process-wide (fsync latency is a property
// of the process's disks); with none registered the cost is one length check.
import { fsync, fsyncSync } from "node:fs";

/** Told after every observed fsync: how long it took (seconds) and which kind of file it was. */
export type FsyncListener = (seconds: number, file: string) => void;

const listeners = new Set<FsyncListener>();

/** Registers a listener; returns the function that removes it. */
export function onFsync(listener: FsyncListener): () => void {
  if (typeof listener !== "function") throw new TypeError("listener: expected a function");
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

function report(start: bigint, file: string): void {
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  for (const l of listeners) {
    try {
      l(seconds, file);
    } catch {
      // an observer never breaks a durable write
    }
  }
}

/** fsyncSync(fd), timed for the listeners under the label `file` (e.g. "mesh-journal"). */
export function observedFsyncSync(fd: number, file: string): void {
  if (listeners.size === 0) {
    fsyncSync(fd);
    return;
  }
  const start = process.hrtime.bigint();
  fsyncSync(fd);
  report(start, file);
}

/** fsync(fd) as a promise, timed for the listeners under the label `file`. */
export function observedFsync(fd: number, file: string): Promise<void> {
  const start = listeners.size === 0 ? undefined : process.hrtime.bigint();
  return new Promise<void>((resolve, reject) =>
    fsync(fd, (err) => {
      if (err) return reject(err);
      if (start !== undefined) report(start, file);
      resolve();
    }),
  );
}
