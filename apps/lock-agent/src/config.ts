// The lock agent's config file: parsed and checked by @chronoseal/lock (the CLI's `lock
// decommission` reads the same file), with the CHRONOSEAL_LOCK_AGENT_* variables of `env` put
// over its fields before the checks (env.ts); a refused field set by a variable names it.
import { applyOverrides, loadWithEnv } from "@chronoseal/http";
import { AgentConfigError, type LockAgentConfig, loadAgentConfig } from "@chronoseal/lock";
import { ENV_FIELDS, ENV_PREFIX } from "./env.js";

export { AgentConfigError as ConfigError, type DriverConfig, type LockAgentConfig } from "@chronoseal/lock";

/** Reads and checks the config, with the variables of `env` (default: none) over the file. */
export function loadConfig(
  path: string,
  o: { env?: Readonly<Record<string, string | undefined>> } = {},
): LockAgentConfig {
  return loadWithEnv({
    prefix: ENV_PREFIX,
    fields: ENV_FIELDS,
    env: o.env ?? {},
    path,
    ConfigError: AgentConfigError,
    check: (overrides) => loadAgentConfig(path, { overrides: (raw) => applyOverrides(raw, overrides) }),
  });
}
