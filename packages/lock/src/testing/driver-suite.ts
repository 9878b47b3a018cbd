// The compliance suite every LockDriver passes: the built-in simulated driver, the hardware
// simulator's driver and any adapter for real hardware. Exported as `@chronoseal/lock/testing`:
//
//   runDriverSuite("my reader", async () => {
//     const subject = new MyReaderDriver(port);
//     return {
//       subject,
//       produce: async () => { /* make the hardware report a badge opening and a closing */ },
//       teardown: async () => subject.close(),
//     };
//   });
//
// setup() runs before each test (beforeEach), teardown() after it (afterEach) whether the test
// passed or not; the lock agent a test starts on the driver (in a temporary directory) is stopped
// and its directory deleted then too, so a failing assertion leaks no process state or files.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initKeys, keyPairFromSeed, parseTimestamp } from "@chronoseal/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LockAgent } from "../agent.js";
import { FileAnchors } from "../anchors.js";
import type { LockDriver } from "../driver.js";
import type { LockEntry } from "../entry.js";

/** A driver under test, how to make it report activity, and how to dispose of it. */
export interface DriverHarness {
  subject: LockDriver;
  /**
   * Makes the hardware report at least one accepted badge with the door opening, and the door
   * closing afterwards (advancing a simulated clock as needed). With no agent attached the
   * events must go nowhere, as on real hardware whose agent is stopped.
   */
  produce(): Promise<void>;
  teardown(): Promise<void>;
}

/** Registers the suite (describe/it/beforeEach/afterEach of vitest) under `name`. */
export function runDriverSuite(name: string, setup: () => DriverHarness | Promise<DriverHarness>): void {
  describe(`LockDriver compliance: ${name}`, () => {
    let harness: DriverHarness | undefined;
    let agent: LockAgent | undefined;
    let dir: string | undefined;

    beforeEach(async () => {
      harness = await setup();
    });
    afterEach(async () => {
      const [h, a, d] = [harness, agent, dir];
      harness = agent = dir = undefined;
      try {
        await a?.stop();
      } finally {
        if (d) rmSync(d, { recursive: true, force: true });
        await h?.teardown();
      }
    });

    /** A lock agent on the driver under test, in a temporary directory; entries go to `sent`. */
    const startAgent = async (sent: LockEntry[]): Promise<LockAgent> => {
      await initKeys();
      dir = mkdtempSync(join(tmpdir(), "lock-driver-suite-"));
      agent = await LockAgent.start({
        dir,
        door: "door-compliance",
        period: "2025-01",
        keyPair: keyPairFromSeed(new Uint8Array(32).fill(42)),
        driver: harness!.subject,
        anchors: new FileAnchors(join(dir, "anchors.ndjson")),
        onEntry: (e) => sent.push(e),
      });
      return agent;
    };

    it("has an integer millisecond clock", () => {
      const driver = harness!.subject;
      const t = driver.now();
      expect(Number.isSafeInteger(t)).toBe(true);
      expect(t).toBeGreaterThan(Date.UTC(2000, 0, 1)); // epoch milliseconds, not seconds
      expect(driver.now()).toBeGreaterThanOrEqual(t);
    });

    it("its events reach the agent once attached, and stop after detach", async () => {
      const sent: LockEntry[] = [];
      const a = await startAgent(sent);
      await harness!.produce();
      await a.idle();
      const events = sent.map((e) => e.event);
      expect(events).toContain("opened");
      expect(events).toContain("closed");
      expect(sent.find((e) => e.event === "opened" && e.user)).toBeDefined();
      await a.stop();
      const before = sent.length;
      await harness!.produce();
      expect(sent.length).toBe(before);
    });

    it("entries carry the driver's clock", async () => {
      const sent: LockEntry[] = [];
      const a = await startAgent(sent);
      const from = harness!.subject.now();
      const already = sent.length;
      await harness!.produce();
      await a.idle();
      const to = harness!.subject.now();
      const times = sent.slice(already).map((e) => parseTimestamp(e.time));
      expect(times.length).toBeGreaterThan(0);
      for (const t of times) {
        expect(t).toBeGreaterThanOrEqual(from);
        expect(t).toBeLessThanOrEqual(to);
      }
    });
  });
}
