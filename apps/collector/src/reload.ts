// SIGHUP: the collector re-reads its config file (and CHRONOSEAL_COLLECTOR_* variables), and with
// it the devices file, and applies what can change while running: the doors and their keys
// (added, removed, re-keyed: a removed door's entries are refused from then on) and logLevel.
// The store, connections and requests in flight are untouched. A config or devices file that
// does not load changes nothing (the caller logs the error and keeps the running config).
// listen, storage and mesh need a restart and are named in a warning when they differ.
import type { MeshDevices } from "@chronoseal/collector";
import type { Logger } from "pino";
import { type CollectorConfig, loadConfig } from "./config.js";

export interface CollectorReload {
  config: CollectorConfig;
  changed: string[];
  needsRestart: string[];
  doors: { added: string[]; removed: string[]; rekeyed: string[] };
}

export function reload(
  path: string,
  old: CollectorConfig,
  live: { devices: Map<string, string>; registry: MeshDevices | undefined; log: Logger },
): CollectorReload {
  const config = loadConfig(path, { env: process.env });
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const needsRestart = (["listen", "storage", "mesh"] as const).filter((k) => !same(config[k], old[k]));
  const changed: string[] = [];
  const doors = {
    added: [...config.devices.keys()].filter((d) => !old.devices.has(d)),
    removed: [...old.devices.keys()].filter((d) => !config.devices.has(d)),
    rekeyed: [...config.devices]
      .filter(([d, k]) => old.devices.has(d) && old.devices.get(d) !== k)
      .map(([d]) => d),
  };
  if (doors.added.length || doors.removed.length || doors.rekeyed.length) {
    if (live.registry) live.registry.setFixed(config.devices);
    else {
      for (const d of doors.removed) live.devices.delete(d);
      for (const [d, k] of config.devices) live.devices.set(d, k);
    }
    changed.push("devices");
  }
  if (config.logLevel !== old.logLevel) {
    live.log.level = config.logLevel;
    changed.push("logLevel");
  }
  // The running config keeps what needs a restart.
  return {
    config: { ...config, listen: old.listen, storage: old.storage, ...(old.mesh ? { mesh: old.mesh } : {}) },
    changed,
    needsRestart,
    doors,
  };
}
