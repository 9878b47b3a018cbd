// The collector's start-up failures, each with a real process: the port in use, a SQLite file
// whose directory is missing, cannot be listed or cannot be written, a PostgreSQL database that
// does not answer, and the PostgreSQL driver not installed. Each prints one line naming the
// problem on stderr (never a stack trace, never the database password) and exits 2. Permission
// cases run the collector as an unprivileged user when the tests run as root.
import { type ChildProcess, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@chronoseal/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const main = resolve(here, "..", "dist", "main.js");
const KEY = Buffer.alloc(32, 1).toString("base64");
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;
let root = "";

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "collector-startup-"));
  chmodSync(root, 0o755);
});

const squatter = createServer();
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await new Promise<void>((r) => squatter.close(() => r()));
});

function run(config: Record<string, unknown>, o: { unprivileged?: boolean; nodeArgs?: string[] } = {}) {
  const path = join(root, `c-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ listen: "127.0.0.1:0", devices: { d1: KEY }, ...config }), {
    mode: 0o644,
  });
  const r = spawnSync(process.execPath, [...(o.nodeArgs ?? []), main, "--config", path], {
    encoding: "utf8",
    timeout: 30_000,
    ...(o.unprivileged && asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  return { status: r.status, stderr: r.stderr };
}

function expectOneLine(r: { status: number | null; stderr: string }, message: RegExp): void {
  expect(r.status, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^chronoseal-collector: /);
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const sqlite = (path: string) => ({ storage: { type: "sqlite", path } });

describe("collector start-up failures", () => {
  it("the port in use", async () => {
    await new Promise<void>((r) => squatter.listen(0, "127.0.0.1", r));
    const port = (squatter.address() as { port: number }).port;
    const r = run({ ...sqlite("port.db"), listen: `127.0.0.1:${port}` });
    expectOneLine(r, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: address already in use`));
  });

  it("a SQLite file in a directory that does not exist", () => {
    expectOneLine(
      run(sqlite("missing/dir/c.db")),
      /SQLite .*missing\/dir\/c\.db: .*directory does not exist/,
    );
  });

  it("a SQLite file in a directory that cannot be listed or written", () => {
    for (const [name, mode] of [
      ["unreadable", 0o700],
      ["readonly", 0o755],
    ] as const) {
      const dir = join(root, name);
      mkdirSync(dir, { mode });
      if (!asRoot) chmodSync(dir, name === "unreadable" ? 0o000 : 0o555);
      const r = run(sqlite(`${name}/c.db`), { unprivileged: true });
      if (!asRoot) chmodSync(dir, 0o755);
      expectOneLine(
        r,
        new RegExp(`SQLite .*${name}/c\\.db: unable to open database file \\(SQLITE_CANTOPEN\\)`),
      );
    }
  });

  it("a PostgreSQL database that does not answer (the password stays out of the message)", async () => {
    const port = await freePort();
    const r = run({ storage: { type: "postgres", url: `postgres://u:s3cret@127.0.0.1:${port}/db` } });
    expectOneLine(
      r,
      new RegExp(`PostgreSQL postgres://u:\\*\\*\\*@127\\.0\\.0\\.1:${port}/db: .*ECONNREFUSED`),
    );
    expect(r.stderr).not.toContain("s3cret");
  });

  it("the PostgreSQL driver not installed", () => {
    const r = run(
      { storage: { type: "postgres", url: "postgres://u@127.0.0.1:1/db" } },
      { nodeArgs: ["--import", join(here, "no-pg.mjs")] },
    );
    expectOneLine(r, /PostgreSQL storage needs the pg package: npm install pg/);
  });

  it("without the driver, a SQLite collector still starts (pg is loaded only for PostgreSQL)", async () => {
    const { spawn } = await import("node:child_process");
    const port = await freePort();
    const path = join(root, "nopg.json");
    writeFileSync(
      path,
      JSON.stringify({ listen: `127.0.0.1:${port}`, devices: { d1: KEY }, ...sqlite("nopg.db") }),
    );
    const child = spawn(process.execPath, ["--import", join(here, "no-pg.mjs"), main, "--config", path], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let out = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (d) => {
        out += d;
        if (out.includes("collector listening")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`exited with ${code}`)));
    });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    child.kill("SIGTERM");
    expect(await new Promise((r) => child.once("exit", r))).toBe(0);
  });
});
