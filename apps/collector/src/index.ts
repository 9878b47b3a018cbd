// @chronoseal/collector-app: the collector executable (see main.ts).
export { type CollectorConfig, loadConfig } from "./config.js";
