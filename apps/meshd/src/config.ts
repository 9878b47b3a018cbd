// meshd configuration: a JSON or TOML file (by extension), with MESHD_* environment variables put
// over its fields (env.ts). Every field is checked here, with the field (or the variable that set
// it) named in the error, before anything starts; relative paths are relative to the file.
import { readFileSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { ChronosealError, fromBase64, parseJson } from "@chronoseal/core";
import { applyOverrides, type EnvOverride, loadWithEnv } from "@chronoseal/http";
import { parseLogs, type WitnessedLog } from "@chronoseal/witness";
import { parse as parseToml } from "smol-toml";
import { ENV_FIELDS, ENV_PREFIX } from "./env.js";

export interface MeshdNetwork {
  admin: string;
  priority: number;
  bootstrapPeers: string[];
  bootstrapUrls: string[];
  claims: string[];
  settingsFile?: string;
}

/** The tlog witness meshd runs beside the node (C2SP tlog-witness, on the node's port). */
export interface MeshdWitness {
  /** The witness's key name (a schema-less URL, e.g. witness.example.org/w1). */
  name: string;
  /** Its Ed25519 key: any private key format, or a note signer key PRIVATE+KEY+<name>+… */
  keyFile: string;
  /** Where it keeps its per-origin state (default <stateDir>/witness). */
  stateDir: string;
  /** The logs it witnesses. */
  logs: WitnessedLog[];
  /** Path prefix of its submission URL (default "": POST /add-checkpoint). */
  prefix: string;
}

export interface MeshdConfig {
  stateDir: string;
  host: string;
  port: number;
  nodeKeyFile: string;
  attestorKeyFile?: string;
  networks: MeshdNetwork[];
  claims: string[];
  addresses?: string[];
  gossipMs: number;
  fanout: number;
  suspicionMs?: number;
  dnsFile?: string;
  witness?: MeshdWitness;
  dnsFormat: "ip" | "ips";
  dns?: { host: string; port: number; ttl: number };
  maxBackoffMs?: number;
  maxEntriesPerRequest?: number;
  logLevel: string;
}

export class ConfigError extends ChronosealError {
  constructor(message: string) {
    super("ERR_CONFIG", message);
    this.name = "ConfigError";
  }
}

const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
const TOP = [
  "stateDir",
  "listen",
  "nodeKeyFile",
  "attestorKeyFile",
  "networks",
  "claims",
  "addresses",
  "gossipMs",
  "fanout",
  "suspicionMs",
  "dnsFile",
  "witness",
  "dnsFormat",
  "dns",
  "maxBackoffMs",
  "maxEntriesPerRequest",
  "logLevel",
];
const WITNESS = ["name", "keyFile", "stateDir", "logs", "prefix"];
const NET = ["admin", "priority", "bootstrapPeers", "bootstrapUrls", "claims", "settingsFile"];

function strings(v: unknown, where: string, check?: (s: string) => boolean, what = "strings"): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string" && (!check || check(x))))
    throw new ConfigError(`${where}: expected an array of ${what}`);
  return v as string[];
}

function dnsFormat(v: unknown): "ip" | "ips" {
  if (v === undefined) return "ip";
  if (v !== "ip" && v !== "ips") throw new ConfigError('dnsFormat: expected "ip" or "ips"');
  return v;
}

function isUrl(s: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(s).protocol);
  } catch {
    return false;
  }
}

function int(v: unknown, where: string, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max)
    throw new ConfigError(`${where}: expected an integer in ${min}..${max}`);
  return v as number;
}

/** `host:port` (IPv6 in brackets), as `where` names it in errors. */
function hostPort(v: unknown, where: string): { host: string; port: number } {
  const m = typeof v === "string" ? /^(.+):(\d{1,5})$/.exec(v) : null;
  if (!m || Number(m[2]) > 65535) throw new ConfigError(`${where}: expected host:port`);
  return { host: m[1]!.replace(/^\[(.*)\]$/, "$1"), port: Number(m[2]) };
}

function dnsOption(v: unknown): { host: string; port: number; ttl: number } | undefined {
  if (v === undefined) return undefined;
  if (!v || typeof v !== "object" || Array.isArray(v))
    throw new ConfigError("dns: expected an object { listen, ttl? }");
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (k !== "listen" && k !== "ttl") throw new ConfigError(`dns: unknown field ${k}`);
  return { ...hostPort(o.listen, "dns.listen"), ttl: int(o.ttl, "dns.ttl", 0, 86_400, 10) };
}

/**
 * Reads a config file, puts the MESHD_* variables of `env` over it (default: none; meshd passes
 * process.env) and checks the result. A refused field set by a variable names the variable.
 */
export function loadConfig(
  path: string,
  o: { env?: Readonly<Record<string, string | undefined>> } = {},
): MeshdConfig {
  return loadWithEnv({
    prefix: ENV_PREFIX,
    fields: ENV_FIELDS,
    env: o.env ?? {},
    path,
    ConfigError: ConfigError,
    check: (overrides) => checkConfig(path, overrides),
  });
}

function checkConfig(path: string, overrides: readonly EnvOverride[]): MeshdConfig {
  let raw: Record<string, unknown>;
  try {
    const text = readFileSync(path, "utf8");
    raw = (extname(path) === ".toml" ? parseToml(text) : parseJson(text)) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`config ${path}: ${(e as Error).message}`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw new ConfigError(`config ${path}: expected an object`);
  applyOverrides(raw, overrides);
  for (const k of Object.keys(raw)) if (!TOP.includes(k)) throw new ConfigError(`unknown field ${k}`);
  const at = (p: string) => resolve(dirname(path), p);
  const file = (k: string, required: boolean): string | undefined => {
    const v = raw[k];
    if (v === undefined && !required) return undefined;
    if (typeof v !== "string" || v === "") throw new ConfigError(`${k}: expected a path`);
    return at(v);
  };
  const { host, port } = hostPort(raw.listen ?? "127.0.0.1:7331", "listen");
  if (!Array.isArray(raw.networks) || raw.networks.length === 0)
    throw new ConfigError("networks: expected a non-empty array");
  const networks = raw.networks.map((n: unknown, i: number): MeshdNetwork => {
    const where = `networks[${i}]`;
    if (!n || typeof n !== "object" || Array.isArray(n))
      throw new ConfigError(`${where}: expected an object`);
    const o = n as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (!NET.includes(k)) throw new ConfigError(`${where}: unknown field ${k}`);
    try {
      fromBase64(o.admin as string, `${where}.admin`, 32);
    } catch (e) {
      throw new ConfigError(`${where}.admin: ${(e as Error).message}`);
    }
    const priority = o.priority ?? 1;
    if (typeof priority !== "number" || !Number.isFinite(priority))
      throw new ConfigError(`${where}.priority: expected a number`);
    if (o.settingsFile !== undefined && (typeof o.settingsFile !== "string" || o.settingsFile === ""))
      throw new ConfigError(`${where}.settingsFile: expected a path`);
    const bootstrapUrls = strings(o.bootstrapUrls, `${where}.bootstrapUrls`).map((u) =>
      isUrl(u) || u.startsWith("file:") ? u : at(u),
    );
    return {
      admin: o.admin as string,
      priority,
      bootstrapPeers: strings(o.bootstrapPeers, `${where}.bootstrapPeers`, isUrl, "http(s) URLs"),
      bootstrapUrls,
      claims: strings(o.claims, `${where}.claims`, (s) => HOSTNAME.test(s), "host names ([a-z0-9-], 1-63)"),
      ...(o.settingsFile ? { settingsFile: at(o.settingsFile as string) } : {}),
    };
  });
  if (new Set(networks.map((n) => n.admin)).size !== networks.length)
    throw new ConfigError("networks: the same admin key appears twice");
  const logLevel = raw.logLevel ?? "info";
  if (typeof logLevel !== "string" || !LEVELS.includes(logLevel))
    throw new ConfigError(`logLevel: expected one of ${LEVELS.join(", ")}`);
  const gossipMs = int(raw.gossipMs, "gossipMs", 50, 3_600_000, 1000);
  const stateDir = file("stateDir", true)!;
  return {
    stateDir,
    host,
    port,
    nodeKeyFile: file("nodeKeyFile", true)!,
    ...(raw.attestorKeyFile !== undefined ? { attestorKeyFile: file("attestorKeyFile", false)! } : {}),
    networks,
    claims: strings(raw.claims, "claims", (s) => HOSTNAME.test(s), "host names ([a-z0-9-], 1-63)"),
    ...(raw.addresses !== undefined ? { addresses: strings(raw.addresses, "addresses") } : {}),
    gossipMs,
    fanout: int(raw.fanout, "fanout", 1, 64, 3),
    ...(raw.suspicionMs !== undefined
      ? { suspicionMs: int(raw.suspicionMs, "suspicionMs", 0, 86_400_000, 3 * gossipMs) }
      : {}),
    ...(raw.dnsFile !== undefined ? { dnsFile: file("dnsFile", false)! } : {}),
    ...(raw.witness !== undefined ? { witness: witnessConfig(raw.witness, at, stateDir) } : {}),
    dnsFormat: dnsFormat(raw.dnsFormat),
    ...(raw.dns !== undefined ? { dns: dnsOption(raw.dns)! } : {}),
    ...(raw.maxBackoffMs !== undefined
      ? { maxBackoffMs: int(raw.maxBackoffMs, "maxBackoffMs", 50, 3_600_000, 60_000) }
      : {}),
    ...(raw.maxEntriesPerRequest !== undefined
      ? { maxEntriesPerRequest: int(raw.maxEntriesPerRequest, "maxEntriesPerRequest", 1, 200_000, 50_000) }
      : {}),
    logLevel,
  };
}

function witnessConfig(v: unknown, at: (p: string) => string, stateDir: string): MeshdWitness {
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new ConfigError("witness: expected an object");
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!WITNESS.includes(k)) throw new ConfigError(`witness: unknown field ${k}`);
  if (typeof o.name !== "string" || !/^[^\s+]{1,256}$/u.test(o.name))
    throw new ConfigError(
      "witness.name: expected a key name (no spaces or '+'), e.g. witness.example.org/w1",
    );
  const path = (k: string, dflt?: string): string => {
    const p = o[k] ?? dflt;
    if (typeof p !== "string" || p === "") throw new ConfigError(`witness.${k}: expected a path`);
    return at(p);
  };
  const prefix = o.prefix ?? "";
  if (typeof prefix !== "string" || (prefix !== "" && !/^(\/[A-Za-z0-9._~-]+)+$/.test(prefix)))
    throw new ConfigError('witness.prefix: expected "" or a path such as /witness');
  let logs: WitnessedLog[];
  try {
    logs = parseLogs(o.logs, "witness.logs");
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  return {
    name: o.name,
    keyFile: path("keyFile"),
    stateDir: o.stateDir === undefined ? resolve(stateDir, "witness") : path("stateDir"),
    logs,
    prefix,
  };
}
