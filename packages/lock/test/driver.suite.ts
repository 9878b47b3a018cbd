// The compliance suite every LockDriver passes (the simulated drivers here; the hardware
// simulator and real hardware adapters run it too): a clock in integer milliseconds, events that
// reach the agent once attached, nothing after detach.
import { describe, expect, it } from "vitest";
import type { LockDriver } from "../src/driver.js";
import type { LockEntry } from "../src/entry.js";
import { makeLock } from "./helpers.js";

export interface DriverHarness {
  driver: LockDriver;
  /** Lets the driver produce at least one badge opening and its closing. */
  produce(): Promise<void>;
}

export function driverSuite(name: string, make: () => DriverHarness): void {
  describe(`LockDriver compliance: ${name}`, () => {
    it("has an integer millisecond clock", () => {
      const { driver } = make();
      const t = driver.now();
      expect(Number.isSafeInteger(t)).toBe(true);
      expect(driver.now()).toBeGreaterThanOrEqual(t);
    });

    it("its events reach the agent once attached, and stop after detach", async () => {
      const h = make();
      const sent: LockEntry[] = [];
      const { agent } = await makeLock({ driver: h.driver, onEntry: (e) => sent.push(e), period: "2025-01" });
      await h.produce();
      await agent.idle();
      const events = sent.map((e) => e.event);
      expect(events).toContain("opened");
      expect(events).toContain("closed");
      expect(sent.find((e) => e.event === "opened" && e.user)).toBeDefined();
      await agent.stop();
      const before = sent.length;
      await h.produce();
      expect(sent.length).toBe(before);
    });
  });
}
