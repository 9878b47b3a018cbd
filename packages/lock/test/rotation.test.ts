// Retention: a chain rotated per period links to the previous chain's final anchor; after the
// old entries and pseudonym key are deleted, everything from the link onward still verifies.
// Also: audits with signature compaction prove the same as full audits.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LockAgent } from "../src/agent.js";
import { audit } from "../src/auditor.js";
import type { LockEntry } from "../src/entry.js";
import { makeLock, syntheticLog } from "./helpers.js";

describe("retention rotation", () => {
  it("the next chain links to the previous final anchor; deleting the old period keeps proofs valid", async () => {
    const first = await makeLock({ anchorEvery: 5 });
    for (let i = 0; i < 12; i++) await first.agent.badge(`badge-${i}`);
    const finalHash = await first.agent.decommission();
    first.agent.stop();
    const oldEntries = [...first.sent];
    const second = await makeLock(
      { period: "2025-02", previousChainAnchor: finalHash, periodKey: new Uint8Array(32).fill(10) },
      first.dir,
    );
    for (let i = 0; i < 7; i++) await second.agent.badge(`badge-${i}`);
    expect(second.sent[0]).toMatchObject({
      event: "chain-opened",
      detail: { previousChainAnchor: finalHash },
    });
    // pseudonyms differ between periods: the old key is gone, the old ones cannot be linked
    expect(second.sent[1]!.user).not.toBe(oldEntries[1]!.user);
    LockAgent.deletePeriod(first.dir, "2025-01");
    expect(existsSync(join(first.dir, "2025-01.log"))).toBe(false);
    const options = { deviceKeys: new Map([["door-17", first.deviceKey]]), anchors: second.anchors.notes() };
    // Without the retention rule the old chain looks deleted; with it, the log verifies.
    const strict = await audit(second.sent, options);
    expect(strict.find((v) => v.chain === "door-17/2025-01")?.findings[0]?.detail).toBe(
      "the whole chain is missing",
    );
    const verdicts = await audit(second.sent, { ...options, expiredChains: ["door-17/2025-01"] });
    expect(verdicts.map((v) => [v.chain, v.verified])).toEqual([["door-17/2025-02", true]]);
    // every anchor of the run is free of badge ids and pseudonyms
    const pseudonyms = [...oldEntries, ...second.sent].flatMap((e: LockEntry) => (e.user ? [e.user] : []));
    for (const note of second.anchors.notes()) {
      expect(note).not.toContain("badge-");
      for (const p of pseudonyms) expect(note).not.toContain(p);
    }
    second.agent.stop();
  });
});

describe("signature compaction", () => {
  it("proves the same as a full audit and still locates tampering", async () => {
    const { entries, options } = await syntheticLog(5000, 500);
    const [full] = await audit(entries, options);
    const [compact] = await audit(entries, { ...options, compaction: true });
    expect(compact).toEqual(full);
    const tampered = entries
      .map((e) => (e.seq === 1234 ? { ...e, user: "x" } : e))
      .filter((e) => e.seq !== 3000);
    const [v] = await audit(tampered, { ...options, compaction: true });
    expect(v!.findings.map((f) => [f.kind, f.seqs])).toEqual([
      ["altered", [1234]],
      ["dropped", [3000]],
    ]);
  });
});
