// @chronoseal/meshd: the mesh node daemon (main.ts, the `meshd` executable) and its config checks.
// To run meshd processes from code (tests, the demo, the simulator) use @chronoseal/launch.
export { ConfigError, loadConfig, type MeshdConfig, type MeshdNetwork } from "./config.js";
