// @chronoseal/core: the public API. Each area keeps its own barrel; this file only gathers them.
export * from "./attest/index.js";
export * from "./ed25519/index.js";
export * from "./encoding.js";
export * from "./errors.js";
export * from "./hash/index.js";
export { init, initSync } from "./init.js";
export * from "./jcs/index.js";
export * from "./keys/index.js";
export * from "./merkle/index.js";
export { hasSimd } from "./wasm/load.js";
