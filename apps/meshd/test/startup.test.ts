// meshd's start-up failures, each with a real process: the port in use, a state directory that
// is not a directory, cannot be listed, or cannot be written. Each prints one line naming the
// problem on stderr (never a stack trace) and exits 2. Permission cases run the daemon as an
// unprivileged user when the tests run as root (root may read and write any directory).
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { encodePrivateKey, generateKeyPair, initKeys } from "@chronoseal/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const main = resolve(dirname(fileURLToPath(import.meta.url)), "..", "dist", "main.js");
const ADMIN = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;
let root = "";

beforeAll(async () => {
  await initKeys();
  root = mkdtempSync(join(tmpdir(), "meshd-startup-"));
  chmodSync(root, 0o755); // an unprivileged daemon must reach its config inside
  // a throwaway key, readable by the unprivileged user too
  writeFileSync(join(root, "node.pem"), encodePrivateKey(generateKeyPair(), "pem") as string, {
    mode: 0o644,
  });
});

const squatter = createServer();
afterAll(() => new Promise<void>((r) => squatter.close(() => r())));

function run(config: Record<string, unknown>, o: { unprivileged?: boolean } = {}) {
  const path = join(root, `meshd-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      nodeKeyFile: "node.pem",
      networks: [{ admin: ADMIN }],
      listen: "127.0.0.1:0",
      ...config,
    }),
    { mode: 0o644 },
  );
  const r = spawnSync(process.execPath, [main, "--config", path], {
    encoding: "utf8",
    timeout: 20_000,
    ...(o.unprivileged && asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

/** One line on stderr, no stack trace, exit code 2. */
function expectOneLine(r: { status: number | null; stderr: string }, message: RegExp): void {
  expect(r.status, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^meshd: /);
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("meshd start-up failures", () => {
  it("the port in use", async () => {
    await new Promise<void>((r) => squatter.listen(0, "127.0.0.1", r));
    const port = (squatter.address() as { port: number }).port;
    const r = run({ stateDir: "s-port", listen: `127.0.0.1:${port}` });
    expectOneLine(r, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: address already in use`));
  });

  it("a state directory that is a file", () => {
    writeFileSync(join(root, "s-file"), "not a directory");
    expectOneLine(
      run({ stateDir: "s-file" }),
      /state directory .*s-file: exists and is not a directory \(EEXIST\)/,
    );
  });

  it("a state directory that cannot be listed", () => {
    const dir = join(root, "s-unreadable");
    mkdirSync(dir, { mode: 0o700 });
    if (!asRoot) chmodSync(dir, 0o000);
    const r = run({ stateDir: "s-unreadable" }, { unprivileged: true });
    if (!asRoot) chmodSync(dir, 0o700);
    expectOneLine(r, /state directory .*s-unreadable: permission denied \(EACCES\)/);
  });

  it("a state directory that cannot be written", () => {
    const dir = join(root, "s-readonly");
    mkdirSync(dir, { mode: 0o755 });
    if (!asRoot) chmodSync(dir, 0o555);
    const r = run({ stateDir: "s-readonly" }, { unprivileged: true });
    if (!asRoot) chmodSync(dir, 0o755);
    expectOneLine(r, /state directory .*s-readonly: permission denied \(EACCES\)/);
  });

  // A settings entry the node could not load back from its own state file (the data.json schema
  // every peer's entries meet) is refused at the start, so meshd never stores it and then moves
  // its state aside as corrupt on the next restart.
  const settings = {
    kind: "settings",
    network: ADMIN,
    writer: ADMIN,
    last_updated: "2025-01-01T00:00:00.000Z",
    signatures: {},
    tld: "mesh",
    attestors: [],
    banned: [],
    overrides: {},
    host_ttl: 0,
    sections: {},
  };
  const hostile: [string, Record<string, unknown>][] = [
    ["a TLD longer than a DNS label", { tld: "x".repeat(64) }],
    ["an attestor key that is not canonical base64", { attestors: [`${ADMIN.slice(0, -2)}x=`] }],
    ["an attestor key of the wrong length", { attestors: ["AAAA"] }],
    ["a field the schema does not know", { extra: 1 }],
    ["an override name that is not a host label", { overrides: { "Bad Name": ADMIN } }],
    ["another kind of entry", { kind: "host", addresses: ["127.0.0.1"], port: 1 }],
    ["another network's settings", { network: "22qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=" }],
  ];
  for (const [name, change] of hostile)
    it(`a settings file with ${name}`, () => {
      const file = `settings-${Math.random().toString(36).slice(2)}.json`;
      writeFileSync(join(root, file), JSON.stringify({ ...settings, ...change }), { mode: 0o644 });
      const r = run({ stateDir: "s-settings", networks: [{ admin: ADMIN, settingsFile: file }] });
      expectOneLine(
        r,
        new RegExp(`networks\\[0\\]\\.settingsFile .*${file}: the settings entry does not match the schema`),
      );
    });

  it("an unknown option", () => {
    const r = spawnSync(process.execPath, [main, "--bogus"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^meshd: .*bogus/);
  });
});
