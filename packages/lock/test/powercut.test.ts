// Power cuts at every write step of a 50-entry run. The run is recorded through the storage
// observer (every write, fsync, atomic replace); for each write step the disk is rebuilt as a
// power cut would leave it — files at their last fsync, the file being written holding its
// unsynced bytes with the current write torn (nothing, one byte, half, all but one byte, all) —
// and the lock boots on it. Nothing durably written may be lost, the chain must resume from the
// last durable entry with a signed `recovered` entry, and the recovered log must audit clean
// against every anchor published before and after the cut.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { toBase64 } from "@chronoseal/core";
import { describe, expect, it } from "vitest";
import { LockAgent } from "../src/agent.js";
import type { AnchorSink } from "../src/anchors.js";
import { audit } from "../src/audit/auditor.js";
import { chainLogPath } from "../src/chain.js";
import type { LockEntry } from "../src/entry.js";
import { entryHash } from "../src/entry-hash.js";
import type { StorageObserver } from "../src/files.js";
import { scanLog } from "../src/storage.js";
import { DOOR, deviceKey, VirtualClock } from "./helpers.js";

type Step =
  | { kind: "wrote"; path: string; offset: number; bytes: Buffer }
  | { kind: "synced"; path: string }
  | { kind: "replaced"; path: string; bytes: Buffer }
  | { kind: "truncated"; path: string; size: number }
  | { kind: "removed"; path: string };

class Recorder implements StorageObserver {
  steps: Step[] = [];
  wrote(path: string, offset: number, bytes: Uint8Array) {
    this.steps.push({ kind: "wrote", path, offset, bytes: Buffer.from(bytes) });
  }
  synced(path: string) {
    this.steps.push({ kind: "synced", path });
  }
  replaced(path: string, bytes: Uint8Array) {
    this.steps.push({ kind: "replaced", path, bytes: Buffer.from(bytes) });
  }
  truncated(path: string, size: number) {
    this.steps.push({ kind: "truncated", path, size });
  }
  removed(path: string) {
    this.steps.push({ kind: "removed", path });
  }
}

class MemorySink implements AnchorSink {
  notes: string[] = [];
  publish(note: string) {
    this.notes.push(note);
  }
}

function put(buf: Buffer, offset: number, bytes: Buffer): Buffer {
  const out = Buffer.alloc(Math.max(buf.length, offset + bytes.length));
  buf.copy(out);
  bytes.copy(out, offset);
  return out;
}

/** The disk after a power cut during step `at` (a write), the write torn after `keep` bytes. */
function diskAt(steps: Step[], at: number, keep: number): Map<string, Buffer> {
  const synced = new Map<string, Buffer>();
  const current = new Map<string, Buffer>();
  for (let i = 0; i < at; i++) {
    const s = steps[i]!;
    if (s.kind === "wrote")
      current.set(s.path, put(current.get(s.path) ?? Buffer.alloc(0), s.offset, s.bytes));
    else if (s.kind === "synced") synced.set(s.path, Buffer.from(current.get(s.path) ?? Buffer.alloc(0)));
    else if (s.kind === "replaced") {
      synced.set(s.path, s.bytes);
      current.set(s.path, s.bytes);
    } else if (s.kind === "truncated") {
      const b = (current.get(s.path) ?? Buffer.alloc(0)).subarray(0, s.size);
      synced.set(s.path, Buffer.from(b));
      current.set(s.path, Buffer.from(b));
    } else {
      synced.delete(s.path);
      current.delete(s.path);
    }
  }
  const w = steps[at] as Extract<Step, { kind: "wrote" }>;
  const disk = new Map(synced);
  // The file being written keeps its unsynced bytes and part of this write.
  disk.set(w.path, put(current.get(w.path) ?? Buffer.alloc(0), w.offset, w.bytes.subarray(0, keep)));
  return disk;
}

describe("power cut at every write step of a 50-entry run", () => {
  // 300 s, not the default 30 s: cuts the power at every write step (more than 50), up to five
  // ways each, and restarts a fresh agent on the reconstructed files each time (fsyncs, an audit).
  it("loses no durable entry, resumes the chain, records the gap, and audits clean", async () => {
    const keyPair = await deviceKey();
    const dir = mkdtempSync(join(tmpdir(), "powercut-"));
    const clock = new VirtualClock();
    const sink = new MemorySink();
    const recorder = new Recorder();
    const options = {
      dir,
      door: DOOR,
      period: "2025-01",
      keyPair,
      periodKey: new Uint8Array(32).fill(3),
      driver: clock,
      anchors: sink,
      anchorEvery: 8,
      storageObserver: recorder,
    };
    const agent = await LockAgent.start(options);
    for (let i = 0; i < 24; i++) {
      clock.advance(30_000);
      await agent.badge(`card-${i}`);
      await agent.door(true);
      clock.advance(i % 7 === 0 ? 61_000 : 3_000);
      await agent.tick();
      await agent.door(false);
    }
    expect(agent.entries).toBeGreaterThanOrEqual(50);
    const all = scanAll(chainLogPath(dir, "2025-01"));
    const published = [...sink.notes];
    const log = chainLogPath(dir, "2025-01");
    const writes = recorder.steps.flatMap((s, i) => (s.kind === "wrote" ? [i] : []));
    expect(writes.length).toBeGreaterThan(50);
    let restarts = 0;
    for (const at of writes) {
      const w = recorder.steps[at] as Extract<Step, { kind: "wrote" }>;
      const cuts = [...new Set([0, 1, w.bytes.length >> 1, w.bytes.length - 1, w.bytes.length])];
      for (const keep of cuts) {
        const disk = diskAt(recorder.steps, at, keep);
        const d = mkdtempSync(join(tmpdir(), "cut-"));
        for (const [p, bytes] of disk) {
          const target = join(d, relative(dir, p));
          mkdirSync(dirname(target), { recursive: true });
          writeFileSync(target, bytes);
        }
        const durable = scanAll(
          join(d, relative(dir, log)),
          disk.get(log)?.length ?? 0,
          syncedLength(recorder.steps, at, log),
        );
        const after = new MemorySink();
        const got: LockEntry[] = [];
        const again = await LockAgent.start({
          ...options,
          dir: d,
          anchors: after,
          storageObserver: undefined,
          onEntry: (e) => got.push(e),
        });
        restarts++;
        const kept = scanAll(chainLogPath(d, "2025-01"));
        // every durably written entry is still there, unchanged
        expect(kept.slice(0, durable.length)).toEqual(durable);
        expect(durable).toEqual(all.slice(0, durable.length));
        // the chain resumes from the last entry on disk with a signed recovered entry
        const last = kept.at(-1)!;
        if (durable.length > 0) {
          expect(last.event).toBe("recovered");
          const before = kept.at(-2)!;
          expect(last).toMatchObject({
            seq: before.seq + 1,
            prev: entryHash(before),
            detail: { lastSeq: before.seq },
          });
        }
        await again.stop();
        const [v] = await audit(kept, {
          deviceKeys: new Map([[DOOR, toBase64(keyPair.publicKey)]]),
          anchors: [...published.filter((n) => sinkHad(sink, n, at, recorder)), ...after.notes],
        });
        expect(v!.findings.filter((f) => f.kind !== "unanchored")).toEqual([]);
      }
    }
    expect(restarts).toBeGreaterThan(250);
  }, 300_000);
});

function scanAll(path: string, _size?: number, limit?: number): LockEntry[] {
  const out: LockEntry[] = [];
  scanLog<LockEntry>(path, (e, end) => {
    if (limit === undefined || end <= limit) out.push(e);
  });
  return out;
}

/** Bytes of `path` covered by an fsync before step `at`. */
function syncedLength(steps: Step[], at: number, path: string): number {
  let cur = 0;
  let synced = 0;
  for (let i = 0; i < at; i++) {
    const s = steps[i]!;
    if (s.path !== path) continue;
    if (s.kind === "wrote") cur = Math.max(cur, s.offset + s.bytes.length);
    else if (s.kind === "synced") synced = cur;
    else if (s.kind === "truncated") cur = synced = s.size;
  }
  return synced;
}

/**
 * Anchors reach the sink only after they are written locally, so a note published before the cut
 * is one whose anchors.log record was synced before step `at`.
 */
function sinkHad(_sink: MemorySink, note: string, at: number, rec: Recorder): boolean {
  const anchorsLog = rec.steps.find((s) => s.path.endsWith("anchors.log"))?.path;
  if (!anchorsLog) return false;
  const limit = syncedLength(rec.steps, at, anchorsLog);
  let found = false;
  scanLog<{ note: string }>(anchorsLog, (r, end) => {
    if (r.note === note && end <= limit) found = true;
  });
  return found;
}
