// Launching a real collector process (chronoseal-collector on SQLite) from a directory: for the
// demo, the hardware simulator's fleet runs and end-to-end tests. Stopped with SIGTERM (clean)
// or SIGKILL (a crash).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { appExecutable } from "./bins.js";
import { Daemon } from "./daemon.js";
import { freePort } from "./port.js";

export interface CollectorLaunchOptions {
  /** collector.json, collector.db, collector.log and collector.err go here. */
  dir: string;
  /** door → base64 device public key. */
  devices: Map<string, string> | Record<string, string>;
  port?: number;
  logLevel?: string;
}

export class CollectorProcess extends Daemon {
  constructor(dir: string, url: string) {
    super({
      name: "collector",
      main: appExecutable("@chronoseal/collector-app", "chronoseal-collector"),
      dir,
      config: join(dir, "collector.json"),
      url,
      readyPath: "/readyz",
    });
  }
}

/** Writes the config (SQLite storage in dir) and starts the collector. */
export async function launchCollector(o: CollectorLaunchOptions): Promise<CollectorProcess> {
  mkdirSync(o.dir, { recursive: true });
  const port = o.port ?? (await freePort());
  const devices = o.devices instanceof Map ? Object.fromEntries(o.devices) : o.devices;
  const config = {
    listen: `127.0.0.1:${port}`,
    storage: { type: "sqlite", path: "collector.db" },
    devices,
    logLevel: o.logLevel ?? "info",
  };
  writeFileSync(join(o.dir, "collector.json"), `${JSON.stringify(config, null, 2)}\n`);
  return new CollectorProcess(o.dir, `http://127.0.0.1:${port}`).start();
}
