// Collector configuration (a JSON file, with CHRONOSEAL_COLLECTOR_* variables put over its fields:
// env.ts): where to listen, where to store, which devices exist. Every field is checked here, with
// the field (or the variable that set it) named in the error, before anything starts.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ChronosealError, fromBase64, parseJson } from "@chronoseal/core";
import { applyOverrides, type EnvOverride, loadWithEnv } from "@chronoseal/http";
import { ENV_FIELDS, ENV_PREFIX } from "./env.js";

export interface CollectorConfig {
  /** host:port (default 127.0.0.1:7440). */
  listen: { host: string; port: number };
  storage: { type: "sqlite"; path: string } | { type: "postgres"; url: string };
  /** door → base64 device public key (fixed; the mesh registry adds doors). */
  devices: Map<string, string>;
  /** Doors registered in a mesh network, learnt while running. */
  mesh?: { nodes: string[]; network: string; refreshMs?: number };
  /** pino level (default info). */
  logLevel: string;
}

export class ConfigError extends ChronosealError {
  constructor(message: string) {
    super("ERR_CONFIG", message);
    this.name = "ConfigError";
  }
}

const DOOR_RE = /^[A-Za-z0-9._:-]{1,64}$/;
const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function devicesOf(value: unknown, where: string): Map<string, string> {
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new ConfigError(`${where}: expected an object mapping doors to base64 public keys`);
  const out = new Map<string, string>();
  for (const [door, key] of Object.entries(value)) {
    if (!DOOR_RE.test(door))
      throw new ConfigError(`${where}: door ${JSON.stringify(door)} is not 1-64 of [A-Za-z0-9._:-]`);
    try {
      fromBase64(key as string, `${where}.${door}`, 32);
    } catch (e) {
      throw new ConfigError(`${where}.${door}: ${(e as Error).message}`);
    }
    out.set(door, key as string);
  }
  return out;
}

/**
 * Reads a config file, puts the CHRONOSEAL_COLLECTOR_* variables of `env` over it (default: none;
 * the app passes process.env) and checks the result; relative paths are relative to the file.
 * A refused field set by a variable names the variable.
 */
export function loadConfig(
  path: string,
  o: { env?: Readonly<Record<string, string | undefined>> } = {},
): CollectorConfig {
  return loadWithEnv({
    prefix: ENV_PREFIX,
    fields: ENV_FIELDS,
    env: o.env ?? {},
    path,
    ConfigError: ConfigError,
    check: (overrides) => checkConfig(path, overrides),
  });
}

function checkConfig(path: string, overrides: readonly EnvOverride[]): CollectorConfig {
  let raw: Record<string, unknown>;
  try {
    raw = parseJson(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`config ${path}: ${(e as Error).message}`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw new ConfigError(`config ${path}: expected an object`);
  applyOverrides(raw, overrides);
  const known = ["listen", "storage", "devices", "devicesFile", "mesh", "logLevel"];
  for (const k of Object.keys(raw))
    if (!known.includes(k)) throw new ConfigError(`config ${path}: unknown field ${k}`);
  const at = (p: string) => resolve(dirname(path), p);
  const listen = raw.listen ?? "127.0.0.1:7440";
  const m = typeof listen === "string" ? /^(.+):(\d{1,5})$/.exec(listen) : null;
  if (!m || Number(m[2]) > 65535) throw new ConfigError(`config ${path}: listen must be host:port`);
  const s = raw.storage as { type?: unknown; path?: unknown; url?: unknown } | undefined;
  let storage: CollectorConfig["storage"];
  if (s?.type === "sqlite" && typeof s.path === "string" && s.path)
    storage = { type: "sqlite", path: at(s.path) };
  else if (s?.type === "postgres" && typeof s.url === "string" && /^postgres(ql)?:\/\//.test(s.url))
    storage = { type: "postgres", url: s.url };
  else
    throw new ConfigError(
      `config ${path}: storage must be { "type": "sqlite", "path" } or { "type": "postgres", "url": "postgres://…" }`,
    );
  let devices: Map<string, string>;
  if (raw.devicesFile !== undefined) {
    if (typeof raw.devicesFile !== "string")
      throw new ConfigError(`config ${path}: devicesFile must be a path`);
    let file: unknown;
    try {
      file = parseJson(readFileSync(at(raw.devicesFile), "utf8"));
    } catch (e) {
      throw new ConfigError(`devicesFile ${raw.devicesFile}: ${(e as Error).message}`);
    }
    devices = devicesOf(file, "devicesFile");
  } else if (raw.devices !== undefined || raw.mesh === undefined) devices = devicesOf(raw.devices, "devices");
  else devices = new Map();
  let mesh: CollectorConfig["mesh"];
  if (raw.mesh !== undefined) {
    const m = raw.mesh as Record<string, unknown>;
    if (!m || typeof m !== "object" || Array.isArray(m))
      throw new ConfigError(`config ${path}: mesh must be { "nodes": [URL…], "network": KEY }`);
    for (const k of Object.keys(m))
      if (!["nodes", "network", "refreshMs"].includes(k))
        throw new ConfigError(`config ${path}: mesh: unknown field ${k}`);
    if (
      !Array.isArray(m.nodes) ||
      m.nodes.length === 0 ||
      !m.nodes.every((n) => typeof n === "string" && /^https?:\/\//.test(n))
    )
      throw new ConfigError(
        `config ${path}: mesh.nodes must be a non-empty array of http(s) URLs of meshd nodes`,
      );
    if (typeof m.network !== "string" || !/^[A-Za-z0-9+/]{43}=$/.test(m.network))
      throw new ConfigError(
        `config ${path}: mesh.network must be the network's admin public key (base64, 32 bytes)`,
      );
    const refresh = m.refreshMs;
    if (
      refresh !== undefined &&
      (typeof refresh !== "number" || !Number.isSafeInteger(refresh) || refresh < 100)
    )
      throw new ConfigError(`config ${path}: mesh.refreshMs must be an integer ≥ 100`);
    mesh = {
      nodes: m.nodes as string[],
      network: m.network,
      ...(refresh !== undefined ? { refreshMs: refresh } : {}),
    };
  }
  const logLevel = raw.logLevel ?? "info";
  if (typeof logLevel !== "string" || !LEVELS.includes(logLevel))
    throw new ConfigError(`config ${path}: logLevel must be one of ${LEVELS.join(", ")}`);
  return {
    listen: { host: m[1]!, port: Number(m[2]) },
    storage,
    devices,
    ...(mesh ? { mesh } : {}),
    logLevel,
  };
}
