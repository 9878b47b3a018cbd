// The auditor against each tampering class, an untampered 100,000-entry log, and rotation.
import { describe, expect, it } from "vitest";
import { type AuditOptions, audit } from "../src/auditor.js";
import type { LockEntry } from "../src/entry.js";
import { makeLock, syntheticLog } from "./helpers.js";

async function history(n: number, anchorEvery = 10) {
  const lock = await makeLock({ anchorEvery });
  for (let i = 0; i < n; i++) {
    lock.clock.advance(60_000);
    await lock.agent.badge(`B${i % 7}`);
  }
  await lock.agent.decommission();
  lock.agent.stop();
  const options: AuditOptions = {
    deviceKeys: new Map([["door-17", lock.deviceKey]]),
    anchors: lock.anchors.notes(),
  };
  return { entries: lock.sent, options };
}

const summary = (v: Awaited<ReturnType<typeof audit>>) =>
  v.flatMap((c) => c.findings.map((f) => [f.kind, f.seqs] as const));

describe("auditor", () => {
  it("verifies an untampered log", async () => {
    const { entries, options } = await history(40);
    const [v] = await audit(entries, options);
    expect(v).toMatchObject({ verified: true, findings: [], lastSeq: 41, anchoredThrough: 41 });
  });

  it("names exactly the affected entries for each tampering class", async () => {
    const { entries, options } = await history(40);
    const cases: [string, (e: LockEntry[]) => LockEntry[], [string, number[]][]][] = [
      ["drop one", (e) => e.filter((x) => x.seq !== 17), [["dropped", [17]]]],
      ["drop the tail", (e) => e.filter((x) => x.seq < 38), [["dropped", [38, 39, 40, 41]]]],
      [
        "alter a field",
        (e) => e.map((x) => (x.seq === 12 ? { ...x, time: "2025-01-06T09:00:00.000Z" } : x)),
        [["altered", [12]]],
      ],
      [
        "swap two",
        (e) => {
          const c = [...e];
          [c[20], c[21]] = [c[21]!, c[20]!];
          return c;
        },
        [["reordered", [20, 21]]],
      ],
      ["replay", (e) => [...e.slice(0, 30), e[25]!, ...e.slice(30)], [["replayed", [25]]]],
      [
        "fork a sequence number",
        (e) => [...e.slice(0, 30), { ...e[25]!, event: "closed" as const }, ...e.slice(30)],
        [["forked", [25]]],
      ],
      ["delete a whole chain", () => [], [["dropped", Array.from({ length: 42 }, (_, i) => i)]]],
    ];
    for (const [name, tamper, want] of cases) {
      const v = await audit(tamper(entries), options);
      expect(v[0]!.verified, name).toBe(false);
      expect(summary(v), name).toEqual(want);
    }
  });

  it("reports an unanchored tail and a missing final anchor", async () => {
    const lock = await makeLock({ anchorEvery: 10 });
    for (let i = 0; i < 14; i++) await lock.agent.badge(`B${i}`);
    const options = { deviceKeys: new Map([["door-17", lock.deviceKey]]), anchors: lock.anchors.notes() };
    const [v] = await audit(lock.sent, options);
    expect(v!.verified).toBe(true);
    expect(summary([v!])).toEqual([["unanchored", [11, 12, 13, 14]]]);
    await lock.agent.decommission();
    const withoutFinal = lock.anchors.notes().filter((n) => !n.includes("kind final"));
    const [w] = await audit(lock.sent, { ...options, anchors: withoutFinal });
    expect(w!.findings.map((f) => f.kind)).toContain("missing-final-anchor");
  });

  it("verifies an untampered log of 100,000 entries", async () => {
    const { entries, options } = await syntheticLog(100_000, 1000);
    const [v] = await audit(entries, options);
    expect(v).toMatchObject({ verified: true, received: 100_000, findings: [] });
    // and one altered entry deep inside is found
    entries[77_777] = { ...entries[77_777]!, door: "door-18" };
    const [w] = await audit(entries, options);
    expect(summary([w!])).toEqual([["altered", [77_777]]]);
  }, 120_000);
});
