// The lock agent's configuration file (JSON), read by apps/lock-agent and by `chronoseal lock
// decommission`. Every field is checked, with its name in the error, before anything starts;
// paths are relative to the config file.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ChronosealError, parseJson } from "@chronoseal/core";
import { parseWitnessTargets, type WitnessTarget } from "@chronoseal/witness";

export type DriverConfig =
  | {
      type: "simulated";
      seed?: number;
      badgeEveryMs?: number;
      holdOpenMs?: number;
      holdLongEvery?: number;
      users?: number;
      /** The simulated lock's clock starts at this time (RFC 3339) and runs at real speed. */
      startAt?: string;
    }
  /** A hardware adapter: a module exporting `createDriver(options)` that returns a LockDriver. */
  | { type: "module"; path: string; options?: unknown };

export interface LockAgentConfig {
  /** Device storage directory. */
  dir: string;
  /** Door serial. */
  door: string;
  /** Device private key file (any format `chronoseal keygen` writes). */
  keyFile: string;
  /** Collector base URL. */
  collector: string;
  /** Where anchors go: an NDJSON file, or a mesh network's `lock-anchors` section. */
  anchorsFile?: string;
  mesh?: { nodes: string[]; network: string };
  /** C2SP witnesses that cosign every anchor: [{ url, key, name }] (default none). */
  witnesses: WitnessTarget[];
  /** How long an anchor waits for the witnesses before it is published (ms, default 5000). */
  witnessWaitMs?: number;
  /** Pin the period label (rotate by changing it); default: automatic `periods`. */
  period?: string;
  periods: "monthly" | "daily";
  retainPeriods?: number;
  anchorEvery?: number;
  anchorIntervalMs?: number;
  /** A signed head at most this often while entries are unanchored (ms, default 5 min; 0: never). */
  headIntervalMs?: number;
  unlockMs?: number;
  /** How often the loop runs the driver, the timers and the uplink (ms, default 1000). */
  tickMs: number;
  uplink: { batchSize?: number; backoffMs?: number; maxBackoffMs?: number };
  driver: DriverConfig;
  /** Access decisions by badge hash: an allowlist file, or a module exporting authorize(). */
  authorize?: { allowlist: string } | { module: string };
  /**
   * The daemon's status (apps/lock-agent): `<dir>/status.json` and `<dir>/metrics.prom` every
   * `everyMs` (default 5000), and with `listen` a local HTTP endpoint (/status, /healthz,
   * /readyz, /metrics).
   */
  status?: { listen?: { host: string; port: number }; everyMs: number };
  logLevel: string;
}

export class AgentConfigError extends ChronosealError {
  constructor(message: string) {
    super("ERR_CONFIG", message);
    this.name = "AgentConfigError";
  }
}

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function int(v: unknown, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max)
    throw new AgentConfigError(`${name} must be an integer in [${min}, ${max}]`);
  return v;
}

function str(v: unknown, name: string): string {
  if (typeof v !== "string" || v === "") throw new AgentConfigError(`${name} must be a non-empty string`);
  return v;
}

/**
 * Reads and checks a lock agent's config file. `overrides` may change the parsed file before the
 * checks (the daemon puts its environment variables over it there), so the same checks apply.
 */
export function loadAgentConfig(
  path: string,
  o: { overrides?: (raw: Record<string, unknown>) => void } = {},
): LockAgentConfig {
  let c: Record<string, unknown>;
  try {
    c = parseJson(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new AgentConfigError(`config ${path}: ${(e as Error).message}`);
  }
  if (!c || typeof c !== "object" || Array.isArray(c))
    throw new AgentConfigError(`config ${path}: expected an object`);
  o.overrides?.(c);
  const known = [
    "dir",
    "door",
    "keyFile",
    "collector",
    "anchorsFile",
    "mesh",
    "witnesses",
    "witnessWaitMs",
    "period",
    "periods",
    "retainPeriods",
    "anchorEvery",
    "anchorIntervalMs",
    "headIntervalMs",
    "unlockMs",
    "tickMs",
    "uplink",
    "driver",
    "authorize",
    "status",
    "logLevel",
  ];
  for (const k of Object.keys(c))
    if (!known.includes(k)) throw new AgentConfigError(`config ${path}: unknown field ${k}`);
  const at = (p: string) => resolve(dirname(path), p);
  const door = str(c.door, "door");
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(door))
    throw new AgentConfigError("door must be 1-64 of [A-Za-z0-9._:-]");
  const collector = str(c.collector, "collector");
  if (!/^https?:\/\//.test(collector)) throw new AgentConfigError("collector must be an http(s) URL");
  if (c.period !== undefined && !/^[A-Za-z0-9._:-]{1,64}$/.test(str(c.period, "period")))
    throw new AgentConfigError("period must be 1-64 of [A-Za-z0-9._:-]");
  const periods = c.periods ?? "monthly";
  if (periods !== "monthly" && periods !== "daily")
    throw new AgentConfigError('periods must be "monthly" or "daily"');
  const u = (c.uplink ?? {}) as Record<string, unknown>;
  if (typeof u !== "object" || Array.isArray(u)) throw new AgentConfigError("uplink must be an object");
  const d = (c.driver ?? { type: "simulated" }) as Record<string, unknown>;
  let driver: DriverConfig;
  if (d.type === "simulated") {
    driver = { type: "simulated" };
    for (const k of ["seed", "badgeEveryMs", "holdOpenMs", "holdLongEvery", "users"] as const) {
      const v = int(d[k], `driver.${k}`, 0, 2 ** 31);
      if (v !== undefined) driver[k] = v;
    }
    if (d.startAt !== undefined) {
      if (typeof d.startAt !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(d.startAt))
        throw new AgentConfigError("driver.startAt must be an RFC 3339 UTC time");
      driver.startAt = d.startAt;
    }
  } else if (d.type === "module") {
    driver = { type: "module", path: at(str(d.path, "driver.path")), options: d.options };
  } else throw new AgentConfigError('driver.type must be "simulated" or "module"');
  if ((c.anchorsFile === undefined) === (c.mesh === undefined))
    throw new AgentConfigError("exactly one of anchorsFile and mesh must be given (where the anchors go)");
  let mesh: LockAgentConfig["mesh"];
  if (c.mesh !== undefined) {
    const m = c.mesh as Record<string, unknown>;
    if (!m || typeof m !== "object" || Array.isArray(m)) throw new AgentConfigError("mesh must be an object");
    for (const k of Object.keys(m))
      if (k !== "nodes" && k !== "network") throw new AgentConfigError(`mesh: unknown field ${k}`);
    if (
      !Array.isArray(m.nodes) ||
      m.nodes.length === 0 ||
      !m.nodes.every((n) => typeof n === "string" && /^https?:\/\//.test(n))
    )
      throw new AgentConfigError("mesh.nodes must be a non-empty array of http(s) URLs of meshd nodes");
    const network = str(m.network, "mesh.network");
    if (!/^[A-Za-z0-9+/]{43}=$/.test(network))
      throw new AgentConfigError("mesh.network must be the network's admin public key (base64, 32 bytes)");
    mesh = { nodes: m.nodes as string[], network };
  }
  let authorize: LockAgentConfig["authorize"];
  if (c.authorize !== undefined) {
    const a = c.authorize as Record<string, unknown>;
    if (!a || typeof a !== "object" || Array.isArray(a) || Object.keys(a).length !== 1)
      throw new AgentConfigError('authorize must be { "allowlist": FILE } or { "module": FILE }');
    if (a.allowlist !== undefined) authorize = { allowlist: at(str(a.allowlist, "authorize.allowlist")) };
    else if (a.module !== undefined) authorize = { module: at(str(a.module, "authorize.module")) };
    else throw new AgentConfigError('authorize must be { "allowlist": FILE } or { "module": FILE }');
  }
  let witnesses: WitnessTarget[];
  try {
    witnesses = parseWitnessTargets(c.witnesses ?? []);
  } catch (e) {
    throw new AgentConfigError((e as Error).message);
  }
  const status = statusOf(c.status);
  const logLevel = c.logLevel ?? "info";
  if (typeof logLevel !== "string" || !LEVELS.includes(logLevel))
    throw new AgentConfigError(`logLevel must be one of ${LEVELS.join(", ")}`);
  const opt = <T>(name: string, v: T | undefined) => (v === undefined ? {} : { [name]: v });
  return {
    dir: at(str(c.dir, "dir")),
    door,
    keyFile: at(str(c.keyFile, "keyFile")),
    collector,
    ...(c.anchorsFile !== undefined ? { anchorsFile: at(str(c.anchorsFile, "anchorsFile")) } : {}),
    ...(mesh ? { mesh } : {}),
    witnesses,
    ...opt("witnessWaitMs", int(c.witnessWaitMs, "witnessWaitMs", 1, 600_000)),
    ...(c.period !== undefined ? { period: c.period as string } : {}),
    periods,
    ...opt("retainPeriods", int(c.retainPeriods, "retainPeriods", 1, 1000)),
    ...opt("anchorEvery", int(c.anchorEvery, "anchorEvery", 1, 1_000_000)),
    ...opt("anchorIntervalMs", int(c.anchorIntervalMs, "anchorIntervalMs", 1, 2 ** 40)),
    ...opt("headIntervalMs", int(c.headIntervalMs, "headIntervalMs", 0, 2 ** 40)),
    ...opt("unlockMs", int(c.unlockMs, "unlockMs", 0, 3_600_000)),
    tickMs: int(c.tickMs, "tickMs", 1, 3_600_000) ?? 1000,
    uplink: {
      ...opt("batchSize", int(u.batchSize, "uplink.batchSize", 1, 10_000)),
      ...opt("backoffMs", int(u.backoffMs, "uplink.backoffMs", 1, 2 ** 40)),
      ...opt("maxBackoffMs", int(u.maxBackoffMs, "uplink.maxBackoffMs", 1, 2 ** 40)),
    },
    driver,
    ...(authorize ? { authorize } : {}),
    status,
    logLevel,
  };
}

function statusOf(v: unknown): NonNullable<LockAgentConfig["status"]> {
  if (v === undefined) return { everyMs: 5000 };
  if (!v || typeof v !== "object" || Array.isArray(v))
    throw new AgentConfigError('status must be { "listen": "127.0.0.1:PORT", "everyMs": N }');
  const s = v as Record<string, unknown>;
  for (const k of Object.keys(s))
    if (k !== "listen" && k !== "everyMs") throw new AgentConfigError(`status: unknown field ${k}`);
  let listen: { host: string; port: number } | undefined;
  if (s.listen !== undefined) {
    const m = typeof s.listen === "string" ? /^(.+):(\d{1,5})$/.exec(s.listen) : null;
    if (!m || Number(m[2]) > 65535) throw new AgentConfigError("status.listen must be host:port");
    listen = { host: m[1]!.replace(/^\[(.*)\]$/, "$1"), port: Number(m[2]) };
  }
  return { ...(listen ? { listen } : {}), everyMs: int(s.everyMs, "status.everyMs", 100, 3_600_000) ?? 5000 };
}
