// The lock agent's operations surface with real processes on loopback (the collector app and the
// agent app): the status endpoint, status.json and metrics.prom agree with each other and with the
// collector; an unreachable collector shows as uplink backlog, last errors and an error counter;
// CHRONOSEAL_LOCK_AGENT_* overrides (exit 2 naming a bad variable); SIGHUP reloads the
// authorization file, logLevel and tickMs, and a broken file keeps the running ones.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { encodePrivateKey, generateKeyPair, initKeys, toBase64 } from "@chronoseal/core";
import { metricValue, parseMetrics } from "@chronoseal/http";
import { badgeHash } from "@chronoseal/lock";
import { freePort, LoggedProcess } from "@chronoseal/testkit";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { StatusView } from "../src/status.js";

const apps = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const AGENT = join(apps, "lock-agent", "dist", "main.js");
const COLLECTOR = join(apps, "collector", "dist", "main.js");
let procs: LoggedProcess[] = [];
afterEach(async () => {
  await Promise.all(procs.map((p) => p.kill("SIGTERM")));
  procs = [];
});
const run = (script: string, config: string, env: Record<string, string> = {}) => {
  const p = new LoggedProcess(script, ["--config", config], { env });
  procs.push(p);
  return p;
};

/** A device directory, key, lock.json (a quiet simulated lock) and, unless told, a collector. */
async function setup(o: { collector?: boolean; lock?: Record<string, unknown> } = {}) {
  await initKeys();
  const dir = mkdtempSync(join(tmpdir(), "lock-status-"));
  const kp = generateKeyPair();
  writeFileSync(join(dir, "device.pem"), encodePrivateKey(kp, "pem") as string);
  const port = await freePort();
  if (o.collector !== false) {
    writeFileSync(
      join(dir, "collector.json"),
      JSON.stringify({
        listen: `127.0.0.1:${port}`,
        storage: { type: "sqlite", path: "collector.db" },
        devices: { "door-1": toBase64(kp.publicKey) },
      }),
    );
    await run(COLLECTOR, join(dir, "collector.json")).waitFor((l) => l.msg === "collector listening");
  }
  const statusPort = await freePort();
  const lock = (more: Record<string, unknown> = {}) =>
    writeFileSync(
      join(dir, "lock.json"),
      JSON.stringify({
        dir: "device",
        door: "door-1",
        period: "2025-01",
        keyFile: "device.pem",
        collector: `http://127.0.0.1:${port}`,
        anchorsFile: "anchors.ndjson",
        tickMs: 20,
        uplink: { backoffMs: 50, maxBackoffMs: 200 },
        status: { listen: `127.0.0.1:${statusPort}`, everyMs: 100 },
        // a quiet lock: only the entries of the start
        driver: { type: "simulated", badgeEveryMs: 3_600_000, holdOpenMs: 10, holdLongEvery: 0, seed: 1 },
        ...o.lock,
        ...more,
      }),
    );
  lock();
  return { dir, lock, config: join(dir, "lock.json"), status: `http://127.0.0.1:${statusPort}` };
}

const getStatus = async (base: string) => (await (await fetch(`${base}/status`)).json()) as StatusView;
const until = <T>(what: string, f: () => Promise<T | undefined | false>) =>
  vi.waitFor(
    async () => {
      const v = await f();
      if (v === undefined || v === false) throw new Error(`still waiting for ${what}`);
      return v as T;
    },
    { timeout: 30_000, interval: 50 }, // a bound on waiting, not a timing assertion
  );

describe("lock agent status", () => {
  it("the endpoint, status.json and metrics.prom agree: chain, entries, delivered backlog, fsyncs", async () => {
    const s = await setup();
    const agent = run(AGENT, s.config);
    await agent.waitFor((l) => l.msg === "lock agent started");
    expect((await agent.waitFor((l) => l.msg === "status endpoint listening")).url).toBe(s.status);
    // the quiet lock's start: chain-opened, then one badge (opened, closed); then a quiet moment
    // (the same entries before and after the scrape, everything delivered)
    await agent.waitFor((l) => l.msg === "entry durable" && l.event === "closed");
    const { st, m } = await until("the backlog delivered", async () => {
      const before = await getStatus(s.status);
      const m = parseMetrics(await (await fetch(`${s.status}/metrics`)).text());
      const v = await getStatus(s.status);
      return v.entries > 0 && v.entries === before.entries && v.uplink.backlog === 0
        ? { st: v, m }
        : undefined;
    });
    expect(st).toMatchObject({
      door: "door-1",
      chain: "door-1/2025-01",
      period: "2025-01",
      decommissioned: false,
      anchors: { backlog: 0 },
      witnesses: [],
      authorize: { everyone: true },
      badgesRefused: 0,
      lastErrors: [],
      logLevel: "info",
      tickMs: 20,
    });
    expect(Date.parse(st.updated)).toBeGreaterThanOrEqual(Date.parse(st.started));
    expect(metricValue(m, "chronoseal_lock_entries_total")).toBe(st.entries); // all made by this process
    expect(metricValue(m, "chronoseal_lock_chain_entries")).toBe(st.entries);
    expect(metricValue(m, "chronoseal_lock_uplink_sent_entries_total")).toBe(st.entries);
    expect(metricValue(m, "chronoseal_lock_backlog", { queue: "uplink" })).toBe(0);
    expect(metricValue(m, "chronoseal_fsync_duration_seconds_count", { file: "lock-log" })).toBeGreaterThan(
      0,
    );
    expect(metricValue(m, "chronoseal_lock_anchors_total")).toBeGreaterThan(0); // the genesis anchor
    expect((await fetch(`${s.status}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${s.status}/healthz`)).json()).toEqual({ status: "ok" });

    // the files: replaced atomically every 100 ms; wait for one written after the check above
    const file = await until("status.json after the check", async () => {
      const v = JSON.parse(readFileSync(join(s.dir, "device", "status.json"), "utf8")) as StatusView;
      return Date.parse(v.updated) > Date.parse(st.updated) ? v : undefined;
    });
    expect({ ...file, updated: "" }).toEqual({ ...st, updated: "" });
    const prom = parseMetrics(readFileSync(join(s.dir, "device", "metrics.prom"), "utf8"));
    expect(metricValue(prom, "chronoseal_lock_entries_total")).toBe(st.entries);
    expect(await agent.kill("SIGTERM")).toBe(0);
    procs = procs.filter((p) => p !== agent);
  });

  it("an unreachable collector shows as uplink backlog, last errors and an error counter", async () => {
    const s = await setup({ collector: false });
    run(AGENT, s.config);
    const st = await until("an uplink error", async () => {
      const v = await getStatus(s.status).catch(() => undefined);
      return v?.uplink.lastError ? v : undefined;
    });
    expect(st.uplink.backlog).toBeGreaterThan(0);
    expect(st.uplink.lastError).toMatch(/fetch failed|ECONNREFUSED/);
    expect(st.lastErrors[0]).toMatchObject({ kind: "uplink" });
    const m = parseMetrics(await (await fetch(`${s.status}/metrics`)).text());
    expect(metricValue(m, "chronoseal_lock_errors_total", { kind: "uplink" })).toBeGreaterThanOrEqual(1);
    expect(metricValue(m, "chronoseal_lock_backlog", { queue: "uplink" })).toBe(st.uplink.backlog);
  });
});

describe("lock agent environment overrides", () => {
  it("CHRONOSEAL_LOCK_AGENT_STATUS_LISTEN and _TICK_MS are put over the file", async () => {
    const s = await setup();
    const port = await freePort();
    run(AGENT, s.config, {
      CHRONOSEAL_LOCK_AGENT_STATUS_LISTEN: `127.0.0.1:${port}`,
      CHRONOSEAL_LOCK_AGENT_TICK_MS: "30",
    });
    const st = await until("the status endpoint", () =>
      getStatus(`http://127.0.0.1:${port}`).catch(() => undefined),
    );
    expect(st.tickMs).toBe(30);
  });

  it.each([
    [
      { CHRONOSEAL_LOCK_AGENT_TICK_MS: "0" },
      /^chronoseal-lock-agent: CHRONOSEAL_LOCK_AGENT_TICK_MS: tickMs must be an integer/,
    ],
    [
      { CHRONOSEAL_LOCK_AGENT_STATUS_LISTEN: "9000" },
      /CHRONOSEAL_LOCK_AGENT_STATUS_LISTEN: status\.listen must be host:port/,
    ],
    [{ CHRONOSEAL_LOCK_AGENT_UPLINK: "[" }, /CHRONOSEAL_LOCK_AGENT_UPLINK: expected JSON/],
    [{ CHRONOSEAL_LOCK_AGENT_DOOR_ID: "x" }, /CHRONOSEAL_LOCK_AGENT_DOOR_ID: unknown variable/],
  ])("a bad variable %j: exit 2 naming it", async (env, message) => {
    const s = await setup({ collector: false });
    const r = spawnSync(process.execPath, [AGENT, "--config", s.config], {
      encoding: "utf8",
      env: { ...process.env, ...env },
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
  });

  it("a status port in use: exit 2 with one line", async () => {
    const s = await setup({ collector: false });
    const first = run(AGENT, s.config);
    await first.waitFor((l) => l.msg === "status endpoint listening");
    const other = mkdtempSync(join(tmpdir(), "lock-status-2-"));
    const cfg = JSON.parse(readFileSync(s.config, "utf8")) as Record<string, unknown>;
    writeFileSync(join(other, "device.pem"), readFileSync(join(s.dir, "device.pem")));
    writeFileSync(join(other, "lock.json"), JSON.stringify(cfg));
    const r = spawnSync(process.execPath, [AGENT, "--config", join(other, "lock.json")], {
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^chronoseal-lock-agent: cannot listen on 127\.0\.0\.1:\d+: address already in use\n$/,
    );
  });
});

describe("lock agent SIGHUP", () => {
  it("reloads the allowlist, logLevel and tickMs; a broken file keeps the running ones", async () => {
    const s = await setup();
    writeFileSync(join(s.dir, "a.txt"), `${badgeHash("badge-a")}\n`);
    writeFileSync(join(s.dir, "b.txt"), `${badgeHash("badge-b")}\n`);
    s.lock({ authorize: { allowlist: "a.txt" } });
    const agent = run(AGENT, s.config);
    await agent.waitFor((l) => l.msg === "lock agent started");
    expect((await getStatus(s.status)).authorize).toEqual({ allowlist: join(s.dir, "a.txt") });

    s.lock({ authorize: { allowlist: "b.txt" }, logLevel: "debug", tickMs: 40 });
    agent.child.kill("SIGHUP");
    const reloaded = await agent.waitFor((l) => l.msg === "reloaded");
    expect(reloaded.changed).toEqual(expect.arrayContaining(["authorize", "logLevel", "tickMs"]));
    expect(await getStatus(s.status)).toMatchObject({
      authorize: { allowlist: join(s.dir, "b.txt") },
      logLevel: "debug",
      tickMs: 40,
    });

    // a bad allowlist, then a bad config: each refused, the running settings kept
    writeFileSync(join(s.dir, "c.txt"), "not a hash\n");
    s.lock({ authorize: { allowlist: "c.txt" }, logLevel: "info", tickMs: 40 });
    agent.child.kill("SIGHUP");
    const failed = await agent.waitFor((l) => l.msg === "reload failed: the running configuration is kept");
    expect(failed.error).toMatch(/c\.txt:1: expected a badge hash/);
    writeFileSync(s.config, "{");
    agent.child.kill("SIGHUP");
    await agent.waitFor(
      (l) =>
        l.msg === "reload failed: the running configuration is kept" && /lock\.json/.test(String(l.error)),
    );
    expect(await getStatus(s.status)).toMatchObject({
      authorize: { allowlist: join(s.dir, "b.txt") },
      logLevel: "debug",
      tickMs: 40,
    });
    expect((await fetch(`${s.status}/readyz`)).status).toBe(200);

    // a field that needs a restart is named, not applied
    s.lock({ authorize: { allowlist: "b.txt" }, logLevel: "debug", tickMs: 40, anchorEvery: 7 });
    agent.child.kill("SIGHUP");
    await agent.waitFor((l) => l.msg === "changed in the config but only applied at the next start");
    expect(
      agent.lines.find((l) => l.msg === "changed in the config but only applied at the next start")?.fields,
    ).toEqual(["anchorEvery"]);
    expect(agent.lines.filter((l) => l.msg === "lock agent started")).toHaveLength(1);
  });
});
