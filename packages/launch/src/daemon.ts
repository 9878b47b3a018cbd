// One daemon process launched from a directory: spawned with `--config FILE --exit-with-parent`
// (stdin is a pipe the daemon watches, so it stops by itself when the launching process dies,
// even by SIGKILL), stdout and stderr appended to <name>.log / <name>.err in the directory, ready
// once its HTTP endpoint answers, stopped with SIGTERM (clean) or SIGKILL (a crash) and started
// again from the same directory.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import type { Socket } from "node:net";
import { join } from "node:path";
import { ChronosealError } from "@chronoseal/core";

/** The daemon did not come up (it exited, or never answered), or its executable is missing. */
export class LaunchError extends ChronosealError {
  constructor(message: string) {
    super("ERR_LAUNCH", message);
    this.name = "LaunchError";
  }
}

export interface DaemonSpec {
  /** Short name: log files are <name>.log and <name>.err. */
  name: string;
  /** The executable (a JavaScript file run with this Node). */
  main: string;
  /** The daemon's directory. */
  dir: string;
  /** Its config file. */
  config: string;
  /** Base URL of its HTTP endpoint. */
  url: string;
  /** Path that answers 2xx once the daemon serves (/readyz). */
  readyPath: string;
}

/** Readiness is polled at most this many times, this far apart (a bound, not a timing claim). */
const READY_ATTEMPTS = 600;
const READY_INTERVAL_MS = 50;

export class Daemon {
  child: ChildProcess | undefined;

  constructor(protected readonly spec: DaemonSpec) {}

  get dir(): string {
    return this.spec.dir;
  }

  get url(): string {
    return this.spec.url;
  }

  get configPath(): string {
    return this.spec.config;
  }

  /** Starts the process and resolves once its ready path answers 2xx. */
  async start(): Promise<this> {
    const { name, dir } = this.spec;
    const out = openSync(join(dir, `${name}.log`), "a");
    const err = openSync(join(dir, `${name}.err`), "a");
    const child = spawn(
      process.execPath,
      [this.spec.main, "--config", this.spec.config, "--exit-with-parent"],
      {
        stdio: ["pipe", out, err],
      },
    );
    closeSync(out);
    closeSync(err);
    (child.stdin as Socket | null)?.unref(); // the pipe alone must not keep this process alive
    this.child = child;
    const exited = new Promise<string>((resolve) =>
      child.once("exit", (code, signal) => resolve(String(code ?? signal))),
    );
    let gone: string | undefined;
    void exited.then((how) => {
      gone = how;
    });
    for (let attempt = 0; attempt < READY_ATTEMPTS; attempt++) {
      if (gone !== undefined)
        throw new LaunchError(`${name} in ${dir} exited with ${gone}: ${this.stderr()}`);
      try {
        const r = await fetch(`${this.url}${this.spec.readyPath}`, { signal: AbortSignal.timeout(1000) });
        await r.body?.cancel();
        if (r.ok) return this;
      } catch {
        // not listening yet
      }
      // Wait for the next attempt or the process's exit, whichever comes first.
      await Promise.race([new Promise((r) => setTimeout(r, READY_INTERVAL_MS)), exited]);
    }
    child.kill("SIGKILL");
    throw new LaunchError(`${name} in ${dir} did not answer on ${this.url}${this.spec.readyPath}`);
  }

  /** What the daemon wrote to stderr so far. */
  stderr(): string {
    try {
      return readFileSync(join(this.dir, `${this.spec.name}.err`), "utf8");
    } catch {
      return "";
    }
  }

  /** SIGHUP: the daemon reloads what it can (see its README); it logs "reloaded" or why not. */
  reload(): void {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null)
      throw new LaunchError(`${this.spec.name} is not running`);
    c.kill("SIGHUP");
  }

  /** SIGTERM (clean stop) or SIGKILL (a crash); resolves with the exit code or signal. */
  async stop(signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<number | string | null> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return c?.exitCode ?? c?.signalCode ?? null;
    const done = new Promise<number | string | null>((r) => c.once("exit", (code, sig) => r(code ?? sig)));
    c.kill(signal);
    return done;
  }
}
