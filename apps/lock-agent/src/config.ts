// Lock agent configuration (JSON file).
import { readFileSync } from "node:fs";
import { parseJson } from "@chronoseal/core";

export interface LockAgentConfig {
  /** Device storage directory. */
  dir: string;
  door: string;
  /** Retention period label (the chain is <door>/<period>). */
  period: string;
  /** Device private key file (any format `chronoseal keygen` writes). */
  keyFile: string;
  /** File holding the period's pseudonym key (32 bytes, base64); created if missing. */
  periodKeyFile: string;
  /** Collector base URL. */
  collector: string;
  /** Anchors NDJSON file (until anchors travel on the mesh). */
  anchorsFile: string;
  anchorEvery?: number;
  anchorIntervalMs?: number;
  /** How often the agent ticks and flushes the uplink (ms, default 1000). */
  tickMs?: number;
  /** The built-in simulated driver: mean ms between badge reads (default 5000). */
  simulated?: { badgeEveryMs?: number; holdOpenMs?: number; seed?: number };
}

export function loadConfig(path: string): LockAgentConfig {
  const c = parseJson(readFileSync(path, "utf8")) as Partial<LockAgentConfig>;
  for (const k of [
    "dir",
    "door",
    "period",
    "keyFile",
    "periodKeyFile",
    "collector",
    "anchorsFile",
  ] as const) {
    if (typeof c[k] !== "string" || c[k] === "")
      throw new Error(`config ${path}: ${k} must be a non-empty string`);
  }
  return c as LockAgentConfig;
}
