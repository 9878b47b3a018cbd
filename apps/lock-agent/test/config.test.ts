// The lock agent's config checks.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

const dir = mkdtempSync(join(tmpdir(), "lock-config-"));
const write = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
};
const base = {
  dir: "device",
  door: "door-1",
  keyFile: "device.pem",
  collector: "http://127.0.0.1:7440",
  anchorsFile: "anchors.ndjson",
};

describe("lock agent config", () => {
  it("fills defaults and resolves paths against the config file", () => {
    expect(loadConfig(write("ok.json", base))).toEqual({
      ...base,
      dir: join(dir, "device"),
      keyFile: join(dir, "device.pem"),
      anchorsFile: join(dir, "anchors.ndjson"),
      periods: "monthly",
      witnesses: [],
      tickMs: 1000,
      uplink: {},
      driver: { type: "simulated" },
      status: { everyMs: 5000 },
      logLevel: "info",
    });
    expect(
      loadConfig(write("st.json", { ...base, status: { listen: "[::1]:9100", everyMs: 250 } })).status,
    ).toEqual({
      listen: { host: "::1", port: 9100 },
      everyMs: 250,
    });
    const m = loadConfig(
      write("m.json", {
        ...base,
        driver: { type: "module", path: "hw.js", options: { port: "/dev/ttyS0" } },
      }),
    );
    expect(m.driver).toEqual({ type: "module", path: join(dir, "hw.js"), options: { port: "/dev/ttyS0" } });
  });

  it("heads, authorization and a simulated clock's start", () => {
    const c = loadConfig(
      write("ops.json", {
        ...base,
        headIntervalMs: 0,
        authorize: { allowlist: "badges.txt" },
        driver: { type: "simulated", startAt: "2025-01-31T23:58:00.000Z" },
      }),
    );
    expect(c).toMatchObject({
      headIntervalMs: 0,
      authorize: { allowlist: join(dir, "badges.txt") },
      driver: { type: "simulated", startAt: "2025-01-31T23:58:00.000Z" },
    });
    expect(loadConfig(write("mod.json", { ...base, authorize: { module: "a.mjs" } })).authorize).toEqual({
      module: join(dir, "a.mjs"),
    });
  });

  it("anchors in a mesh instead of a file", () => {
    const mesh = {
      nodes: ["http://127.0.0.1:7331"],
      network: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
    };
    const c = loadConfig(write("mesh.json", { ...base, anchorsFile: undefined, mesh }));
    expect(c.mesh).toEqual(mesh);
    expect(c.anchorsFile).toBeUndefined();
  });

  it("witnesses: a vkey, or a bare key with its name", () => {
    // The signed-note spec's example key; and a cosignature/v1 key as a bare base64 key.
    const vkey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
    const bare = "6TJ5Gubnocay1LeD5UBLkdT3Ij7jDfj/hKr5fgdn/xI=";
    const c = loadConfig(
      write("w.json", {
        ...base,
        witnesses: [
          { url: "http://127.0.0.1:7331/", key: vkey },
          { url: "https://w2.example/witness", key: bare, name: "w2.example" },
        ],
        witnessWaitMs: 2000,
      }),
    );
    expect(c.witnesses.map((w) => [w.url, w.name, w.verifier.type ?? "ed25519"])).toEqual([
      ["http://127.0.0.1:7331", "example.com/foo", "ed25519"],
      ["https://w2.example/witness", "w2.example", "cosignature/v1"],
    ]);
    expect(c.witnessWaitMs).toBe(2000);
  });

  const bad: [string, unknown, RegExp][] = [
    ["status not an object", { ...base, status: "on" }, /status must be/],
    ["status listen", { ...base, status: { listen: "9100" } }, /status\.listen must be host:port/],
    ["status every", { ...base, status: { everyMs: 1 } }, /status\.everyMs must be an integer/],
    ["status unknown field", { ...base, status: { port: 1 } }, /status: unknown field port/],
    ["witnesses not a list", { ...base, witnesses: {} }, /witnesses: expected an array/],
    ["witness without url", { ...base, witnesses: [{ key: "x" }] }, /witnesses\[0\]\.url/],
    [
      "witness bare key without name",
      { ...base, witnesses: [{ url: "http://w", key: "6TJ5Gubnocay1LeD5UBLkdT3Ij7jDfj/hKr5fgdn/xI=" }] },
      /needs the witness's name/,
    ],
    [
      "witness name not the vkey's",
      {
        ...base,
        witnesses: [
          {
            url: "http://w",
            key: "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
            name: "x",
          },
        ],
      },
      /named example.com\/foo/,
    ],
    ["bad witnessWaitMs", { ...base, witnessWaitMs: 0 }, /witnessWaitMs/],
    ["not JSON", "[", /config/],
    ["missing door", { ...base, door: undefined }, /door must be/],
    ["bad door", { ...base, door: "door 1" }, /door must be/],
    ["bad collector", { ...base, collector: "ftp://x" }, /collector/],
    ["unknown field", { ...base, colector: "x" }, /unknown field colector/],
    ["bad anchorEvery", { ...base, anchorEvery: 0 }, /anchorEvery/],
    ["bad tickMs", { ...base, tickMs: 1.5 }, /tickMs/],
    ["bad periods", { ...base, periods: "weekly" }, /periods/],
    ["bad driver", { ...base, driver: { type: "serial" } }, /driver.type/],
    ["bad driver option", { ...base, driver: { type: "simulated", seed: -1 } }, /driver.seed/],
    ["bad uplink", { ...base, uplink: { batchSize: 20_000 } }, /uplink.batchSize/],
    ["bad headIntervalMs", { ...base, headIntervalMs: -1 }, /headIntervalMs/],
    ["bad authorize", { ...base, authorize: { allowlist: "a", module: "b" } }, /authorize must be/],
    ["bad authorize kind", { ...base, authorize: { file: "a" } }, /authorize must be/],
    ["bad startAt", { ...base, driver: { type: "simulated", startAt: "yesterday" } }, /driver.startAt/],
    ["no anchors", { ...base, anchorsFile: undefined }, /exactly one of anchorsFile and mesh/],
    [
      "both anchors",
      {
        ...base,
        mesh: { nodes: ["http://127.0.0.1:7331"], network: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=" },
      },
      /exactly one of anchorsFile and mesh/,
    ],
    [
      "mesh without nodes",
      { ...base, anchorsFile: undefined, mesh: { nodes: [], network: "x" } },
      /mesh.nodes/,
    ],
    [
      "mesh bad network",
      { ...base, anchorsFile: undefined, mesh: { nodes: ["http://127.0.0.1:7331"], network: "x" } },
      /mesh.network/,
    ],
  ];
  for (const [name, value, re] of bad)
    it(`rejects: ${name}`, () => {
      const path = write(`${name}.json`, value);
      expect(() => loadConfig(path)).toThrow(ConfigError);
      expect(() => loadConfig(path)).toThrow(re);
    });
});
