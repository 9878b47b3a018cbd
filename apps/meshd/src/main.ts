#!/usr/bin/env node
// meshd: the mesh node daemon — wiring only: config, keys, the node, JSON logs, signals.
//   meshd --config meshd.json   (or meshd.toml)
// A bad config or key file: a message naming the field on stderr and exit code 2.
// --exit-with-parent: stop cleanly when stdin closes (the launching process died, even by
// SIGKILL): launchMeshd uses it so a crashed test or demo leaves no daemon behind.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { decodePrivateKey, initKeys, type KeyPair, parseJson } from "@chronoseal/core";
import { type MeshEntry, MeshNode } from "@chronoseal/mesh";
import { pino } from "pino";
import { ConfigError, loadConfig, type MeshdConfig } from "./config.js";

function fail(message: string): never {
  console.error(`meshd: ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: { config: { type: "string" }, "exit-with-parent": { type: "boolean", default: false } },
});
if (!values.config) fail("usage: meshd --config FILE (.json or .toml)");
let config: MeshdConfig;
try {
  config = loadConfig(values.config);
} catch (e) {
  fail(e instanceof ConfigError ? e.message : String(e));
}
await initKeys();
const key = (path: string, what: string): KeyPair => {
  try {
    return decodePrivateKey(readFileSync(path, "utf8"));
  } catch (e) {
    fail(`${what} ${path}: ${(e as Error).message}`);
  }
};
const settings = (path: string, what: string): MeshEntry => {
  try {
    return parseJson(readFileSync(path, "utf8")) as MeshEntry;
  } catch (e) {
    fail(`${what} ${path}: ${(e as Error).message}`);
  }
};
// Synchronous writes keep the log in order up to process.exit.
const log = pino({ name: "meshd", level: config.logLevel }, pino.destination({ dest: 1, sync: true }));
const node = new MeshNode({
  stateDir: config.stateDir,
  host: config.host,
  port: config.port,
  nodeKey: key(config.nodeKeyFile, "nodeKeyFile"),
  ...(config.attestorKeyFile ? { attestorKey: key(config.attestorKeyFile, "attestorKeyFile") } : {}),
  networks: config.networks.map((n, i) => ({
    admin: n.admin,
    priority: n.priority,
    bootstrapPeers: n.bootstrapPeers,
    bootstrapUrls: n.bootstrapUrls,
    claims: n.claims,
    ...(n.settingsFile ? { settings: settings(n.settingsFile, `networks[${i}].settingsFile`) } : {}),
  })),
  claims: config.claims,
  ...(config.addresses ? { addresses: config.addresses } : {}),
  gossipMs: config.gossipMs,
  fanout: config.fanout,
  ...(config.suspicionMs !== undefined ? { suspicionMs: config.suspicionMs } : {}),
  ...(config.dnsFile ? { dnsPath: config.dnsFile } : {}),
  log: (level, msg, fields) => log[level](fields ?? {}, msg),
});
try {
  await node.start();
} catch (e) {
  log.fatal({ error: String(e) }, "cannot start");
  process.exit(1);
}

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "stopping");
  await node.stop();
  log.info("stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
if (values["exit-with-parent"]) {
  process.stdin.on("end", () => void stop("parent gone"));
  process.stdin.on("error", () => void stop("parent gone"));
  process.stdin.resume();
}
