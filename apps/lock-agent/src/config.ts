// The lock agent's config file: parsed and checked by @chronoseal/lock (the CLI's `lock
// decommission` reads the same file), with the CHRONOSEAL_LOCK_AGENT_* variables of `env` put
// over its fields before the checks (env.ts); a refused field set by a variable names it.
import { applyOverrides, blameVariable, EnvError, type EnvOverride, envOverrides } from "@chronoseal/http";
import { AgentConfigError, type LockAgentConfig, loadAgentConfig } from "@chronoseal/lock";
import { ENV_FIELDS, ENV_PREFIX } from "./env.js";

export { AgentConfigError as ConfigError, type DriverConfig, type LockAgentConfig } from "@chronoseal/lock";

/** Reads and checks the config, with the variables of `env` (default: none) over the file. */
export function loadConfig(
  path: string,
  o: { env?: Readonly<Record<string, string | undefined>> } = {},
): LockAgentConfig {
  let overrides: EnvOverride[];
  try {
    overrides = envOverrides(ENV_PREFIX, ENV_FIELDS, o.env ?? {});
  } catch (e) {
    if (e instanceof EnvError) throw new AgentConfigError(e.message);
    throw e;
  }
  try {
    return loadAgentConfig(path, { overrides: (raw) => applyOverrides(raw, overrides) });
  } catch (e) {
    const variable =
      e instanceof AgentConfigError
        ? blameVariable(e.message.replace(`config ${path}: `, ""), overrides)
        : undefined;
    if (variable) throw new AgentConfigError(`${variable}: ${(e as Error).message}`);
    throw e;
  }
}
