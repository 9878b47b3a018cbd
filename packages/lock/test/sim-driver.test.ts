// The built-in simulated driver, scripted and random, in virtual time; both run the driver
// compliance suite (@chronoseal/lock/testing).
import { describe, expect, it } from "vitest";
import { audit } from "../src/audit/auditor.js";
import type { LockEntry } from "../src/entry.js";
import { runVirtual, SimulatedDriver } from "../src/sim-driver.js";
import { runDriverSuite } from "../src/testing/index.js";
import { makeLock, VirtualClock } from "./helpers.js";

runDriverSuite("SimulatedDriver (random)", () => {
  const clock = new VirtualClock();
  const subject = new SimulatedDriver({ now: clock.now, seed: 3, badgeEveryMs: 1000, holdOpenMs: 500 });
  return {
    subject,
    async produce() {
      for (let i = 0; i < 20; i++) {
        clock.advance(1000);
        await subject.step();
      }
    },
    async teardown() {},
  };
});

runDriverSuite("SimulatedDriver (scripted)", () => {
  const clock = new VirtualClock();
  let t = clock.now();
  const script = Array.from({ length: 4 }, () => {
    t += 10_000;
    return [
      { at: t, badge: "card-s1", door: true },
      { at: t + 3_000, door: false },
    ];
  }).flat();
  const subject = new SimulatedDriver({ now: clock.now, script });
  return {
    subject,
    async produce() {
      clock.advance(20_000);
      await subject.step();
    },
    async teardown() {},
  };
});

describe("SimulatedDriver", () => {
  it("a simulated day in virtual time is deterministic per seed and audits clean", async () => {
    const run = async () => {
      const clock = new VirtualClock(Date.UTC(2025, 0, 6, 0));
      const driver = new SimulatedDriver({
        now: clock.now,
        seed: 11,
        badgeEveryMs: 600_000,
        holdLongEvery: 5,
      });
      const sent: LockEntry[] = [];
      const lock = await makeLock(
        { driver, anchorEvery: 20, anchorInterval: 3_600_000, onEntry: (e) => sent.push(e) },
        undefined,
        clock,
      );
      await runVirtual(lock.agent, driver, clock, clock.now() + 86_400_000);
      await lock.agent.decommission();
      const verdicts = await audit(sent, lock.audit());
      await lock.agent.stop();
      return { sent, verdicts, anchors: lock.anchors.notes() };
    };
    const a = await run();
    const b = await run();
    expect(a.sent.map((e) => [e.seq, e.event, e.time])).toEqual(b.sent.map((e) => [e.seq, e.event, e.time]));
    const events = new Set(a.sent.map((e) => e.event));
    for (const ev of ["chain-opened", "opened", "held-open", "closed", "chain-closed"])
      expect(events).toContain(ev);
    // held-open exactly at the 60 s mark in virtual time
    for (const e of a.sent.filter((x) => x.event === "held-open"))
      expect(e.detail).toEqual({ openMs: 60_000 });
    expect(a.anchors.some((n) => n.includes("kind heartbeat") || n.includes("kind intermediate"))).toBe(true);
    expect(a.verdicts.map((v) => [v.verified, v.findings])).toEqual([[true, []]]);
  });
});
