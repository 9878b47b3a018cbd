// The operations layer over real loopback sockets: /healthz and /readyz (ready, a failing check,
// a check that throws, one that never answers), /metrics in the Prometheus text format (request
// counts, fsync latency through core's observer, one registry per daemon), the exposition parser,
// and environment overrides (names, types, unknown variables, blame).
import { closeSync, mkdtempSync, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { observedFsyncSync } from "@chronoseal/core/fsync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyOverrides,
  blameVariable,
  createDaemonMetrics,
  createHttpServer,
  EnvError,
  envName,
  envNames,
  envOverrides,
  type HttpServer,
  listenOn,
  loadWithEnv,
  metricValue,
  parseMetrics,
  registerHealthRoutes,
  registerMetricsRoute,
} from "../src/index.js";

describe("health and readiness", () => {
  let app: HttpServer;
  let base = "";
  const state = { db: "ok" as string, hang: false };
  beforeAll(async () => {
    app = createHttpServer();
    registerHealthRoutes(app, {
      timeoutMs: 200,
      checks: () => ({
        db: () => (state.db === "ok" ? undefined : state.db),
        thrower: async () => {
          if (state.db === "throw") throw new Error("connection refused");
          return undefined;
        },
        ...(state.hang ? { slow: () => new Promise<undefined>(() => {}) } : {}),
      }),
    });
    base = await listenOn(app, "127.0.0.1", 0);
  });
  afterAll(() => app.close());

  it("/healthz answers while the process runs", async () => {
    const r = await fetch(`${base}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: "ok" });
  });

  it("/readyz is 200 when every check passes, 503 naming the failing ones otherwise", async () => {
    state.db = "ok";
    let r = await fetch(`${base}/readyz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: "ready", checks: { db: "ok", thrower: "ok" } });
    state.db = "database file removed";
    r = await fetch(`${base}/readyz`);
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({
      status: "not-ready",
      checks: { db: "database file removed", thrower: "ok" },
      error: "not ready: db",
      code: "ERR_NOT_READY",
    });
    state.db = "throw";
    r = await fetch(`${base}/readyz`);
    expect(((await r.json()) as { checks: unknown }).checks).toEqual({
      db: "throw",
      thrower: "connection refused",
    });
  });

  it("a check that never answers fails after its timeout (a hung database is not ready)", async () => {
    state.db = "ok";
    state.hang = true;
    const r = await fetch(`${base}/readyz`);
    state.hang = false;
    expect(r.status).toBe(503);
    expect(((await r.json()) as { checks: Record<string, string> }).checks.slow).toBe(
      "no answer within 200 ms",
    );
  });
});

describe("metrics", () => {
  it("counts requests by route pattern, observes fsyncs, and keeps two daemons' registries apart", async () => {
    const a = createDaemonMetrics();
    const b = createDaemonMetrics();
    const app = createHttpServer({ observe: a.observe });
    app.get<{ Params: { id: string } }>("/things/:id", async (r) => ({ id: r.params.id }));
    registerMetricsRoute(app, a.registry);
    const base = await listenOn(app, "127.0.0.1", 0);
    try {
      for (let i = 0; i < 3; i++) await (await fetch(`${base}/things/${i}`)).json();
      await (await fetch(`${base}/nowhere`)).text();
      const dir = mkdtempSync(join(tmpdir(), "http-ops-"));
      const fd = openSync(join(dir, "f"), "w");
      const before = metricValue(
        parseMetrics(await a.registry.metrics()),
        "chronoseal_fsync_duration_seconds_count",
      );
      observedFsyncSync(fd, "test-file");
      observedFsyncSync(fd, "test-file");
      closeSync(fd);
      const res = await fetch(`${base}/metrics`);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const s = parseMetrics(await res.text());
      expect(metricValue(s, "chronoseal_http_requests_total", { route: "/things/:id", status: "200" })).toBe(
        3,
      );
      expect(metricValue(s, "chronoseal_http_requests_total", { route: "unmatched", status: "404" })).toBe(1);
      expect(metricValue(s, "chronoseal_http_request_duration_seconds_count", { route: "/things/:id" })).toBe(
        3,
      );
      expect(metricValue(s, "chronoseal_fsync_duration_seconds_count", { file: "test-file" }) - before).toBe(
        2,
      );
      expect(metricValue(s, "chronoseal_process_resident_memory_bytes")).toBeGreaterThan(0);
      // b saw no request; after close() a sees no fsync
      const other = parseMetrics(await b.registry.metrics());
      expect(metricValue(other, "chronoseal_http_requests_total")).toBe(0);
      a.close();
      const fd2 = openSync(join(dir, "g"), "w");
      observedFsyncSync(fd2, "test-file");
      closeSync(fd2);
      const after = parseMetrics(await a.registry.metrics());
      expect(metricValue(after, "chronoseal_fsync_duration_seconds_count", { file: "test-file" })).toBe(2);
      expect(
        metricValue(parseMetrics(await b.registry.metrics()), "chronoseal_fsync_duration_seconds_count", {
          file: "test-file",
        }),
      ).toBe(3);
    } finally {
      b.close();
      await app.close();
    }
  });

  it("parses the exposition format, and refuses what it cannot read", () => {
    const s = parseMetrics(
      '# HELP x a help\n# TYPE x counter\nx{a="1",b="q\\"uote"} 3\nx{a="2"} 4.5\ny +Inf\n\nz_total 7 1700000000000\n',
    );
    expect(s).toEqual([
      { name: "x", labels: { a: "1", b: 'q"uote' }, value: 3 },
      { name: "x", labels: { a: "2" }, value: 4.5 },
      { name: "y", labels: {}, value: Infinity },
      { name: "z_total", labels: {}, value: 7 },
    ]);
    expect(metricValue(s, "x")).toBe(7.5);
    expect(metricValue(s, "x", { a: "2" })).toBe(4.5);
    expect(metricValue(s, "nope")).toBe(0);
    expect(() => parseMetrics("x{a=1} 3")).toThrow(SyntaxError);
    expect(() => parseMetrics("x 3 4 5")).toThrow(/line 1/);
    expect(() => parseMetrics("x abc")).toThrow(/not a number/);
  });
});

describe("environment overrides", () => {
  const fields = [
    { path: "listen", type: "string" },
    { path: "gossipMs", type: "integer" },
    { path: "priority", type: "number" },
    { path: "debug", type: "boolean" },
    { path: "claims", type: "json" },
    { path: "dns.listen", type: "string" },
    { path: "dns.ttl", type: "integer" },
  ] as const;

  it("names a field's variable: prefix + upper snake case of its path", () => {
    expect(envName("MESHD_", "gossipMs")).toBe("MESHD_GOSSIP_MS");
    expect(envName("MESHD_", "dns.listen")).toBe("MESHD_DNS_LISTEN");
    expect(envName("X_", "maxEntriesPerRequest")).toBe("X_MAX_ENTRIES_PER_REQUEST");
    expect(envName("CHRONOSEAL_COLLECTOR_", "storage.url")).toBe("CHRONOSEAL_COLLECTOR_STORAGE_URL");
    expect(() =>
      envNames("M_", [
        { path: "dnsListen", type: "string" },
        { path: "dns.listen", type: "string" },
      ]),
    ).toThrow(/both map to M_DNS_LISTEN/);
    expect(() => envNames("meshd_", fields)).toThrow(RangeError);
  });

  it("reads each type, ignores other prefixes, and puts the values over the file's", () => {
    const o = envOverrides("MESHD_", fields, {
      MESHD_LISTEN: "0.0.0.0:7000",
      MESHD_GOSSIP_MS: "250",
      MESHD_PRIORITY: "1.5",
      MESHD_DEBUG: "true",
      MESHD_CLAIMS: '["a","b"]',
      MESHD_DNS_TTL: "30",
      OTHER_LISTEN: "x",
      PATH: "/bin",
    });
    const raw: Record<string, unknown> = {
      listen: "127.0.0.1:1",
      gossipMs: 1000,
      dns: { listen: "127.0.0.1:53" },
    };
    applyOverrides(raw, o);
    expect(raw).toEqual({
      listen: "0.0.0.0:7000",
      gossipMs: 250,
      priority: 1.5,
      debug: true,
      claims: ["a", "b"],
      dns: { listen: "127.0.0.1:53", ttl: 30 },
    });
    const nested: Record<string, unknown> = { dns: "not an object" };
    applyOverrides(nested, envOverrides("MESHD_", fields, { MESHD_DNS_TTL: "5" }));
    expect(nested).toEqual({ dns: { ttl: 5 } });
  });

  it.each([
    [{ MESHD_GOSSIP_MS: "fast" }, /^MESHD_GOSSIP_MS: expected an integer, got "fast"$/],
    [{ MESHD_GOSSIP_MS: "1.5" }, /MESHD_GOSSIP_MS: expected an integer/],
    [{ MESHD_PRIORITY: "0x10" }, /MESHD_PRIORITY: expected a number/],
    [{ MESHD_DEBUG: "yes" }, /MESHD_DEBUG: expected true or false/],
    [{ MESHD_CLAIMS: "[a" }, /MESHD_CLAIMS: expected JSON/],
    [{ MESHD_CLAIMS: '{"a":1,"a":2}' }, /MESHD_CLAIMS: expected JSON/],
    [{ MESHD_LISTEN: "" }, /MESHD_LISTEN: is empty/],
    [{ MESHD_GOSIP_MS: "100" }, /MESHD_GOSIP_MS: unknown variable/],
  ])("refuses %j with an EnvError naming the variable", (env, message) => {
    expect(() => envOverrides("MESHD_", fields, env)).toThrow(EnvError);
    expect(() => envOverrides("MESHD_", fields, env)).toThrow(message);
  });

  it("blames the variable whose field a config error names", () => {
    const o = envOverrides("MESHD_", fields, {
      MESHD_DNS_LISTEN: "x",
      MESHD_LISTEN: "y",
      MESHD_GOSSIP_MS: "1",
    });
    expect(blameVariable("dns.listen: expected host:port", o)).toBe("MESHD_DNS_LISTEN");
    expect(blameVariable("listen: expected host:port", o)).toBe("MESHD_LISTEN");
    expect(blameVariable("gossipMs: expected an integer in 50..3600000", o)).toBe("MESHD_GOSSIP_MS");
    expect(blameVariable("fanout: expected an integer", o)).toBeUndefined();
    expect(blameVariable("listenAddress: nope", o)).toBeUndefined();
    const s = envOverrides("X_", [{ path: "storage.type", type: "string" }], { X_STORAGE_TYPE: "mysql" });
    expect(blameVariable("storage must be sqlite or postgres", s)).toBe("X_STORAGE_TYPE");
  });
  it("loadWithEnv: a bad variable and a refused field it set are the app's config error, naming it", () => {
    class AppConfigError extends Error {}
    const load = (env: Record<string, string>, check: (raw: Record<string, unknown>) => unknown) =>
      loadWithEnv({
        prefix: "MESHD_",
        fields,
        env,
        path: "/etc/app/listen.json",
        ConfigError: AppConfigError,
        check: (overrides) => {
          const raw: Record<string, unknown> = { listen: "127.0.0.1:1" };
          applyOverrides(raw, overrides);
          return check(raw);
        },
      });
    expect(load({ MESHD_GOSSIP_MS: "200" }, (raw) => raw)).toEqual({ listen: "127.0.0.1:1", gossipMs: 200 });
    // an unknown or unreadable variable: the app's error, naming the variable
    expect(() => load({ MESHD_NOPE: "1" }, (raw) => raw)).toThrow(AppConfigError);
    expect(() => load({ MESHD_GOSSIP_MS: "soon" }, (raw) => raw)).toThrow(
      /^MESHD_GOSSIP_MS: expected an integer/,
    );
    // the checks refuse a field a variable set: the variable leads the message; the file's path
    // (which contains "listen") is not taken for a field's name
    const refuse = (raw: Record<string, unknown>) => {
      if (raw.gossipMs === 1)
        throw new AppConfigError("config /etc/app/listen.json: gossipMs: expected 50..3600000");
      return raw;
    };
    expect(() => load({ MESHD_GOSSIP_MS: "1" }, refuse)).toThrow(
      "MESHD_GOSSIP_MS: config /etc/app/listen.json: gossipMs: expected 50..3600000",
    );
    expect(() => load({ MESHD_LISTEN: "0.0.0.0:2", MESHD_GOSSIP_MS: "1" }, refuse)).toThrow(
      /^MESHD_GOSSIP_MS: /,
    );
    // a refused field no variable set, and errors that are not config errors, pass through
    const fileError = new AppConfigError("config /etc/app/listen.json: fanout: expected an integer");
    expect(() =>
      load({ MESHD_GOSSIP_MS: "200" }, () => {
        throw fileError;
      }),
    ).toThrow(fileError);
    const other = new TypeError("boom");
    expect(() =>
      load({ MESHD_GOSSIP_MS: "1" }, () => {
        throw other;
      }),
    ).toThrow(other);
  });
});
