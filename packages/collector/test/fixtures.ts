// The fixtures live with the exported compliance suite (src/testing); the package's own tests
// import them from here.
export { chain, type Device, device } from "../src/testing/fixtures.js";
