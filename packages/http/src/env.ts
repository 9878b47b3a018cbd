// Environment overrides for a daemon's config file, one scheme for every app: the app's prefix
// plus the field's path in upper snake case (`gossipMs` → MESHD_GOSSIP_MS, `dns.listen` →
// MESHD_DNS_LISTEN, `storage.url` → CHRONOSEAL_COLLECTOR_STORAGE_URL). A variable's text is
// read as the field's type (string; integer and number as decimal; boolean as true/false; arrays
// and objects as JSON) and put over the file's value before the config is checked, so the same
// checks apply; a variable that cannot be read, or an unknown variable with the app's prefix
// (a typo would otherwise be ignored), is an EnvError naming the variable. When the checks then
// refuse a field that came from the environment, blameVariable() names the variable in front of
// the message.
import { ChronosealError, parseJson } from "@chronoseal/core";

export type EnvType = "string" | "integer" | "number" | "boolean" | "json";

/** A config field that may be set from the environment: its path (`dns.listen`) and type. */
export interface EnvField {
  path: string;
  type: EnvType;
}

/** One variable read: its name, the field it sets and the value (typed). */
export interface EnvOverride {
  variable: string;
  path: string;
  value: unknown;
}

/** A variable of the app's prefix that is unknown or cannot be read as its field's type. */
export class EnvError extends ChronosealError {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super("ERR_ENV", `${variable}: ${message}`);
    this.name = "EnvError";
    this.variable = variable;
  }
}

/** The variable for a field path: prefix + upper snake case (`dns.listen` → MESHD_DNS_LISTEN). */
export function envName(prefix: string, path: string): string {
  return (
    prefix +
    path
      .split(".")
      .map((p) => p.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase())
      .join("_")
  );
}

/** The variables of a field list, checked for two fields that would share one variable. */
export function envNames(prefix: string, fields: readonly EnvField[]): Map<string, EnvField> {
  if (!/^[A-Z][A-Z0-9_]*_$/.test(prefix))
    throw new RangeError(`prefix: expected upper snake case ending in _, got ${prefix}`);
  const out = new Map<string, EnvField>();
  for (const f of fields) {
    const name = envName(prefix, f.path);
    const other = out.get(name);
    if (other) throw new RangeError(`fields ${other.path} and ${f.path} both map to ${name}`);
    out.set(name, f);
  }
  return out;
}

function read(variable: string, type: EnvType, text: string): unknown {
  switch (type) {
    case "string":
      if (text === "") throw new EnvError(variable, "is empty");
      return text;
    case "integer":
    case "number": {
      const ok = type === "integer" ? /^-?\d{1,16}$/ : /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
      if (!ok.test(text.trim()))
        throw new EnvError(
          variable,
          `expected ${type === "integer" ? "an integer" : "a number"}, got ${JSON.stringify(text.slice(0, 40))}`,
        );
      return Number(text.trim());
    }
    case "boolean":
      if (text === "true" || text === "1") return true;
      if (text === "false" || text === "0") return false;
      throw new EnvError(variable, `expected true or false, got ${JSON.stringify(text.slice(0, 40))}`);
    case "json":
      try {
        return parseJson(text);
      } catch (e) {
        throw new EnvError(variable, `expected JSON: ${(e as Error).message}`);
      }
  }
}

/** Reads the app's variables from `env` (sorted by name); throws EnvError on a bad one. */
export function envOverrides(
  prefix: string,
  fields: readonly EnvField[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): EnvOverride[] {
  const names = envNames(prefix, fields);
  const out: EnvOverride[] = [];
  for (const variable of Object.keys(env).sort()) {
    if (!variable.startsWith(prefix)) continue;
    const text = env[variable];
    if (text === undefined) continue;
    const field = names.get(variable);
    if (!field)
      throw new EnvError(variable, `unknown variable (the ${prefix}* variables are listed in the README)`);
    out.push({ variable, path: field.path, value: read(variable, field.type, text) });
  }
  return out;
}

/** Puts the overrides over a parsed config file (nested objects are created as needed). */
export function applyOverrides(raw: Record<string, unknown>, overrides: readonly EnvOverride[]): void {
  for (const o of overrides) {
    const parts = o.path.split(".");
    let at = raw;
    for (const p of parts.slice(0, -1)) {
      const next = at[p];
      if (!next || typeof next !== "object" || Array.isArray(next)) at[p] = {};
      at = at[p] as Record<string, unknown>;
    }
    at[parts[parts.length - 1]!] = o.value;
  }
}

/**
 * The variable to blame for a config error: the override whose field path the message names
 * as a whole word ("fanout: expected …", "dns.listen: …"), or failing that the one whose
 * parent object it names ("storage must be …" for CHRONOSEAL_COLLECTOR_STORAGE_TYPE); the
 * longest path wins.
 */
export function blameVariable(message: string, overrides: readonly EnvOverride[]): string | undefined {
  const candidates: { path: string; variable: string }[] = [];
  for (const o of overrides) {
    const parts = o.path.split(".");
    for (let n = parts.length; n > 0; n--)
      candidates.push({ path: parts.slice(0, n).join("."), variable: o.variable });
  }
  candidates.sort((a, b) => b.path.length - a.path.length);
  for (const c of candidates) {
    const escaped = c.path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    if (new RegExp(`(^|[^A-Za-z0-9_.])${escaped}([^A-Za-z0-9_]|$)`).test(message)) return c.variable;
  }
  return undefined;
}

/** What loadWithEnv needs from an app: its variables, its config error, and its checks. */
export interface LoadWithEnv<T> {
  prefix: string;
  fields: readonly EnvField[];
  /** The environment to read (the apps pass process.env; tests pass their own). */
  env: Readonly<Record<string, string | undefined>>;
  /** The config file's path: messages start "config PATH: ", which is not searched for a field. */
  path: string;
  /** The app's config error class: for a bad variable, and a refused field its variable set. */
  ConfigError: new (
    message: string,
  ) => Error;
  /** Reads the file, puts the overrides over it (applyOverrides) and checks the result. */
  check: (overrides: readonly EnvOverride[]) => T;
}

/**
 * An app's loadConfig with environment overrides: a bad or unknown variable is a config error
 * naming it; a field the checks refuse that a variable set is a config error with the variable's
 * name in front of the message; anything else passes through unchanged.
 */
export function loadWithEnv<T>(o: LoadWithEnv<T>): T {
  let overrides: EnvOverride[];
  try {
    overrides = envOverrides(o.prefix, o.fields, o.env);
  } catch (e) {
    if (e instanceof EnvError) throw new o.ConfigError(e.message);
    throw e;
  }
  try {
    return o.check(overrides);
  } catch (e) {
    // (the file's own path is left out: it may contain a field's name)
    const variable =
      e instanceof o.ConfigError
        ? blameVariable(e.message.replace(`config ${o.path}: `, ""), overrides)
        : undefined;
    if (variable) throw new o.ConfigError(`${variable}: ${(e as Error).message}`);
    throw e;
  }
}
