// @chronoseal/collector/testing: the storage compliance suite every CollectorStore passes, and the
// signed-chain fixtures it uses. Needs vitest (an optional peer dependency of this package: only
// code that imports this subpath loads it).
export { chain, type Device, device, unsigned } from "./fixtures.js";
export { runStorageSuite, type StorageHarness, type StorageSuiteOptions } from "./storage-suite.js";
