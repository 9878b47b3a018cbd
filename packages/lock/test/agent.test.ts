import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LockAgent } from "../src/agent.js";
import type { LockEntry } from "../src/entry.js";
import { AppendLog } from "../src/storage.js";
import { makeLock } from "./helpers.js";

describe("lock agent event rules", () => {
  it("badge → opened; 60 s open → held-open once; close → closed; pseudonyms, never badge ids", async () => {
    const { agent, clock, sent } = await makeLock();
    expect(sent.map((e) => e.event)).toEqual(["chain-opened"]);
    await agent.badge("BADGE-0042");
    await agent.door(true);
    clock.advance(59_000);
    await agent.tick();
    expect(sent.at(-1)!.event).toBe("opened");
    clock.advance(1_000);
    await agent.tick();
    clock.advance(30_000);
    await agent.tick();
    await agent.door(false);
    expect(sent.map((e) => e.event)).toEqual(["chain-opened", "opened", "held-open", "closed"]);
    const opened = sent[1]!;
    expect(opened.user).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(JSON.stringify(sent)).not.toContain("BADGE-0042");
    // a door opened without a badge (and closed quickly) is still recorded when it closes
    await agent.door(true);
    clock.advance(5_000);
    await agent.door(false);
    expect(sent.at(-1)!.event).toBe("closed");
    // chain links and sequence numbers
    expect(sent.map((e) => e.seq)).toEqual(sent.map((_, i) => i));
    agent.stop();
  });

  it("anchors every N entries, heartbeats when idle, final at decommissioning; no personal data in anchors", async () => {
    const { agent, clock, anchors } = await makeLock({ anchorEvery: 5, anchorInterval: 3_600_000 });
    for (let i = 0; i < 12; i++) {
      await agent.badge(`BADGE-${i}`);
      await agent.door(false);
    }
    clock.advance(3_600_000);
    await agent.tick();
    clock.advance(3_600_000);
    await agent.tick();
    await agent.decommission();
    const notes = anchors.notes();
    const kinds = notes.map((n) => /kind (\w+)/.exec(n)![1]);
    expect(kinds[0]).toBe("genesis");
    expect(kinds.filter((k) => k === "intermediate").length).toBeGreaterThanOrEqual(4);
    expect(kinds).toContain("heartbeat");
    expect(kinds.at(-1)).toBe("final");
    for (const n of notes) {
      expect(n).not.toMatch(/BADGE/);
      expect(n).not.toContain('"user"');
    }
    agent.stop();
  });
});

describe("durable device storage", () => {
  it("a torn last record at every byte offset loses no durable entry, resumes the chain and records the gap", async () => {
    const { agent, dir } = await makeLock({ anchorEvery: 1000 });
    for (let i = 0; i < 49; i++) await agent.badge(`B${i}`);
    agent.stop();
    const file = join(dir, "2025-01.log");
    const durable = AppendLog.open<LockEntry>(file);
    durable.log.close();
    expect(durable.records.length).toBe(50);
    const full = readFileSync(file);
    const lastStart = full.length - (8 + Buffer.byteLength(JSON.stringify(durable.records[49])));
    for (let cut = lastStart; cut < full.length; cut++) {
      const d = mkdtempSync(join(tmpdir(), "torn-"));
      copyFileSync(join(dir, "anchors.ndjson"), join(d, "anchors.ndjson"));
      writeFileSync(join(d, "2025-01.log"), full.subarray(0, cut));
      writeFileSync(join(d, "2025-01.running"), "");
      const { agent: again, sent } = await makeLock({ anchorEvery: 1000 }, d);
      // the first 49 entries were durable; the torn 50th is gone and a recovered entry follows
      expect(again.lastEntry!.seq).toBe(49);
      expect(sent.map((e) => e.event)).toEqual(["recovered"]);
      expect(sent[0]!.detail).toMatchObject({ truncatedBytes: cut - lastStart, lastDurableSeq: 48 });
      expect(sent[0]!.prev).not.toBe("");
      again.stop();
      expect(existsSync(join(d, "2025-01.running"))).toBe(false);
    }
    // a clean stop and restart records nothing
    const { agent: clean, sent } = await makeLock({ anchorEvery: 1000 }, dir);
    expect(sent).toEqual([]);
    expect(clean.lastEntry!.seq).toBe(49);
    clean.stop();
    expect(statSync(file).size).toBe(full.length);
    truncateSync(file, full.length);
  });

  it("a kill without a clean stop records a recovered entry", async () => {
    const { agent, dir } = await makeLock();
    await agent.badge("x");
    // no stop(): simulate the process dying
    const { sent } = await makeLock({}, dir);
    expect(sent.map((e) => e.event)).toEqual(["recovered"]);
    expect(LockAgent).toBeDefined();
  });
});
