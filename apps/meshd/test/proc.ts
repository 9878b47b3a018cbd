// meshd as a child process for the operations tests: started with a config file and an
// environment, its JSON log lines collected, waited on by condition (never by sleeping).
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const main = resolve(dirname(fileURLToPath(import.meta.url)), "..", "dist", "main.js");

export interface LogLine {
  msg: string;
  [field: string]: unknown;
}

export class Meshd {
  readonly lines: LogLine[] = [];
  stderr = "";
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private waiters: (() => boolean)[] = [];

  constructor(config: string, env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [main, "--config", config], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    this.child.stderr!.on("data", (c: Buffer) => {
      this.stderr += c.toString();
    });
    this.exited = new Promise((r) => this.child.once("close", (code) => r(code)));
    createInterface({ input: this.child.stdout! }).on("line", (text) => {
      try {
        this.lines.push(JSON.parse(text) as LogLine);
      } catch {
        this.lines.push({ msg: text });
      }
      this.waiters = this.waiters.filter((check) => !check());
    });
  }

  /** Resolves with the n-th (1-based) log line whose msg is `msg`, once it is written. */
  line(msg: string, n = 1): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.lines.filter((l) => l.msg === msg);
        if (found.length < n) return false;
        resolve(found[n - 1]!);
        return true;
      };
      if (check()) return;
      this.waiters.push(check);
      void this.exited.then((code) =>
        reject(new Error(`meshd exited (${code}) before "${msg}": ${this.stderr}`)),
      );
    });
  }

  async stop(): Promise<number | null> {
    this.child.kill("SIGTERM");
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

export function write(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}
