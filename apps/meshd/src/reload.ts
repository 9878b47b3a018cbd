// SIGHUP: meshd re-reads its config file (and MESHD_* variables) and the settings files it names,
// and applies what can change while running — logLevel, claims, fanout, maxEntriesPerRequest,
// and per network claims, added bootstrapPeers and the settings file's entry — without dropping
// its state, peers or connections. Everything is read and checked first; a file that does not
// load changes nothing (the error is logged and the running configuration kept). Fields that
// need a restart are named in a warning when they differ from the running ones.
import { readFileSync } from "node:fs";
import { parseJson } from "@chronoseal/core";
import { checkSettingsEntry, type MeshEntry, type MeshNode, type NodeReconfig } from "@chronoseal/mesh";
import type { Logger } from "pino";
import { loadConfig, type MeshdConfig } from "./config.js";

/** Fields that a reload cannot change (the README lists them). */
const RESTART_ONLY = [
  "stateDir",
  "host",
  "port",
  "nodeKeyFile",
  "attestorKeyFile",
  "addresses",
  "gossipMs",
  "suspicionMs",
  "dnsFile",
  "dnsFormat",
  "dns",
  "maxBackoffMs",
  "witness",
] as const;

export interface ReloadResult {
  config: MeshdConfig;
  changed: string[];
  needsRestart: string[];
}

/** Reads the settings entry of a network's settingsFile (throws naming the file). */
function readSettings(path: string, where: string, admin: string): MeshEntry {
  try {
    return checkSettingsEntry(parseJson(readFileSync(path, "utf8")), admin) as MeshEntry;
  } catch (e) {
    throw new Error(`${where} ${path}: ${(e as Error).message}`);
  }
}

/**
 * Loads the config again and applies it to the running node; throws (changing nothing) when the
 * config or a settings file does not load.
 */
export function reload(path: string, old: MeshdConfig, node: MeshNode, log: Logger): ReloadResult {
  const config = loadConfig(path, { env: process.env });
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const needsRestart: string[] = RESTART_ONLY.filter((k) => !same(config[k], old[k]));
  const admins = (c: MeshdConfig) =>
    c.networks.map((n) => `${n.admin}@${n.priority}:${n.bootstrapUrls.join(",")}`);
  if (!same(admins(config), admins(old)))
    needsRestart.push("networks (added, removed, priority or bootstrapUrls)");
  const networks: NonNullable<NodeReconfig["networks"]> = config.networks.map((n, i) => ({
    admin: n.admin,
    claims: n.claims,
    bootstrapPeers: n.bootstrapPeers,
    ...(n.settingsFile
      ? { settings: readSettings(n.settingsFile, `networks[${i}].settingsFile`, n.admin) }
      : {}),
  }));
  // Everything is read: apply.
  const changed = node.reconfigure({
    claims: config.claims,
    fanout: config.fanout,
    maxEntriesPerRequest: config.maxEntriesPerRequest ?? 50_000,
    networks,
  });
  if (config.logLevel !== old.logLevel) {
    log.level = config.logLevel;
    changed.unshift("logLevel");
  }
  // The running config keeps the restart-only fields it started with.
  const kept: MeshdConfig = { ...config };
  for (const k of RESTART_ONLY) (kept as unknown as Record<string, unknown>)[k] = old[k];
  if (needsRestart.some((k) => k.startsWith("networks"))) kept.networks = old.networks;
  return { config: kept, changed, needsRestart };
}
