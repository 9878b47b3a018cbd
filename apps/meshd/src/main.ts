#!/usr/bin/env node
// meshd: the mesh node daemon — wiring only: config, keys, the node, JSON logs, signals.
//   meshd --config meshd.json
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { decodePrivateKey, initKeys, parseJson } from "@chronoseal/core";
import { type MeshEntry, MeshNode } from "@chronoseal/mesh";
import { pino } from "pino";

interface MeshdConfig {
  stateDir: string;
  listen?: string;
  nodeKeyFile: string;
  attestorKeyFile?: string;
  networks: { admin: string; priority?: number; bootstrapPeers?: string[]; settingsFile?: string }[];
  claims?: string[];
  addresses?: string[];
  gossipMs?: number;
  dnsFile?: string;
}

const log = pino({ name: "meshd" });
const { values } = parseArgs({ options: { config: { type: "string" } } });
if (!values.config) {
  console.error("usage: meshd --config FILE");
  process.exit(2);
}
const path = resolve(values.config);
const at = (p: string) => resolve(dirname(path), p);
const config = parseJson(readFileSync(path, "utf8")) as MeshdConfig;
await initKeys();
const [host, port] = (config.listen ?? "127.0.0.1:7331").split(":") as [string, string];
const node = new MeshNode({
  stateDir: at(config.stateDir),
  host,
  port: Number(port),
  nodeKey: decodePrivateKey(readFileSync(at(config.nodeKeyFile), "utf8")),
  ...(config.attestorKeyFile
    ? { attestorKey: decodePrivateKey(readFileSync(at(config.attestorKeyFile), "utf8")) }
    : {}),
  networks: config.networks.map((n) => ({
    admin: n.admin,
    priority: n.priority ?? 1,
    bootstrapPeers: n.bootstrapPeers ?? [],
    ...(n.settingsFile ? { settings: parseJson(readFileSync(at(n.settingsFile), "utf8")) as MeshEntry } : {}),
  })),
  claims: config.claims ?? [],
  ...(config.addresses ? { addresses: config.addresses } : {}),
  gossipMs: config.gossipMs ?? 1000,
  ...(config.dnsFile ? { dnsPath: at(config.dnsFile) } : {}),
  log: (level, msg, fields) => log[level](fields ?? {}, msg),
});
await node.start();

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
