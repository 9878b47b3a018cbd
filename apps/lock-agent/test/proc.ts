// Child-process helpers for the end-to-end tests: JSON log lines as events, exits as promises.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";

export interface LogLine {
  msg: string;
  [field: string]: unknown;
}

export class Proc {
  readonly lines: LogLine[] = [];
  /** Everything the process wrote to stderr. */
  stderr = "";
  private waiters: { test: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  readonly exited: Promise<number | null>;
  readonly child: ChildProcess;

  constructor(script: string, args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [script, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    this.child.stderr!.on("data", (c: Buffer) => {
      this.stderr += c.toString();
    });
    // "close": after the exit and the end of its output (stderr included).
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

  /** Resolves with the first log line (already seen or to come) that passes `test`. */
  waitFor(test: (l: LogLine) => boolean): Promise<LogLine> {
    const seen = this.lines.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      this.waiters.push({ test, resolve });
      void this.exited.then((code) =>
        reject(new Error(`process exited (${code}) before the expected log line`)),
      );
    });
  }

  kill(signal: NodeJS.Signals): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}
