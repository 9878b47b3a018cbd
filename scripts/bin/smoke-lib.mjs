// Helpers of the single-executable smoke test (smoke.mjs): steps that count passes and failures,
// the executables run from an empty directory with a minimal environment, daemons whose JSON log
// lines are kept, bounded waits on a condition, free loopback ports.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";

class SmokeError extends Error {
  constructor(message) {
    super(message);
    this.name = "SmokeError";
    this.code = "ERR_SMOKE";
  }
}

export function check(ok, message) {
  if (!ok) throw new SmokeError(message);
}

/** Named steps run in order; the first failure stops the run (later steps depend on earlier ones). */
export class Steps {
  passed = 0;
  failed = 0;
  async run(title, fn) {
    if (this.failed) return undefined;
    const t0 = process.hrtime.bigint();
    try {
      const out = await fn();
      this.passed++;
      console.log(`ok    ${title} (${Number((process.hrtime.bigint() - t0) / 1_000_000n)} ms)`);
      return out;
    } catch (e) {
      this.failed++;
      console.log(`FAIL  ${title}\n      ${String(e?.stack ?? e).replaceAll("\n", "\n      ")}`);
      return undefined;
    }
  }
}

/** Runs the executables of `binDir` with `cwd` and `env` only: no Node, no node_modules, no repo. */
export class Bins {
  daemons = new Set();
  constructor(binDir, cwd, env) {
    this.binDir = binDir;
    this.cwd = cwd;
    this.env = env;
  }

  /** Runs to completion: { status, stdout, stderr }. */
  run(name, args, o = {}) {
    const r = spawnSync(join(this.binDir, name), args, {
      cwd: o.cwd ?? this.cwd,
      env: { ...this.env, ...o.env },
      encoding: "utf8",
      input: o.input ?? "",
      timeout: 120_000,
    });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** Like run, but exit 0 is required; returns stdout. */
  ok(name, args, o) {
    const r = this.run(name, args, o);
    check(r.status === 0, `${name} ${args.join(" ")}: exit ${r.status}\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** Starts a daemon (stdin a pipe: `--exit-with-parent` daemons stop when this process dies). */
  start(name, args, o = {}) {
    const d = new Daemon(join(this.binDir, name), args, {
      cwd: o.cwd ?? this.cwd,
      env: { ...this.env, ...o.env },
    });
    this.daemons.add(d);
    void d.exited.then(() => this.daemons.delete(d));
    return d;
  }

  /** SIGKILL whatever is still running (a failed run must leave no process behind). */
  killAll() {
    for (const d of this.daemons) d.child.kill("SIGKILL");
  }
}

class Daemon {
  lines = [];
  stderr = "";
  exitCode = undefined;
  constructor(path, args, o) {
    this.name = `${path.split("/").pop()} ${args.join(" ")}`;
    this.child = spawn(path, args, { ...o, stdio: ["pipe", "pipe", "pipe"] });
    this.exited = new Promise((r) =>
      this.child.once("exit", (code, signal) => {
        this.exitCode = code ?? signal;
        r(this.exitCode);
      }),
    );
    this.child.stderr.setEncoding("utf8").on("data", (s) => {
      this.stderr += s;
    });
    createInterface({ input: this.child.stdout }).on("line", (text) => {
      try {
        this.lines.push(JSON.parse(text));
      } catch {
        this.lines.push({ msg: text });
      }
    });
  }

  get running() {
    return this.exitCode === undefined;
  }

  /** SIGTERM (or `signal`) and the exit code. */
  async stop(signal = "SIGTERM") {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }
}

/**
 * Polls `cond` (sync or async, truthy = done) until it holds, at most `attempts` times `everyMs`
 * apart; fails early when a daemon it depends on has exited. Returns cond's value.
 */
export async function waitFor(what, cond, { attempts = 600, everyMs = 100, daemons = [] } = {}) {
  let last;
  for (let i = 0; i < attempts; i++) {
    for (const d of daemons)
      check(d.running, `${d.name} exited with ${d.exitCode} while waiting for ${what}: ${d.stderr}`);
    try {
      const v = await cond();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new SmokeError(`timed out waiting for ${what}${last ? ` (last error: ${last.message})` : ""}`);
}

/** GET url → parsed JSON, or undefined when it does not answer 2xx. */
export async function getJson(url) {
  const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!r.ok) {
    await r.body?.cancel();
    return undefined;
  }
  return r.json();
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}
