// End to end with real processes on loopback: the collector app (SQLite) and the lock agent app
// (built-in simulated driver). Entries flow through the uplink; the lock agent is killed with
// SIGKILL mid-run (a power cut) and restarted: nothing it reported durable is lost, the chain
// resumes with a recovered entry, the backlog is delivered; both stop cleanly on SIGTERM, and the
// collected log audits clean against the anchors.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SqliteStore } from "@chronoseal/collector";
import { encodePrivateKey, generateKeyPair, initKeys, toBase64 } from "@chronoseal/core";
import { audit, FileAnchors, type LockEntry, scanLog } from "@chronoseal/lock";
import { freePort, LoggedProcess, type LogLine } from "@chronoseal/testkit";
import { afterAll, describe, expect, it } from "vitest";

const apps = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const started: LoggedProcess[] = [];
afterAll(() => {
  for (const p of started) p.child.kill("SIGKILL");
});
const run = (app: string, config: string) => {
  const p = new LoggedProcess(join(apps, app, "dist", "main.js"), ["--config", config]);
  started.push(p);
  return p;
};
const durable = (l: LogLine) => l.msg === "entry durable";

describe("lock agent → collector (real processes)", () => {
  // 90 s, not the default 30 s: two real processes (the collector and the lock agent, killed and
  // restarted) run until the backlog is delivered, then the log is audited.
  it("survives SIGKILL mid-run without losing a durable entry, delivers its backlog, and the log audits clean", async () => {
    await initKeys();
    const dir = mkdtempSync(join(tmpdir(), "e2e-lock-"));
    const kp = generateKeyPair();
    writeFileSync(join(dir, "device.pem"), encodePrivateKey(kp, "pem") as string);
    const port = await freePort();
    writeFileSync(
      join(dir, "collector.json"),
      JSON.stringify({
        listen: `127.0.0.1:${port}`,
        storage: { type: "sqlite", path: "collector.db" },
        devices: { "door-1": toBase64(kp.publicKey) },
      }),
    );
    writeFileSync(
      join(dir, "lock.json"),
      JSON.stringify({
        dir: "device",
        door: "door-1",
        period: "2025-01",
        keyFile: "device.pem",
        collector: `http://127.0.0.1:${port}`,
        anchorsFile: "anchors.ndjson",
        anchorEvery: 5,
        tickMs: 10,
        logLevel: "debug",
        driver: { type: "simulated", badgeEveryMs: 30, holdOpenMs: 15, holdLongEvery: 0, seed: 7 },
      }),
    );
    const collector = run("collector", join(dir, "collector.json"));
    await collector.waitFor((l) => l.msg === "collector listening");

    const first = run("lock-agent", join(dir, "lock.json"));
    await first.waitFor((l) => durable(l) && (l.seq as number) >= 20);
    expect(await first.kill("SIGKILL")).toBe(null);
    const before = first.lines.filter(durable).map((l) => l.seq as number);

    const second = run("lock-agent", join(dir, "lock.json"));
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
    const store = new SqliteStore(join(dir, "collector.db"));
    const collected: LockEntry[] = [];
    for await (const e of store.query({ door: "door-1" })) collected.push(e);
    await store.close();
    // every entry reported durable before the kill is on the device and at the collector
    for (const seq of before) {
      expect(device[seq]?.seq).toBe(seq);
      expect(collected[seq]).toEqual(device[seq]);
    }
    const rec = device.find((e) => e.event === "recovered")!;
    expect(rec.seq).toBeGreaterThan(Math.max(...before));
    expect(rec.detail).toMatchObject({ lastSeq: rec.seq - 1 });
    expect(collected.length).toBeGreaterThanOrEqual((last.seq as number) + 1);
    const [v] = await audit(collected, {
      deviceKeys: new Map([["door-1", toBase64(kp.publicKey)]]),
      anchors: new FileAnchors(join(dir, "anchors.ndjson")).notes(),
    });
    expect(v!.findings.filter((f) => f.kind !== "unanchored")).toEqual([]);
    expect(
      collected.filter((e) => e.event === "opened").every((e) => e.user && !e.user.includes("badge")),
    ).toBe(true);
  }, 90_000);
});
