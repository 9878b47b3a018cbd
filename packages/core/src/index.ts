// @chronoseal/core: the public API. Every export is re-exported from its own module here.
export { hasSimd } from "./wasm/load.js";
