// Launching a real collector process (SQLite) from a directory: for the demo, the hardware
// simulator's fleet tests and end-to-end tests. Stopped with SIGTERM (clean) or SIGKILL.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// dist/main.js, whether this module runs from src/ (tests) or dist/.
const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), "..", "dist", "main.js");

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

export interface CollectorLaunchOptions {
  /** collector.json, collector.db and collector.log go here. */
  dir: string;
  /** door → base64 device public key. */
  devices: Map<string, string> | Record<string, string>;
  port?: number;
  logLevel?: string;
}

export class CollectorProcess {
  child: ChildProcess | undefined;
  constructor(
    readonly dir: string,
    readonly url: string,
  ) {}

  /** Starts the process and waits until it answers. */
  async start(): Promise<this> {
    const out = openSync(join(this.dir, "collector.log"), "a");
    const err = openSync(join(this.dir, "collector.err"), "a");
    const child = spawn(
      process.execPath,
      [MAIN, "--config", join(this.dir, "collector.json"), "--exit-with-parent"],
      {
        // stdin is a pipe the child watches: if this process dies, the child stops.
        stdio: ["pipe", out, err],
      },
    );
    closeSync(out);
    closeSync(err);
    (child.stdin as Socket | null)?.unref(); // the pipe alone must not keep this process alive
    this.child = child;
    let exited: number | null | undefined;
    child.once("exit", (code) => {
      exited = code;
    });
    for (let attempt = 0; attempt < 300; attempt++) {
      if (exited !== undefined)
        throw new Error(
          `collector in ${this.dir} exited with ${exited}: ${readFileSync(join(this.dir, "collector.err"), "utf8")}`,
        );
      try {
        const r = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(500) });
        if (r.ok) return this;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`collector in ${this.dir} did not answer`);
  }

  async stop(signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<number | string | null> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return c?.exitCode ?? c?.signalCode ?? null;
    const done = new Promise<number | string | null>((r) => c.once("exit", (code, sig) => r(code ?? sig)));
    c.kill(signal);
    return done;
  }
}

/** Writes the config (SQLite storage in dir) and starts the collector. */
export async function launchCollector(o: CollectorLaunchOptions): Promise<CollectorProcess> {
  mkdirSync(o.dir, { recursive: true });
  const port = o.port ?? (await freePort());
  const devices = o.devices instanceof Map ? Object.fromEntries(o.devices) : o.devices;
  writeFileSync(
    join(o.dir, "collector.json"),
    `${JSON.stringify(
      {
        listen: `127.0.0.1:${port}`,
        storage: { type: "sqlite", path: "collector.db" },
        devices,
        logLevel: o.logLevel ?? "info",
      },
      null,
      2,
    )}\n`,
  );
  return new CollectorProcess(o.dir, `http://127.0.0.1:${port}`).start();
}
