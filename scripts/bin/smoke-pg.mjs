// The smoke test's PostgreSQL step (smoke.mjs step 7): the collector executable carries `pg`
// (bundled for the computed import of its PostgreSQL driver). A database is made for the run
// with PostgreSQL's createdb, the collector starts on it, answers a query, stops, and the
// database is dropped.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { check, freePort, getJson, waitFor } from "./smoke-lib.mjs";

function pgTool(name) {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(base, v, "bin", name))) return join(base, v, "bin", name);
  return name; // on PATH
}

export async function postgresStep(bins, work, serverUrl) {
  const u = new URL(serverUrl);
  const db = `smoke_${process.pid}_${Date.now() % 1e6}`;
  const conn = [
    "-h",
    u.hostname,
    "-p",
    u.port || "5432",
    ...(u.username ? ["-U", decodeURIComponent(u.username)] : []),
  ];
  const pgEnv = { ...process.env, ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}) };
  execFileSync(pgTool("createdb"), [...conn, db], { env: pgEnv, stdio: ["ignore", "ignore", "inherit"] });
  try {
    u.pathname = `/${db}`;
    const port = await freePort();
    const dir = join(work, "collector-pg");
    mkdirSync(dir);
    writeFileSync(
      join(dir, "collector.json"),
      JSON.stringify({
        listen: `127.0.0.1:${port}`,
        storage: { type: "postgres", url: u.toString() },
        devices: {},
      }),
    );
    const c = bins.start("chronoseal-collector", ["--config", "collector.json", "--exit-with-parent"], {
      cwd: dir,
    });
    const chains = await waitFor(
      "collector on PostgreSQL",
      () => getJson(`http://127.0.0.1:${port}/v1/chains`),
      {
        daemons: [c],
      },
    );
    check(
      Array.isArray(chains) && chains.length === 0,
      `GET /v1/chains on an empty database: ${JSON.stringify(chains)}`,
    );
    check((await c.stop()) === 0, `collector on PostgreSQL: no clean stop\n${c.stderr}`);
  } finally {
    execFileSync(pgTool("dropdb"), [...conn, "--if-exists", db], {
      env: pgEnv,
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
}
