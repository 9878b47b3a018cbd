#!/usr/bin/env node
// chronoseal-collector: wiring only — config, storage, the HTTP server, JSON logs, signals.
//   chronoseal-collector --config collector.json
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  type CollectorStore,
  createCollectorServer,
  PostgresStore,
  SqliteStore,
} from "@chronoseal/collector";
import { pino } from "pino";
import { loadConfig } from "./config.js";

const log = pino({ name: "collector" });
const { values } = parseArgs({ options: { config: { type: "string" } } });
if (!values.config) {
  console.error("usage: chronoseal-collector --config FILE");
  process.exit(2);
}
const config = loadConfig(resolve(values.config));
const store: CollectorStore =
  config.storage.type === "sqlite"
    ? new SqliteStore(resolve(config.storage.path))
    : await PostgresStore.connect(config.storage.url);
const server = createCollectorServer({
  store,
  devices: new Map(Object.entries(config.devices)),
  log: (level, msg, fields) => log[level](fields ?? {}, msg),
});
const [host, port] = config.listen.split(":") as [string, string];
server.listen(Number(port), host, () =>
  log.info({ listen: config.listen, storage: config.storage.type }, "collector listening"),
);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "stopping");
  server.close();
  server.closeAllConnections();
  await store.close();
  log.info("stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
