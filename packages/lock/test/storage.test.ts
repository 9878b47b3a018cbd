// The append-only device log: records with checksums, group commit, and recovery from a torn or
// corrupt tail (cut at every byte of the last record).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { StorageObserver } from "../src/files.js";
import { AppendLog, encodeRecord, scanLog } from "../src/storage.js";

const tmp = () => join(mkdtempSync(join(tmpdir(), "log-")), "test.log");

function counting(): StorageObserver & { syncs: number; writes: number } {
  return {
    syncs: 0,
    writes: 0,
    wrote() {
      this.writes++;
    },
    synced() {
      this.syncs++;
    },
    replaced() {},
    truncated() {},
    removed() {},
  };
}

describe("AppendLog", () => {
  it("appends records durably and reads them back in order", async () => {
    const path = tmp();
    const { log } = AppendLog.open<{ n: number }>(path);
    for (let n = 0; n < 5; n++) await log.append({ n });
    await log.close();
    const seen: number[] = [];
    const r = AppendLog.open<{ n: number }>(path, { onRecord: (x) => seen.push(x.n) });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(r.truncatedBytes).toBe(0);
    await r.log.close();
  });

  it("group commit: appends made together share one fsync, and each resolves only after it", async () => {
    const obs = counting();
    const { log } = AppendLog.open<{ n: number }>(tmp(), { observer: obs });
    const order: string[] = [];
    const all = Array.from({ length: 50 }, (_, n) =>
      log.append({ n }).then(() => order.push(`done ${n} after ${obs.syncs} syncs`)),
    );
    await Promise.all(all);
    expect(obs.syncs).toBe(1);
    expect(order.every((o) => o.endsWith("after 1 syncs"))).toBe(true);
    await log.close();
  });

  it("a torn last record, cut at every byte, is removed and kept aside; earlier records survive", async () => {
    const path = tmp();
    const { log } = AppendLog.open<{ n: number; pad: string }>(path);
    for (let n = 0; n < 3; n++) await log.append({ n, pad: "x".repeat(20) });
    await log.close();
    const full = readFileSync(path);
    const last = encodeRecord({ n: 2, pad: "x".repeat(20) }).length;
    for (let cut = full.length - last; cut < full.length; cut++) {
      writeFileSync(path, full.subarray(0, cut));
      const seen: number[] = [];
      const r = AppendLog.open<{ n: number }>(path, { onRecord: (x) => seen.push(x.n) });
      expect(seen).toEqual([0, 1]);
      expect(r.truncatedBytes).toBe(cut - (full.length - last));
      expect(r.log.bytes).toBe(full.length - last);
      if (r.truncatedBytes > 0) expect(existsSync(`${path}.torn@${full.length - last}`)).toBe(true);
      await r.log.close();
    }
  });

  it("a record with a bad checksum ends the valid prefix", async () => {
    const path = tmp();
    const { log } = AppendLog.open<{ n: number }>(path);
    for (let n = 0; n < 3; n++) await log.append({ n });
    await log.close();
    const bytes = readFileSync(path);
    const second = encodeRecord({ n: 0 }).length;
    bytes[second + 9]! ^= 1; // a payload byte of record 1
    writeFileSync(path, bytes);
    const seen: number[] = [];
    const scan = scanLog<{ n: number }>(path, (x) => seen.push(x.n));
    expect(seen).toEqual([0]);
    expect(scan.validBytes).toBe(second);
  });

  it("refuses appends after close", async () => {
    const { log } = AppendLog.open(tmp());
    await log.close();
    await expect(log.append({})).rejects.toThrow(/closed/);
  });
});
