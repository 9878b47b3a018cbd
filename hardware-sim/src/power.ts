// Power cuts on real files. A PowerObserver watches every write step of one lock's storage
// (through the agent's StorageObserver hook) and knows, per file, how many bytes an fsync covers.
// Armed, it cuts the power at the next chain-log write: from that write on, no fsync counts.
// The agent in this process does not die with the power, so it finishes the step it is in; once
// it has stopped, `settle()` truncates each file to what a power cut at that write would have
// left — its last fsync before the cut — and the torn file keeps part of the interrupted record.
// Whatever the agent did after the cut point is thereby undone on disk; a PowerGate in front of
// the anchor sink refuses publication from the cut on (a dead device publishes nothing), and the
// runner ignores entries the agent reports after it.
import { truncateSync } from "node:fs";
import type { AnchorSink, StorageObserver } from "@chronoseal/lock";

interface FileState {
  synced: number;
  end: number;
}

export interface TornWrite {
  path: string;
  offset: number;
  bytes: Buffer;
}

const isChainLog = (path: string): boolean => path.endsWith(".log") && !path.endsWith("anchors.log");

export class PowerObserver implements StorageObserver {
  private readonly files = new Map<string, FileState>();
  private armed = false;
  /** True once the power is off. */
  dead = false;
  /** The interrupted write (torn cuts). */
  torn: TornWrite | undefined;

  /** The next chain-log write is interrupted by a power cut. */
  arm(): void {
    this.armed = true;
  }

  /** Cuts the power now (between writes). */
  cut(): void {
    this.dead = true;
  }

  private state(path: string, offset: number): FileState {
    let f = this.files.get(path);
    if (!f) {
      f = { synced: offset, end: offset };
      this.files.set(path, f);
    }
    return f;
  }

  wrote(path: string, offset: number, bytes: Uint8Array): void {
    const f = this.state(path, offset);
    f.end = Math.max(f.end, offset + bytes.length);
    if (this.armed && !this.dead && isChainLog(path)) {
      // The power fails during this write: the bytes may or may not reach the disk, and the fsync
      // that follows never happens. The agent carries on until it is stopped; settle() undoes
      // everything it wrote from here on.
      this.armed = false;
      this.dead = true;
      this.torn = { path, offset, bytes: Buffer.from(bytes) };
    }
  }

  synced(path: string): void {
    if (this.dead) return;
    const f = this.files.get(path);
    if (f) f.synced = f.end;
  }

  replaced(): void {}

  truncated(path: string, size: number): void {
    this.files.set(path, { synced: size, end: size });
  }

  removed(path: string): void {
    if (!this.dead) this.files.delete(path);
  }

  /**
   * The disk as the power cut leaves it: every file at its last fsync; the torn file keeps
   * `keep` bytes of the interrupted write. Call after the agent has stopped.
   */
  settle(keep = 0): void {
    for (const [path, f] of this.files) {
      let size = f.synced;
      if (this.torn && this.torn.path === path)
        size = Math.max(size, this.torn.offset + Math.min(keep, this.torn.bytes.length));
      if (f.end > size) truncateSync(path, size);
    }
  }
}

/** Forwards publications to the real sink only while the lock has power. */
export class PowerGate implements AnchorSink {
  private on = true;
  constructor(
    private readonly sink: AnchorSink,
    private observer?: PowerObserver,
  ) {}

  /** Power on (with the storage observer of the new boot) or off. */
  power(on: boolean, observer?: PowerObserver): void {
    this.on = on;
    if (observer) this.observer = observer;
  }

  get powered(): boolean {
    return this.on && !this.observer?.dead;
  }

  publish(note: string): void | Promise<void> {
    if (!this.powered) throw new Error("power is off");
    return this.sink.publish(note);
  }

  register(door: string, publicKey: string): void | Promise<void> {
    if (!this.powered) throw new Error("power is off");
    return this.sink.register?.(door, publicKey);
  }
}
