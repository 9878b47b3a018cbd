// @chronoseal/launch: the daemons as real processes (meshd, the collector) for end-to-end tests,
// the demo and the hardware simulator, plus a helper that creates a network's signed settings.
export { type CollectorLaunchOptions, CollectorProcess, launchCollector } from "./collector.js";
export { Daemon, type DaemonSpec, LaunchError } from "./daemon.js";
export { launchMeshd, type MeshdLaunchOptions, MeshdProcess, type MeshdStatus } from "./meshd.js";
export { createNetwork, type NetworkOptions } from "./network.js";
export { freePort } from "./port.js";
