// The lock agent's config file: parsed and checked by @chronoseal/lock (the CLI's `lock
// decommission` reads the same file), re-exported here under the app's names.
export {
  AgentConfigError as ConfigError,
  type DriverConfig,
  type LockAgentConfig,
  loadAgentConfig as loadConfig,
} from "@chronoseal/lock";
