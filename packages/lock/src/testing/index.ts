// @chronoseal/lock/testing: the compliance suite every LockDriver passes. Needs vitest (an
// optional peer dependency of this package: only code that imports this subpath loads it).
export { type DriverHarness, runDriverSuite } from "./driver-suite.js";
