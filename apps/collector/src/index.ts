// @chronoseal/collector-app: the collector executable (see main.ts); its config loader.
export { type CollectorConfig, ConfigError, loadConfig } from "./config.js";
export { type CollectorLaunchOptions, CollectorProcess, launchCollector } from "./launch.js";
