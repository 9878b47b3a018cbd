// A daemon (or any Node script) as a child process for end-to-end tests: its stdout read as JSON
// log lines, each awaitable by condition (never by sleeping), its stderr kept for failure
// messages, its exit a promise. A wait rejects, naming the process and quoting its stderr, when
// the process exits before the line appears.
import { type ChildProcess, spawn } from "node:child_process";
import { basename, dirname } from "node:path";
import { createInterface } from "node:readline";

/** One line of a daemon's JSON log (a line that is not JSON becomes `{ msg: text }`). */
export interface LogLine {
  msg: string;
  [field: string]: unknown;
}

export interface LoggedProcessOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Names the process in failure messages (default: the script's package directory). */
  name?: string;
}

export class LoggedProcess {
  readonly lines: LogLine[] = [];
  /** Everything the process wrote to stderr so far. */
  stderr = "";
  readonly child: ChildProcess;
  /** Resolves with the exit code ("close": after the exit and the end of its output). */
  readonly exited: Promise<number | null>;
  readonly name: string;
  private waiters: { test: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];

  constructor(script: string, args: string[], options: LoggedProcessOptions = {}) {
    this.name = options.name ?? basename(dirname(dirname(script)));
    this.child = spawn(process.execPath, [script, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...options.env },
    });
    this.child.stderr!.on("data", (c: Buffer) => {
      this.stderr += c.toString();
    });
    this.exited = new Promise((r) => this.child.once("close", (code) => r(code)));
    createInterface({ input: this.child.stdout! }).on("line", (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { msg: text };
      }
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(line)) return true;
        w.resolve(line);
        return false;
      });
    });
  }

  /** Resolves with the first log line (already written or to come) that passes `test`. */
  waitFor(test: (l: LogLine) => boolean, what = "the expected log line"): Promise<LogLine> {
    return this.nth(test, 1, what);
  }

  /** Resolves with the n-th (1-based) log line whose msg is `msg`, once it is written. */
  line(msg: string, n = 1): Promise<LogLine> {
    return this.nth((l) => l.msg === msg, n, `"${msg}"`);
  }

  /** Sends `signal` and resolves with the exit code. */
  kill(signal: NodeJS.Signals): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }

  /** A clean stop: SIGTERM, then the exit code. */
  stop(): Promise<number | null> {
    return this.kill("SIGTERM");
  }

  private nth(test: (l: LogLine) => boolean, n: number, what: string): Promise<LogLine> {
    let seen = 0;
    for (const l of this.lines) if (test(l) && ++seen === n) return Promise.resolve(l);
    return new Promise((resolve, reject) => {
      this.waiters.push({ test: (l) => test(l) && ++seen === n, resolve });
      void this.exited.then((code) =>
        reject(new Error(`${this.name} exited (${code}) before ${what}: ${this.stderr}`)),
      );
    });
  }
}
