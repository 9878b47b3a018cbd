// @chronoseal/lock-agent: the lock agent executable (see main.ts).
export { type LockAgentConfig, loadConfig } from "./config.js";
