#!/usr/bin/env node
// chronoseal-collector: wiring only — config, storage, the HTTP server, JSON logs, signals.
//   chronoseal-collector --config collector.json
// SIGTERM/SIGINT: stop accepting connections, let requests in flight finish, close the store, exit 0.
// --exit-with-parent: the same clean stop when stdin closes (the launching process died, even by
// SIGKILL): launchCollector uses it so a crashed test or demo leaves no collector behind.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  type CollectorStore,
  createCollectorServer,
  MeshDevices,
  PostgresStore,
  SqliteStore,
} from "@chronoseal/collector";
import { pino } from "pino";
import { ConfigError, loadConfig } from "./config.js";

let configPath: string | undefined;
let exitWithParent = false;
try {
  const { values } = parseArgs({
    options: { config: { type: "string" }, "exit-with-parent": { type: "boolean", default: false } },
  });
  configPath = values.config;
  exitWithParent = values["exit-with-parent"] === true;
} catch (e) {
  console.error(`chronoseal-collector: ${(e as Error).message}`);
}
if (!configPath) {
  console.error("usage: chronoseal-collector --config FILE");
  process.exit(2);
}
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(resolve(configPath));
} catch (e) {
  console.error(`chronoseal-collector: ${e instanceof ConfigError ? e.message : String(e)}`);
  process.exit(2);
}
// Synchronous writes: with async ones, the flush at process.exit can overtake a write in flight
// and put "stopped" before "stopping".
const log = pino({ name: "collector", level: config.logLevel }, pino.destination({ dest: 1, sync: true }));
const store: CollectorStore =
  config.storage.type === "sqlite"
    ? new SqliteStore(config.storage.path)
    : await PostgresStore.connect(config.storage.url);
const logTo = (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) =>
  log[level](fields ?? {}, msg);
// With a mesh, doors registered there are learnt while running (the server reads the live map).
const registry = config.mesh
  ? new MeshDevices({ ...config.mesh, fixed: config.devices, log: logTo })
  : undefined;
await registry?.start();
const server = createCollectorServer({ store, devices: registry?.devices ?? config.devices, log: logTo });
server.on("error", (e) => {
  log.fatal({ err: e.message }, "cannot listen");
  process.exit(1);
});
server.listen(config.listen.port, config.listen.host, () =>
  log.info(
    {
      listen: `${config.listen.host}:${config.listen.port}`,
      storage: config.storage.type,
      devices: (registry?.devices ?? config.devices).size,
    },
    "collector listening",
  ),
);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "stopping");
  await new Promise<void>((r) => {
    server.close(() => r());
    server.closeIdleConnections();
  });
  await registry?.stop();
  await store.close();
  log.info("stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
if (exitWithParent) {
  process.stdin.on("end", () => void stop("parent gone"));
  process.stdin.on("error", () => void stop("parent gone"));
  process.stdin.resume();
}
