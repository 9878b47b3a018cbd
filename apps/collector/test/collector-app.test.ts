// The collector executable: its config checks, and a real process on loopback that ingests,
// logs JSON lines and stops cleanly on SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatTimestamp, initKeys, keyPairFromSeed, signDocument, toBase64 } from "@chronoseal/core";
import { freePort } from "@chronoseal/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

const main = resolve(dirname(fileURLToPath(import.meta.url)), "..", "dist", "main.js");
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

const KEY = toBase64(new Uint8Array(32).fill(1));

function write(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

describe("collector config", () => {
  const dir = mkdtempSync(join(tmpdir(), "collector-config-"));
  it("reads a good config (paths relative to the file, devices inline or from a file)", () => {
    const c = loadConfig(
      write(dir, "a.json", { storage: { type: "sqlite", path: "c.db" }, devices: { "door-1": KEY } }),
    );
    expect(c).toMatchObject({
      listen: { host: "127.0.0.1", port: 7440 },
      storage: { type: "sqlite", path: join(dir, "c.db") },
      logLevel: "info",
    });
    write(dir, "devices.json", { "door-2": KEY });
    const d = loadConfig(
      write(dir, "b.json", {
        listen: "0.0.0.0:8000",
        storage: { type: "postgres", url: "postgres://x@h/db" },
        devicesFile: "devices.json",
      }),
    );
    expect([...d.devices.keys()]).toEqual(["door-2"]);
    const mesh = { nodes: ["http://127.0.0.1:7331"], network: KEY };
    const m = loadConfig(write(dir, "m.json", { storage: { type: "sqlite", path: "c.db" }, mesh }));
    expect(m.mesh).toEqual(mesh);
    expect(m.devices.size).toBe(0); // every door from the mesh registry
  });

  const bad: [string, unknown, RegExp][] = [
    ["not JSON", "{", /config .*:/],
    [
      "unknown field",
      { storage: { type: "sqlite", path: "x" }, devices: {}, extra: 1 },
      /unknown field extra/,
    ],
    [
      "bad listen",
      { listen: "7440", storage: { type: "sqlite", path: "x" }, devices: {} },
      /listen must be host:port/,
    ],
    ["bad storage", { storage: { type: "mysql" }, devices: {} }, /storage must be/],
    ["bad door", { storage: { type: "sqlite", path: "x" }, devices: { "a door": KEY } }, /door "a door"/],
    ["bad key", { storage: { type: "sqlite", path: "x" }, devices: { d: "AAAA" } }, /devices\.d: .*32 bytes/],
    ["bad level", { storage: { type: "sqlite", path: "x" }, devices: {}, logLevel: "loud" }, /logLevel/],
    ["no devices", { storage: { type: "sqlite", path: "x" } }, /devices: expected an object/],
    [
      "bad mesh nodes",
      { storage: { type: "sqlite", path: "x" }, mesh: { nodes: ["x"], network: KEY } },
      /mesh.nodes/,
    ],
    [
      "bad mesh network",
      { storage: { type: "sqlite", path: "x" }, mesh: { nodes: ["http://h:1"], network: "k" } },
      /mesh.network/,
    ],
    [
      "bad mesh refresh",
      { storage: { type: "sqlite", path: "x" }, mesh: { nodes: ["http://h:1"], network: KEY, refreshMs: 1 } },
      /mesh.refreshMs/,
    ],
  ];
  for (const [name, value, re] of bad)
    it(`rejects: ${name}`, () => {
      expect(() => loadConfig(write(dir, `${name}.json`, value))).toThrow(ConfigError);
      expect(() => loadConfig(write(dir, `${name}.json`, value))).toThrow(re);
    });
});

describe("collector process", () => {
  it("serves, logs JSON, refuses bad config with exit 2, and stops cleanly on SIGTERM", async () => {
    await initKeys();
    const dir = mkdtempSync(join(tmpdir(), "collector-app-"));
    const kp = keyPairFromSeed(new Uint8Array(32).fill(4));
    const port = await freePort();
    const config = write(dir, "collector.json", {
      listen: `127.0.0.1:${port}`,
      storage: { type: "sqlite", path: "c.db" },
      devices: { "door-4": toBase64(kp.publicKey) },
    });
    const badRun = spawn(process.execPath, [main, "--config", write(dir, "bad.json", { storage: {} })], {
      stdio: "pipe",
    });
    const badCode = await new Promise<number | null>((r) => badRun.once("exit", r));
    expect(badCode).toBe(2);
    const child = spawn(process.execPath, [main, "--config", config], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(child);
    let out = "";
    const listening = new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (d) => {
        out += d;
        if (out.includes("collector listening")) resolve();
      });
      child.once("exit", () => reject(new Error("collector exited")));
    });
    await listening;
    // (the lock-entry signing rule, via core: this app does not depend on the lock package)
    const entry = signDocument(
      {
        v: 1,
        chain: "door-4/2025-01",
        seq: 0,
        prev: "",
        door: "door-4",
        time: formatTimestamp(Date.UTC(2025, 0, 6)),
        event: "chain-opened",
      },
      { secretKey: kp.secretKey, context: "lock-entry", signedAt: Date.UTC(2025, 0, 6) },
    );
    const r = await fetch(`http://127.0.0.1:${port}/v1/entries`, {
      method: "POST",
      body: JSON.stringify([entry]),
    });
    expect(await r.json()).toEqual({ accepted: 1, duplicates: 0 });
    expect((await fetch(`http://127.0.0.1:${port}/v1/entries`, { method: "POST", body: "[" })).status).toBe(
      400,
    );
    child.kill("SIGTERM");
    expect(await new Promise((r) => child.once("exit", r))).toBe(0);
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(lines.map((l) => l.msg)).toEqual([
      "collector listening",
      "ingest",
      "bad request",
      "stopping",
      "stopped",
    ]);
  });
});
