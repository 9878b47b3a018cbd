// @chronoseal/collector-app: the collector executable (main.ts, `chronoseal-collector`) and its
// config loader. To run collector processes from code use @chronoseal/launch.
export { type CollectorConfig, ConfigError, loadConfig } from "./config.js";
