// @chronoseal/collector: the untrusted log collector — ingest, storage, export.
export { MissingDriverError } from "./driver.js";
export { type IngestCode, IngestError, type IngestResult, ingest, MAX_BATCH } from "./ingest.js";
export { MeshDevices, type MeshDevicesOptions } from "./mesh-devices.js";
export { PostgresStore } from "./postgres.js";
export { type CollectorHooks, type CollectorOptions, createCollectorServer, MAX_BODY } from "./server.js";
export { SqliteStore } from "./sqlite.js";
export {
  type ChainHead,
  type CollectorStore,
  type EntryQuery,
  StoreConflictError,
  type StoredEntry,
  StoreOpenError,
} from "./store.js";
