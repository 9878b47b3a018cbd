// Public API of the ed25519 area: verification in WebAssembly.
export { initEd25519, initEd25519Sync } from "../wasm/ed25519.js";
export { type VerifyItem, type VerifyMode, type VerifyOptions, verify, verifyBatch } from "./verify.js";
