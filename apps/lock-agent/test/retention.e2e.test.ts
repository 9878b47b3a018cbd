// Retention reaches the collector, with real processes (collector app + lock-agent app): a chain
// that is closed and expired while the agent starts still sends its entries and its chain-closed,
// then its expiry, so the collector ends with nothing the device deleted and the audit is clean
// (no false `dropped`). Two ways to get there, as a vendor found them: a pinned period changed
// across a restart with retainPeriods 1, and monthly periods with the lock off over a month end.
// A third run crashes (SIGKILL) before the collector can be reached: the expiry waits on the device
// and goes out on the next start.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { drained, durable, Rig } from "./rig.js";

const rigs: Rig[] = [];
afterAll(() => {
  for (const r of rigs) r.killAll();
});

async function expectClean(rig: Rig, gone: string, kept: string): Promise<void> {
  const collected = await rig.collected();
  // nothing the device deleted is left at the collector
  expect(collected.filter((e) => e.chain === gone)).toEqual([]);
  expect(existsSync(join(rig.dir, "device", `${gone.split("/")[1]}.log`))).toBe(false);
  expect(collected.some((e) => e.chain === kept)).toBe(true);
  const verdicts = await rig.audit(collected);
  const old = verdicts.find((v) => v.chain === gone)!;
  expect(old).toMatchObject({ expired: true, verified: true, findings: [] });
  const current = verdicts.find((v) => v.chain === kept)!;
  expect(current.findings.filter((f) => f.kind !== "unanchored")).toEqual([]);
  expect(verdicts.every((v) => v.verified)).toBe(true);
}

describe("retention reaches the collector (real processes)", () => {
  it("a pinned period changed across a restart, retainPeriods 1", async () => {
    const rig = await Rig.create("e2e-retain-pinned-");
    rigs.push(rig);
    const collector = await rig.startCollector();
    const first = rig.startAgent(rig.lockConfig("jan.json", { period: "2025-01", retainPeriods: 1 }));
    const last = await first.waitFor((l) => durable(l) && (l.seq as number) >= 12);
    await drained(first, last);
    expect(await first.kill("SIGTERM")).toBe(0);

    const second = rig.startAgent(rig.lockConfig("feb.json", { period: "2025-02", retainPeriods: 1 }));
    const next = await second.waitFor(
      (l) => durable(l) && l.chain === "door-1/2025-02" && (l.seq as number) >= 3,
    );
    await drained(second, next);
    expect(await second.kill("SIGTERM")).toBe(0);
    await expectClean(rig, "door-1/2025-01", "door-1/2025-02");
    expect(await collector.kill("SIGTERM")).toBe(0);
  });

  it("monthly periods, the lock off over a month end; a crash before the collector hears of it", async () => {
    const rig = await Rig.create("e2e-retain-monthly-");
    rigs.push(rig);
    let collector = await rig.startCollector();
    const jan = rig.lockConfig("jan.json", {
      retainPeriods: 1,
      driver: { startAt: "2025-01-31T23:58:00.000Z" },
    });
    const first = rig.startAgent(jan);
    const last = await first.waitFor((l) => durable(l) && (l.seq as number) >= 12);
    await drained(first, last);
    expect(await first.kill("SIGTERM")).toBe(0);
    expect(await collector.kill("SIGTERM")).toBe(0);

    // Off over the month end; back while the collector is down, and the power fails again.
    const febConfig = { retainPeriods: 1, driver: { startAt: "2025-02-01T00:10:00.000Z" } };
    const second = rig.startAgent(rig.lockConfig("feb.json", febConfig));
    await second.waitFor((l) => durable(l) && l.chain === "door-1/2025-02" && (l.seq as number) >= 2);
    expect(await second.kill("SIGKILL")).toBe(null);
    expect(existsSync(join(rig.dir, "device", "2025-01.log"))).toBe(true); // not yet sent

    collector = await rig.startCollector();
    const third = rig.startAgent(
      rig.lockConfig("feb2.json", { ...febConfig, driver: { startAt: "2025-02-01T00:20:00.000Z" } }),
    );
    const next = await third.waitFor(
      (l) => durable(l) && l.chain === "door-1/2025-02" && (l.seq as number) >= 8,
    );
    await drained(third, next);
    expect(await third.kill("SIGTERM")).toBe(0);
    await expectClean(rig, "door-1/2025-01", "door-1/2025-02");
    expect(await collector.kill("SIGTERM")).toBe(0);
  });
});
