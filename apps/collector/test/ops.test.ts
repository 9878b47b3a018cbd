// The collector's operations surface with a real process on loopback: /healthz, /readyz (the
// store answers: a removed or replaced SQLite file, a PostgreSQL server that cannot be reached
// through a TCP proxy that the test cuts), /metrics counters moved by exactly the traffic sent,
// CHRONOSEAL_COLLECTOR_* overrides (and exit 2 naming a bad variable), and SIGHUP reloading the
// devices file (a door added, a door removed, a broken file keeping the running doors).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initKeys, keyPairFromSeed, toBase64 } from "@chronoseal/core";
import { metricValue, parseMetrics, type Sample } from "@chronoseal/http";
import { freePort, LoggedProcess, write } from "@chronoseal/testkit";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { firstEntry, main, post } from "./fixtures.js";

let running: LoggedProcess[] = [];
afterEach(async () => {
  await Promise.all(running.map((c) => c.stop()));
  running = [];
});

function start(config: string, env: Record<string, string> = {}): LoggedProcess {
  const c = new LoggedProcess(main, ["--config", config], { env, name: "collector" });
  running.push(c);
  return c;
}

async function scrape(base: string): Promise<Sample[]> {
  const r = await fetch(`${base}/metrics`);
  expect(r.status).toBe(200);
  return parseMetrics(await r.text());
}

const doorA = () => keyPairFromSeed(new Uint8Array(32).fill(10));
const doorB = () => keyPairFromSeed(new Uint8Array(32).fill(11));
const stranger = () => keyPairFromSeed(new Uint8Array(32).fill(12));

beforeAll(() => initKeys());

describe("collector health, readiness and metrics", () => {
  it("/healthz and /readyz answer; /metrics counts ingest, rejections by reason, batches and exports", async () => {
    const dir = mkdtempSync(join(tmpdir(), "collector-ops-"));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const config = write(dir, "collector.json", {
      listen: `127.0.0.1:${port}`,
      storage: { type: "sqlite", path: "c.db" },
      devices: { "door-a": toBase64(doorA().publicKey) },
    });
    const c = start(config);
    await c.line("collector listening");
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { storage: "ok" } });

    const before = await scrape(base);
    expect(metricValue(before, "chronoseal_collector_rejections_total", { reason: "bad-signature" })).toBe(0);
    // N requests, each one entry of door-a signed by another key
    const N = 3;
    for (let i = 0; i < N; i++) {
      const r = await post(base, [firstEntry("door-a", `bad${i}`, stranger())]);
      expect(r.body.code).toBe("ERR_SIGNATURE");
    }
    // one batch of M good entries, then the same batch again (duplicates), then an unknown door
    const M = 5;
    const good = Array.from({ length: M }, (_, i) => firstEntry("door-a", `p${i}`, doorA()));
    expect((await post(base, good)).body).toEqual({ accepted: M, duplicates: 0 });
    expect((await post(base, good)).body).toEqual({ accepted: 0, duplicates: M });
    expect((await post(base, [firstEntry("door-z", "p0", doorA())])).status).toBe(403);
    expect((await post(base, [{ v: 1 }])).status).toBe(400);
    const exported = await (await fetch(`${base}/v1/entries?door=door-a`)).text();
    expect(exported.trim().split("\n")).toHaveLength(M);

    const s = await scrape(base);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      metricValue(s, name, labels) - metricValue(before, name, labels);
    expect(delta("chronoseal_collector_rejections_total", { reason: "bad-signature" })).toBe(N);
    expect(delta("chronoseal_collector_rejections_total", { reason: "unknown-device" })).toBe(1);
    expect(delta("chronoseal_collector_rejections_total", { reason: "malformed" })).toBe(1);
    expect(delta("chronoseal_collector_ingested_entries_total", { status: "accepted" })).toBe(M);
    expect(delta("chronoseal_collector_ingested_entries_total", { status: "duplicate" })).toBe(M);
    // verified batches: N refused at verification, two of M entries
    expect(delta("chronoseal_collector_verify_batch_size_count")).toBe(N + 2);
    expect(delta("chronoseal_collector_verify_batch_size_sum")).toBe(N + 2 * M);
    expect(delta("chronoseal_collector_exported_entries_total")).toBe(M);
    expect(metricValue(s, "chronoseal_collector_exports_total", { complete: "true" })).toBe(1);
    expect(metricValue(s, "chronoseal_collector_entries", { status: "stored" })).toBe(M);
    expect(metricValue(s, "chronoseal_http_requests_total", { route: "/v1/entries", method: "POST" })).toBe(
      N + 4,
    );
    expect(metricValue(s, "chronoseal_process_cpu_seconds_total")).toBeGreaterThan(0);
  });

  it("/readyz is 503 naming the storage when the SQLite file is removed or replaced, 200 again when it is back", async () => {
    const dir = mkdtempSync(join(tmpdir(), "collector-ready-"));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const c = start(
      write(dir, "collector.json", {
        listen: `127.0.0.1:${port}`,
        storage: { type: "sqlite", path: "c.db" },
        devices: {},
      }),
    );
    await c.line("collector listening");
    const db = join(dir, "c.db");
    renameSync(db, `${db}.moved`);
    let r = await fetch(`${base}/readyz`);
    expect(r.status).toBe(503);
    let body = (await r.json()) as { status: string; checks: Record<string, string>; code: string };
    expect(body).toMatchObject({ status: "not-ready", code: "ERR_NOT_READY" });
    expect(body.checks.storage).toBe(`SQLite ${db}: the database file was removed`);
    expect((await fetch(`${base}/healthz`)).status).toBe(200); // the process itself is up
    renameSync(`${db}.moved`, db);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    copyFileSync(db, `${db}.copy`);
    renameSync(`${db}.copy`, db);
    r = await fetch(`${base}/readyz`);
    body = (await r.json()) as typeof body;
    expect(r.status).toBe(503);
    expect(body.checks.storage).toMatch(/the database file was replaced/);
  });

  const pgUrl = process.env.CHRONOSEAL_PG_URL;
  it.skipIf(!pgUrl)(
    "/readyz follows a PostgreSQL server that stops answering (a TCP proxy cut by the test)",
    async () => {
      const target = new URL(pgUrl!);
      const sockets = new Set<Socket>();
      let proxy: Server | undefined;
      const proxyPort = await freePort();
      const open = () =>
        new Promise<void>((resolve) => {
          proxy = createServer((client) => {
            const upstream = connect(Number(target.port || 5432), target.hostname);
            sockets.add(client).add(upstream);
            client.pipe(upstream).pipe(client);
            const end = () => {
              client.destroy();
              upstream.destroy();
            };
            client.on("error", end).on("close", end);
            upstream.on("error", end).on("close", end);
          });
          proxy.listen(proxyPort, "127.0.0.1", resolve);
        });
      const cut = () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          sockets.clear();
          proxy!.close(() => resolve());
        });
      await open();
      try {
        const dir = mkdtempSync(join(tmpdir(), "collector-pg-ready-"));
        const port = await freePort();
        const base = `http://127.0.0.1:${port}`;
        const url = new URL(pgUrl!);
        url.hostname = "127.0.0.1";
        url.port = String(proxyPort);
        const c = start(
          write(dir, "collector.json", {
            listen: `127.0.0.1:${port}`,
            storage: { type: "postgres", url: url.href },
            devices: {},
          }),
        );
        await c.line("collector listening");
        expect((await fetch(`${base}/readyz`)).status).toBe(200);
        await cut();
        const r = await fetch(`${base}/readyz`);
        expect(r.status).toBe(503);
        const body = (await r.json()) as { checks: Record<string, string> };
        expect(body.checks.storage).toMatch(/^PostgreSQL: /);
        expect((await fetch(`${base}/healthz`)).status).toBe(200);
        await open();
        expect((await fetch(`${base}/readyz`)).status).toBe(200);
      } finally {
        await cut();
      }
    },
  );
});

describe("collector environment overrides", () => {
  it("CHRONOSEAL_COLLECTOR_LISTEN and _LOG_LEVEL are put over the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "collector-env-"));
    const port = await freePort();
    const config = write(dir, "collector.json", {
      listen: "127.0.0.1:1",
      storage: { type: "sqlite", path: "c.db" },
      devices: {},
    });
    const c = start(config, {
      CHRONOSEAL_COLLECTOR_LISTEN: `127.0.0.1:${port}`,
      CHRONOSEAL_COLLECTOR_LOG_LEVEL: "debug",
    });
    expect((await c.line("collector listening")).listen).toBe(`127.0.0.1:${port}`);
    await (await fetch(`http://127.0.0.1:${port}/healthz`)).text();
    expect((await c.line("request")).url).toBe("/healthz"); // debug: one line per request
  });

  it.each([
    [
      { CHRONOSEAL_COLLECTOR_LISTEN: "nowhere" },
      /^chronoseal-collector: CHRONOSEAL_COLLECTOR_LISTEN: .*listen must be host:port$/,
    ],
    [{ CHRONOSEAL_COLLECTOR_STORAGE_TYPE: "mysql" }, /CHRONOSEAL_COLLECTOR_STORAGE_TYPE: .*storage must be/],
    [{ CHRONOSEAL_COLLECTOR_DEVICES: "{" }, /CHRONOSEAL_COLLECTOR_DEVICES: expected JSON/],
    [
      { CHRONOSEAL_COLLECTOR_MESH_REFRESH_MS: "soon" },
      /CHRONOSEAL_COLLECTOR_MESH_REFRESH_MS: expected an integer/,
    ],
    [{ CHRONOSEAL_COLLECTOR_LISTEN_ADDR: "x" }, /CHRONOSEAL_COLLECTOR_LISTEN_ADDR: unknown variable/],
  ])("a bad variable %j: exit 2 naming it", (env, message) => {
    const dir = mkdtempSync(join(tmpdir(), "collector-env-bad-"));
    const config = write(dir, "collector.json", { storage: { type: "sqlite", path: "c.db" }, devices: {} });
    const r = spawnSync(process.execPath, [main, "--config", config], {
      encoding: "utf8",
      env: { ...process.env, ...env },
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
  });
});

describe("collector SIGHUP", () => {
  it("reloads the devices file: a door added, a door removed; a broken file keeps the running doors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "collector-hup-"));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const a = toBase64(doorA().publicKey);
    const b = toBase64(doorB().publicKey);
    write(dir, "devices.json", { "door-a": a });
    const c = start(
      write(dir, "collector.json", {
        listen: `127.0.0.1:${port}`,
        storage: { type: "sqlite", path: "c.db" },
        devicesFile: "devices.json",
      }),
    );
    await c.line("collector listening");
    expect((await post(base, [firstEntry("door-b", "p0", doorB())])).status).toBe(403);

    write(dir, "devices.json", { "door-b": b });
    c.child.kill("SIGHUP");
    const reloaded = await c.line("reloaded");
    expect(reloaded).toMatchObject({ changed: ["devices"], added: ["door-b"], removed: ["door-a"] });
    expect((await post(base, [firstEntry("door-b", "p0", doorB())])).body).toEqual({
      accepted: 1,
      duplicates: 0,
    });
    const refused = await post(base, [firstEntry("door-a", "p0", doorA())]);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("ERR_UNKNOWN_DEVICE");

    write(dir, "devices.json", '{ "door-c": "not a key" }');
    c.child.kill("SIGHUP");
    const failed = await c.line("reload failed: the running configuration is kept");
    expect(failed.error).toMatch(/devicesFile\.door-c/);
    expect((await post(base, [firstEntry("door-b", "p1", doorB())])).body).toEqual({
      accepted: 1,
      duplicates: 0,
    });
    rmSync(join(dir, "devices.json"));
    c.child.kill("SIGHUP");
    expect((await c.line("reload failed: the running configuration is kept", 2)).error).toMatch(/ENOENT/);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    // logLevel: debug from now on, without a restart; listen changed in the file needs a restart
    write(dir, "devices.json", { "door-b": b });
    write(dir, "collector.json", {
      listen: "127.0.0.1:1",
      storage: { type: "sqlite", path: "c.db" },
      devicesFile: "devices.json",
      logLevel: "debug",
    });
    c.child.kill("SIGHUP");
    expect((await c.line("reloaded", 2)).changed).toEqual(["logLevel"]);
    expect((await c.line("changed in the config but only applied at the next start")).fields).toEqual([
      "listen",
    ]);
    await (await fetch(`${base}/v1/chains`)).text();
    expect((await c.line("request")).url).toBe("/v1/chains");
    expect(await c.stop()).toBe(0);
    running = [];
  });
});
