// @chronoseal/lock-agent: the lock agent executable (see main.ts); its config loader.
export { ConfigError, type DriverConfig, type LockAgentConfig, loadConfig } from "./config.js";
