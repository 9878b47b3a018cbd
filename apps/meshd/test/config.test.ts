// meshd's config checks: every field named in its error; JSON and TOML; exit code 2 on a bad file.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

const dir = mkdtempSync(join(tmpdir(), "meshd-config-"));
const ADMIN = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const json = (o: unknown) => write(`c${Math.random()}.json`, JSON.stringify(o));
const base = { stateDir: "s", nodeKeyFile: "node.pem", networks: [{ admin: ADMIN }] };

describe("meshd config", () => {
  it("fills defaults and resolves paths relative to the file", () => {
    const c = loadConfig(json(base));
    expect(c).toMatchObject({ host: "127.0.0.1", port: 7331, gossipMs: 1000, fanout: 3, claims: [] });
    expect(c.stateDir).toBe(join(dir, "s"));
    expect(c.networks[0]).toMatchObject({ admin: ADMIN, priority: 1, bootstrapPeers: [], bootstrapUrls: [] });
    expect(c.dnsFormat).toBe("ip");
    expect(c.dns).toBeUndefined();
    const d = loadConfig(
      json({ ...base, dns: { listen: "[::1]:5353" }, dnsFormat: "ips", maxBackoffMs: 500 }),
    );
    expect(d).toMatchObject({
      dns: { host: "::1", port: 5353, ttl: 10 },
      dnsFormat: "ips",
      maxBackoffMs: 500,
    });
  });

  it("reads TOML", () => {
    const p = write(
      "m.toml",
      `stateDir = "s"\nnodeKeyFile = "n.pem"\nlisten = "127.0.0.1:7400"\nclaims = ["mors"]\n[[networks]]\nadmin = "${ADMIN}"\npriority = 1.5\nbootstrapUrls = ["data.json", "https://example.invalid/data.json"]\n`,
    );
    const c = loadConfig(p);
    expect(c.port).toBe(7400);
    expect(c.networks[0]!.priority).toBe(1.5);
    expect(c.networks[0]!.bootstrapUrls).toEqual([
      join(dir, "data.json"),
      "https://example.invalid/data.json",
    ]);
  });

  it.each([
    [{ ...base, extra: 1 }, /unknown field extra/],
    [{ ...base, listen: "nope" }, /listen: expected host:port/],
    [{ ...base, networks: [] }, /networks: expected a non-empty array/],
    [{ ...base, networks: [{ admin: "short" }] }, /networks\[0\]\.admin/],
    [{ ...base, networks: [{ admin: ADMIN, priority: "1" }] }, /networks\[0\]\.priority/],
    [{ ...base, networks: [{ admin: ADMIN, bootstrapPeers: ["ftp://x"] }] }, /networks\[0\]\.bootstrapPeers/],
    [{ ...base, networks: [{ admin: ADMIN }, { admin: ADMIN }] }, /same admin key appears twice/],
    [{ ...base, claims: ["Not_A_Name"] }, /claims: expected an array of host names/],
    [{ ...base, gossipMs: 1 }, /gossipMs: expected an integer/],
    [{ ...base, logLevel: "loud" }, /logLevel/],
    [{ networks: base.networks, nodeKeyFile: "k" }, /stateDir: expected a path/],
    [{ ...base, dns: { listen: "nope" } }, /dns\.listen: expected host:port/],
    [{ ...base, dns: { listen: "127.0.0.1:53", port: 1 } }, /dns: unknown field port/],
    [{ ...base, dns: { listen: "127.0.0.1:53", ttl: -1 } }, /dns\.ttl: expected an integer/],
    [{ ...base, dnsFormat: "json" }, /dnsFormat: expected "ip" or "ips"/],
    [{ ...base, maxEntriesPerRequest: 0 }, /maxEntriesPerRequest: expected an integer/],
  ])("refuses %j", (config, message) => {
    expect(() => loadConfig(json(config))).toThrow(message);
    expect(() => loadConfig(json(config))).toThrow(ConfigError);
  });

  it("reads a witness section: paths, the default state directory, origin and prefix logs", () => {
    const vkey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"; // signed-note spec
    const logs = [
      { origin: "example.org/log", key: vkey },
      { originPrefix: "chronoseal-lock/", keys: [vkey] },
    ];
    const c = loadConfig(json({ ...base, witness: { name: "w.example/1", keyFile: "w.pem", logs } }));
    expect(c.witness).toMatchObject({
      name: "w.example/1",
      keyFile: join(dir, "w.pem"),
      stateDir: join(dir, "s", "witness"),
      prefix: "",
    });
    expect(c.witness!.logs.map((l) => l.origin ?? l.originPrefix)).toEqual([
      "example.org/log",
      "chronoseal-lock/",
    ]);
    const w = { name: "w", keyFile: "w.pem", logs };
    for (const [bad, message] of [
      [
        { ...w, logs: [{ origin: "o", key: vkey, originPrefix: "p" }] },
        /exactly one of origin and originPrefix/,
      ],
      [{ ...w, logs: [{ origin: "o" }] }, /exactly one of key and keys/],
      [{ ...w, logs: [{ origin: "o\u0001", key: vkey }] }, /witness\.logs\[0\]\.origin/],
      [{ ...w, prefix: "witness" }, /witness\.prefix/],
      [{ ...w, keyFile: "" }, /witness\.keyFile: expected a path/],
      ["yes", /witness: expected an object/],
    ] as const)
      expect(() => loadConfig(json({ ...base, witness: bad })), JSON.stringify(bad)).toThrow(message);
  });

  it("the daemon exits 2 with the field named", () => {
    const main = resolve(dirname(fileURLToPath(import.meta.url)), "..", "dist", "main.js");
    const r = spawnSync(process.execPath, [main, "--config", json({ ...base, fanout: 0 })], {
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/fanout: expected an integer in 1\.\.64/);
    const k = spawnSync(process.execPath, [main, "--config", json(base)], { encoding: "utf8" });
    expect(k.status).toBe(2);
    expect(k.stderr).toMatch(/nodeKeyFile .*node\.pem/);
  });
});
