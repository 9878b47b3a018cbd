// End to end with real processes on loopback: the collector app (SQLite) and the lock agent app
// (built-in simulated driver); entries flow through the uplink, both stop cleanly on SIGTERM,
// and the collected log audits clean against the anchors.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SqliteStore } from "@chronoseal/collector";
import { encodePrivateKey, generateKeyPair, initKeys, toBase64 } from "@chronoseal/core";
import { audit, FileAnchors, type LockEntry } from "@chronoseal/lock";
import { afterAll, describe, expect, it } from "vitest";

const apps = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

function run(script: string, config: string): ChildProcess {
  const c = spawn(process.execPath, [join(apps, script, "dist", "main.js"), "--config", config], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(c);
  return c;
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  // Poll every 100 ms, at most ms / 100 times (a bound on attempts, not a timing assertion).
  for (let attempt = 0; attempt < ms / 100; attempt++) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const exited = (c: ChildProcess) => new Promise<number | null>((r) => c.once("exit", (code) => r(code)));

describe("lock agent → collector (real processes)", () => {
  it("delivers signed entries, stops cleanly, and the log audits clean", async () => {
    await initKeys();
    const dir = mkdtempSync(join(tmpdir(), "e2e-lock-"));
    const kp = generateKeyPair();
    writeFileSync(join(dir, "device.pem"), encodePrivateKey(kp, "pem") as string);
    const port = await freePort();
    writeFileSync(
      join(dir, "collector.json"),
      JSON.stringify({
        listen: `127.0.0.1:${port}`,
        storage: { type: "sqlite", path: join(dir, "collector.db") },
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
        periodKeyFile: "period.key",
        collector: `http://127.0.0.1:${port}`,
        anchorsFile: "anchors.ndjson",
        anchorEvery: 5,
        tickMs: 20,
        simulated: { badgeEveryMs: 60, holdOpenMs: 30, seed: 7 },
      }),
    );
    const collector = run("collector", join(dir, "collector.json"));
    await until("collector", async () =>
      (await fetch(`http://127.0.0.1:${port}/healthz`)).ok ? true : undefined,
    );
    const lock = run("lock-agent", join(dir, "lock.json"));
    await until("15 entries at the collector", async () => {
      const chains = (await (await fetch(`http://127.0.0.1:${port}/v1/chains`)).json()) as { seq: number }[];
      return chains[0] && chains[0].seq >= 14 ? true : undefined;
    });
    lock.kill("SIGTERM");
    expect(await exited(lock)).toBe(0);
    collector.kill("SIGTERM");
    expect(await exited(collector)).toBe(0);
    const store = new SqliteStore(join(dir, "collector.db"));
    const entries: LockEntry[] = [];
    for await (const e of store.query({ door: "door-1" })) entries.push(e);
    await store.close();
    const [v] = await audit(entries, {
      deviceKeys: new Map([["door-1", toBase64(kp.publicKey)]]),
      anchors: new FileAnchors(join(dir, "anchors.ndjson")).notes(),
    });
    expect(v!.received).toBeGreaterThanOrEqual(15);
    expect(v!.findings.filter((f) => f.kind !== "unanchored")).toEqual([]);
    expect(
      entries
        .filter((e) => e.event === "opened")
        .every((e) => typeof e.user === "string" && !e.user.includes("badge")),
    ).toBe(true);
  }, 60_000);
});
