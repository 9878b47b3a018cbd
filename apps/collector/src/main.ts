#!/usr/bin/env node
// chronoseal-collector: wiring only — config, storage, the HTTP server, JSON logs, signals.
//   chronoseal-collector --config collector.json
// SIGTERM/SIGINT: stop accepting connections, let requests in flight finish, close the store, exit 0.
// Start-up failures (bad config, storage that cannot be opened or reached, a missing database
// driver, the port in use): one line naming the problem on stderr, exit code 2.
// --exit-with-parent: the same clean stop when stdin closes (the launching process died, even by
// SIGKILL): launchCollector uses it so a crashed test or demo leaves no collector behind.
// --help prints the usage, --version the version; both exit 0. The start-up runs in main(), not
// at the top level: an entry without top-level await bundles into the single executable (a
// CommonJS script, see scripts/bin).
// Operations: CHRONOSEAL_COLLECTOR_* variables override config fields (env.ts); GET /healthz,
// /readyz (the store answers) and /metrics (Prometheus: metrics.ts); SIGHUP reloads the devices
// (inline or devicesFile) and logLevel (reload.ts), keeping the running ones when the file is bad.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  type CollectorStore,
  createCollectorServer,
  MeshDevices,
  PostgresStore,
  SqliteStore,
} from "@chronoseal/collector";
import { createDaemonMetrics, listenOn, registerMetricsRoute } from "@chronoseal/http";
import { pino } from "pino";
import { ConfigError, loadConfig } from "./config.js";
import { collectorMetrics } from "./metrics.js";
import { reload } from "./reload.js";
import { version } from "./version.js";

const USAGE = `usage: chronoseal-collector --config FILE [--exit-with-parent]
  --config FILE       the collector's configuration (JSON); see the collector app README
  --exit-with-parent  stop cleanly when standard input closes
  --help              print this help and exit
  --version           print the version and exit`;

let configPath: string | undefined;
let exitWithParent = false;
try {
  const { values } = parseArgs({
    options: {
      config: { type: "string" },
      "exit-with-parent": { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values.version) {
    console.log(version());
    process.exit(0);
  }
  configPath = values.config;
  exitWithParent = values["exit-with-parent"] === true;
} catch (e) {
  console.error(`chronoseal-collector: ${(e as Error).message}`);
  process.exit(2);
}
if (!configPath) {
  console.error("usage: chronoseal-collector --config FILE");
  process.exit(2);
}
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(resolve(configPath), { env: process.env });
} catch (e) {
  console.error(`chronoseal-collector: ${e instanceof ConfigError ? e.message : String(e)}`);
  process.exit(2);
}
// Synchronous writes: with async ones, the flush at process.exit can overtake a write in flight
// and put "stopped" before "stopping".
const log = pino({ name: "collector", level: config.logLevel }, pino.destination({ dest: 1, sync: true }));

/** A start-up failure: one line naming the problem, exit 2 (never a stack trace). */
function fail(message: string): never {
  console.error(`chronoseal-collector: ${message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  // Until the collector serves, a SIGHUP is ignored (its default would end the process).
  const early = () => log.warn("reload ignored: still starting");
  process.on("SIGHUP", early);
  let store: CollectorStore;
  try {
    store =
      config.storage.type === "sqlite"
        ? new SqliteStore(config.storage.path)
        : await PostgresStore.connect(config.storage.url);
  } catch (e) {
    // StoreOpenError: ERR_DRIVER_MISSING / ERR_DRIVER (a driver missing) or ERR_STORAGE (file, database)
    fail((e as Error).message);
  }
  // With a mesh, doors registered there are learnt while running (the server reads the live map).
  const registry = config.mesh
    ? new MeshDevices({ ...config.mesh, fixed: config.devices, logger: log })
    : undefined;
  await registry?.start();
  // The live door → key map the server reads (a reload changes it in place).
  const devices = registry?.devices ?? new Map(config.devices);
  const metrics = createDaemonMetrics();
  const server = createCollectorServer({
    store,
    devices,
    logger: log,
    observe: metrics.observe,
    hooks: collectorMetrics(metrics.registry, store),
  });
  registerMetricsRoute(server, metrics.registry);
  try {
    await listenOn(server, config.listen.host, config.listen.port);
  } catch (e) {
    await registry?.stop();
    await store.close().catch(() => {});
    fail((e as Error).message); // StartupError ERR_LISTEN: "cannot listen on …: address already in use"
  }
  log.info(
    {
      listen: `${config.listen.host}:${config.listen.port}`,
      storage: config.storage.type,
      devices: devices.size,
    },
    "collector listening",
  );

  let stopping = false;
  async function stop(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping");
    try {
      await server.close(); // in-flight requests finish; stragglers are closed after 5 s
      await registry?.stop();
      await store.close();
      metrics.close();
    } catch (e) {
      log.error({ error: String(e) }, "stop failed");
      process.exit(1);
    }
    log.info("stopped");
    process.exit(0);
  }
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  process.off("SIGHUP", early);
  process.on("SIGHUP", () => {
    if (stopping) return;
    try {
      const r = reload(resolve(configPath!), config, { devices, registry, log });
      config = r.config;
      log.info({ changed: r.changed, ...r.doors }, "reloaded");
      if (r.needsRestart.length)
        log.warn({ fields: r.needsRestart }, "changed in the config but only applied at the next start");
    } catch (e) {
      log.error(
        { error: e instanceof Error ? e.message : String(e) },
        "reload failed: the running configuration is kept",
      );
    }
  });
  if (exitWithParent) {
    process.stdin.on("end", () => void stop("parent gone"));
    process.stdin.on("error", () => void stop("parent gone"));
    process.stdin.resume();
  }
}

void main();
