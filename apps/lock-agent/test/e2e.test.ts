// End to end with real processes on loopback: the collector app (SQLite) and the lock agent app
// (built-in simulated driver). Entries flow through the uplink; the lock agent is killed with
// SIGKILL mid-run (a power cut) and restarted: nothing it reported durable is lost, the chain
// resumes with a recovered entry, the backlog is delivered; both stop cleanly on SIGTERM, and the
// collected log audits clean against the anchors.
import { join } from "node:path";
import { type LockEntry, scanLog } from "@chronoseal/lock";
import { afterAll, describe, expect, it } from "vitest";
import { durable, Rig } from "./rig.js";

let rig: Rig | undefined;
afterAll(() => rig?.killAll());

describe("lock agent → collector (real processes)", () => {
  // 90 s, not the default 30 s: two real processes (the collector and the lock agent, killed and
  // restarted) run until the backlog is delivered, then the log is audited.
  it("survives SIGKILL mid-run without losing a durable entry, delivers its backlog, and the log audits clean", async () => {
    rig = await Rig.create("e2e-lock-");
    const dir = rig.dir;
    const collector = await rig.startCollector();
    // the agent's default uplink backoff, not the rig's fast one
    const lockJson = rig.lockConfig("lock.json", { period: "2025-01", uplink: undefined });

    const first = rig.startAgent(lockJson);
    await first.waitFor((l) => durable(l) && (l.seq as number) >= 20);
    expect(await first.kill("SIGKILL")).toBe(null);
    const before = first.lines.filter(durable).map((l) => l.seq as number);

    const second = rig.startAgent(lockJson);
    const recovered = await second.waitFor((l) => durable(l) && l.event === "recovered");
    const last = await second.waitFor(
      (l) => durable(l) && (l.seq as number) >= (recovered.seq as number) + 10,
    );
    await second.waitFor(
      (l) =>
        l.msg === "uplink" &&
        l.pending === 0 &&
        (l.sent as number) > 0 &&
        (l.time as number) > (last.time as number),
    );
    expect(await second.kill("SIGTERM")).toBe(0);
    expect(second.lines.at(-1)).toMatchObject({ msg: "stopped" });
    expect(await collector.kill("SIGTERM")).toBe(0);

    const device: LockEntry[] = [];
    scanLog<LockEntry>(join(dir, "device", "2025-01.log"), (e) => device.push(e));
    const collected = await rig.stored();
    // every entry reported durable before the kill is on the device and at the collector
    for (const seq of before) {
      expect(device[seq]?.seq).toBe(seq);
      expect(collected[seq]).toEqual(device[seq]);
    }
    const rec = device.find((e) => e.event === "recovered")!;
    expect(rec.seq).toBeGreaterThan(Math.max(...before));
    expect(rec.detail).toMatchObject({ lastSeq: rec.seq - 1 });
    expect(collected.length).toBeGreaterThanOrEqual((last.seq as number) + 1);
    const [v] = await rig.audit(collected);
    expect(v!.findings.filter((f) => f.kind !== "unanchored")).toEqual([]);
    expect(
      collected.filter((e) => e.event === "opened").every((e) => e.user && !e.user.includes("badge")),
    ).toBe(true);
  }, 90_000);
});
