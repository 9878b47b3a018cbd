// meshd's operations surface with a real process on loopback: /healthz and /readyz (listening and
// every network's state loaded), MESHD_* overrides (and exit 2 naming a bad variable), and SIGHUP
// reloading claims, the settings file and logLevel while the node keeps its state and serves —
// a broken config or settings file keeps the running configuration. (Metrics after gossip between
// two nodes: packages/launch/test/mesh-ops.e2e.test.ts, which can use the launcher.)
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { encodePrivateKey, generateKeyPair, initKeys, type KeyPair, toBase64 } from "@chronoseal/core";
import { signEntry } from "@chronoseal/mesh";
import { freePort, LoggedProcess, write } from "@chronoseal/testkit";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));

let running: LoggedProcess[] = [];
afterEach(async () => {
  await Promise.all(running.map((m) => m.stop()));
  running = [];
});

function start(config: string, env: Record<string, string> = {}): LoggedProcess {
  const m = new LoggedProcess(main, ["--config", config], { env, name: "meshd" });
  running.push(m);
  return m;
}

let admin: KeyPair;
let node: KeyPair;
beforeAll(async () => {
  await initKeys();
  admin = generateKeyPair();
  node = generateKeyPair();
});

/** Admin-signed settings: this node is the attestor, names end in `.tld`. */
function settings(tld: string, at: number) {
  const key = toBase64(admin.publicKey);
  return signEntry(
    {
      kind: "settings",
      network: key,
      writer: key,
      last_updated: new Date(at).toISOString(),
      tld,
      attestors: [toBase64(node.publicKey)],
      banned: [],
      overrides: {},
      host_ttl: 0,
      sections: {},
    },
    admin.secretKey,
    at,
  );
}

function setup(extra: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "meshd-ops-"));
  write(dir, "node.pem", encodePrivateKey(node, "pem") as string);
  write(dir, "settings.json", settings("one", Date.now() - 60_000));
  const network = toBase64(admin.publicKey);
  const config = (port: number, more: Record<string, unknown> = {}) =>
    write(dir, "meshd.json", {
      stateDir: "state",
      listen: `127.0.0.1:${port}`,
      nodeKeyFile: "node.pem",
      attestorKeyFile: "node.pem",
      networks: [{ admin: network, settingsFile: "settings.json" }],
      claims: ["alpha"],
      gossipMs: 200,
      ...extra,
      ...more,
    });
  return { dir, network, config };
}

async function dnsNames(base: string): Promise<string[]> {
  const lines = (await (await fetch(`${base}/v1/dns`)).json()) as { hostname: string }[];
  return lines.map((l) => l.hostname).sort();
}

describe("meshd health and readiness", () => {
  it("/healthz is up; /readyz names each check (listening, every network's state)", async () => {
    const port = await freePort();
    const s = setup();
    const m = start(s.config(port));
    await m.line("mesh node started");
    const base = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: "ok" });
    const r = await fetch(`${base}/readyz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      status: "ready",
      checks: { listening: "ok", [`network ${s.network}`]: "ok" },
    });
    expect((await fetch(`${base}/metrics`)).headers.get("content-type")).toMatch(/^text\/plain/);
  });
});

describe("meshd environment overrides", () => {
  it("MESHD_LISTEN, MESHD_CLAIMS and MESHD_LOG_LEVEL are put over the file", async () => {
    const port = await freePort();
    const s = setup();
    const m = start(s.config(1), {
      MESHD_LISTEN: `127.0.0.1:${port}`,
      MESHD_CLAIMS: '["from-env"]',
      MESHD_LOG_LEVEL: "debug",
    });
    expect((await m.line("mesh node started")).url).toBe(`http://127.0.0.1:${port}`);
    const base = `http://127.0.0.1:${port}`;
    expect(await dnsNames(base)).toEqual(["from-env.one"]);
    expect((await m.line("request")).msg).toBe("request"); // debug: one line per request
  });

  it.each([
    [{ MESHD_FANOUT: "0" }, /^meshd: MESHD_FANOUT: fanout: expected an integer in 1\.\.64$/],
    [{ MESHD_GOSSIP_MS: "often" }, /^meshd: MESHD_GOSSIP_MS: expected an integer, got "often"$/],
    [{ MESHD_DNS_LISTEN: "53" }, /^meshd: MESHD_DNS_LISTEN: dns\.listen: expected host:port$/],
    [{ MESHD_NETWORKS: "[]" }, /^meshd: MESHD_NETWORKS: networks: expected a non-empty array$/],
    [{ MESHD_CLAIMS: '["Bad Name"]' }, /^meshd: MESHD_CLAIMS: claims: expected an array of host names/],
    [{ MESHD_LOGLEVEL: "debug" }, /^meshd: MESHD_LOGLEVEL: unknown variable/],
  ])("a bad variable %j: exit 2 naming it", async (env, message) => {
    const s = setup();
    const r = spawnSync(process.execPath, [main, "--config", s.config(await freePort())], {
      encoding: "utf8",
      env: { ...process.env, ...env },
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
  });
});

describe("meshd SIGHUP", () => {
  it("reloads claims, the settings file and logLevel without a restart; a broken file changes nothing", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const s = setup();
    const m = start(s.config(port));
    const started = await m.line("mesh node started");
    expect(await dnsNames(base)).toEqual(["alpha.one"]);

    // a claim added
    s.config(port, { claims: ["alpha", "beta"] });
    m.child.kill("SIGHUP");
    expect((await m.line("reloaded")).changed).toEqual(["claims"]);
    expect(await dnsNames(base)).toEqual(["alpha.one", "beta.one"]);

    // a newer settings entry (another tld) in the same file, and debug logs
    write(s.dir, "settings.json", settings("two", Date.now()));
    s.config(port, { claims: ["alpha", "beta"], logLevel: "debug" });
    m.child.kill("SIGHUP");
    expect((await m.line("reloaded", 2)).changed).toEqual(["logLevel", "networks[0].settings"]);
    expect(await dnsNames(base)).toEqual(["alpha.two", "beta.two"]);
    expect((await m.line("request")).msg).toBe("request");

    // broken: the config, then the settings file; the node keeps serving with what it has
    write(s.dir, "meshd.json", "{ not json");
    m.child.kill("SIGHUP");
    expect((await m.line("reload failed: the running configuration is kept")).error).toMatch(/meshd\.json/);
    s.config(port, { claims: ["gamma"], logLevel: "debug" });
    write(s.dir, "settings.json", "{");
    m.child.kill("SIGHUP");
    expect((await m.line("reload failed: the running configuration is kept", 2)).error).toMatch(
      /networks\[0\]\.settingsFile .*settings\.json/,
    );
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await dnsNames(base)).toEqual(["alpha.two", "beta.two"]); // gamma was not applied

    // a field that needs a restart is named, the rest applied
    write(s.dir, "settings.json", settings("two", Date.now() - 1000)); // older: changes nothing
    s.config(port, { claims: ["alpha", "beta"], logLevel: "debug", gossipMs: 300 });
    m.child.kill("SIGHUP");
    expect((await m.line("reloaded", 3)).changed).toEqual([]);
    expect((await m.line("changed in the config but only applied at the next start")).fields).toEqual([
      "gossipMs",
    ]);
    expect(m.lines.filter((l) => l.msg === "mesh node started")).toEqual([started]); // never restarted
    expect(await m.stop()).toBe(0);
    running = [];
  });
});
