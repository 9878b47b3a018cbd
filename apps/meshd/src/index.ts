// @chronoseal/meshd: the mesh node daemon (main.ts), its config checks, and a launcher for real
// meshd processes (tests, the demo, the hardware simulator).
export { ConfigError, loadConfig, type MeshdConfig, type MeshdNetwork } from "./config.js";
export {
  createNetwork,
  freePort,
  type LaunchOptions,
  launchMeshd,
  MeshdProcess,
  type MeshdStatus,
} from "./launch.js";
