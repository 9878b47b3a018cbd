// Retention: chains rotate per period, each new chain's genesis links the previous chain's final
// anchor; chains past retention are deleted with their pseudonym keys, under a signed `expired`
// anchor; the remaining log verifies from the link onward. Signature compaction proves the same.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { audit } from "../src/audit/auditor.js";
import { anchorBoundaries, compactSignatures } from "../src/compact.js";
import type { LockEntry } from "../src/entry.js";
import { everyMs } from "../src/periods.js";
import { makeLock, summary, syntheticLog } from "./helpers.js";

const DAY = 86_400_000;

describe("retention rotation", () => {
  it("rotates per period, links chains, deletes expired entries and keys, and still verifies from the link on", async () => {
    const expiredNotes: string[] = [];
    const lock = await makeLock({
      period: undefined,
      periods: everyMs(DAY),
      retainPeriods: 2,
      anchorEvery: 5,
      onExpired: (_chain, note) => expiredNotes.push(note),
    });
    const { agent, badge, clock, sent, dir } = lock;
    const firstChain = agent.chain;
    const pseudonyms = new Map<string, string>();
    for (let day = 0; day < 4; day++) {
      for (let i = 0; i < 6; i++) {
        clock.advance(60_000);
        const r = await badge("same-person");
        pseudonyms.set(r.entry!.chain, r.entry!.user!);
      }
      clock.set(everyMs(DAY).next(clock.now()) + 1_000);
      await agent.tick(); // the period ended: rotate
    }
    const chains = agent.chains();
    expect(chains.map((c) => c.status)).toEqual(["expired", "expired", "expired", "closed", "open"]);
    // each chain after the first starts with chain-opened linking the previous final anchor
    const opened = sent.filter((e) => e.event === "chain-opened");
    expect(opened).toHaveLength(5);
    opened.slice(1).forEach((e, i) => {
      expect(e.detail).toEqual({ previousChainAnchor: chains[i]!.final });
    });
    const closedEntries = sent.filter((e) => e.event === "chain-closed");
    expect(closedEntries.map((e) => e.detail)).toEqual(
      opened.slice(1).map((e) => ({ nextPeriod: e.chain.split("/")[1] })),
    );
    // one pseudonym per period for the same badge: unlinkable across periods
    expect(new Set(pseudonyms.values()).size).toBe(4);
    // expired periods: log files and keys are gone
    const files = readdirSync(dir);
    for (const c of chains.filter((x) => x.status === "expired")) {
      expect(files).not.toContain(`${c.period}.log`);
      expect(existsSync(join(dir, "keys", `${c.period}.key`))).toBe(false);
    }
    expect(existsSync(join(dir, "keys", `${chains[3]!.period}.key`))).toBe(true);
    expect(expiredNotes).toHaveLength(3);
    // The collector deletes the expired chains too; what remains verifies from the link onward.
    const live = new Set(chains.filter((c) => c.status !== "expired").map((c) => `door-17/${c.period}`));
    const remaining = sent.filter((e) => live.has(e.chain));
    const verdicts = await audit(remaining, lock.audit());
    expect(verdicts.map((v) => [v.chain.split("/")[1], v.verified, v.expired])).toEqual(
      chains.map((c) => [c.period, true, c.status === "expired"]),
    );
    expect(summary(verdicts)).toEqual([]); // the open chain was just opened and anchored
    // Deleting a chain that has not expired is caught.
    const early = sent.filter((e) => e.chain !== `door-17/${chains[3]!.period}` && live.has(e.chain));
    const caught = await audit(early, lock.audit());
    expect(caught.find((v) => v.chain.endsWith(chains[3]!.period))!.findings[0]).toMatchObject({
      kind: "dropped",
      detail: "the whole chain is missing",
    });
    expect(firstChain).toBe(`door-17/${chains[0]!.period}`);
    await agent.stop();
  });

  it("a restart after the period ended rotates on boot; a pinned period rotates when the configuration changes", async () => {
    const lock = await makeLock();
    await lock.badge("x");
    await lock.agent.stop();
    const again = await makeLock({ period: "2025-02" }, lock.dir, lock.clock);
    expect(again.sent.map((e) => [e.chain, e.event])).toEqual([
      ["door-17/2025-01", "chain-closed"],
      ["door-17/2025-02", "chain-opened"],
    ]);
    expect(again.agent.chains().map((c) => [c.period, c.status])).toEqual([
      ["2025-01", "closed"],
      ["2025-02", "open"],
    ]);
    await expect(again.agent.rotate("2025-01")).rejects.toThrow(/already used/);
    await again.agent.stop();
  });
});

describe("signature compaction", () => {
  it("proves the same as a full audit, on a compacted archive too, and still locates tampering", async () => {
    const { entries, options } = await syntheticLog(3000, 250);
    const [full] = await audit(entries, options);
    const [compact] = await audit(entries, { ...options, compaction: true });
    expect(compact).toEqual(full);
    const boundaries = anchorBoundaries(
      options.anchors.map((n) => ({
        chain: "door-17/2025-01",
        lastSeq: Number(/last-seq (\d+)/.exec(n)![1]),
      })),
    );
    const archive: LockEntry[] = [];
    for await (const e of compactSignatures(entries, boundaries)) archive.push(e);
    expect(archive.filter((e) => e.signatures).length).toBe(boundaries.get("door-17/2025-01")!.size);
    const [fromArchive] = await audit(archive, { ...options, compaction: true });
    expect(fromArchive!.verified).toBe(true);
    const [strict] = await audit(archive, options);
    expect(strict!.verified).toBe(false); // without compaction every signature is required
    const tampered = entries
      .map((e) => (e.seq === 1234 ? { ...e, user: e.prev } : e))
      .filter((e) => e.seq !== 2000);
    const [v] = await audit(tampered, { ...options, compaction: true });
    expect(summary([v!])).toEqual([
      ["dropped", [2000]],
      ["altered", [1234]],
    ]);
    // a compacted archive still names the entry whose link breaks
    // (the entries before it in its anchor segment carry no signature and now link to nothing proven)
    const t2 = archive.map((e) => (e.seq === 1234 ? { ...e, user: e.prev } : e));
    expect(summary(await audit(t2, { ...options, compaction: true }))).toEqual([
      ["altered", [1234]],
      ["unproven", Array.from({ length: 234 }, (_, i) => 1000 + i)],
    ]);
  });

  it("LockAgent exposes its chains", async () => {
    const lock = await makeLock();
    expect(lock.agent.chains()).toEqual([{ period: "2025-01", status: "open" }]);
    await lock.agent.stop();
  });
});
