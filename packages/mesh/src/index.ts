// @chronoseal/mesh: the peer-to-peer network state (CRDT), attestation, digest sync and views.
export * from "./entries.js";
export { MeshNode, type NetworkConfig, type NodeConfig, verifyChallenge } from "./node.js";
export {
  appendJournal,
  journalPath,
  type LoadResult,
  loadState,
  saveState,
  snapshotPath,
} from "./persist.js";
export { checkDataJson, DATA_JSON_SCHEMA, SchemaError } from "./schema.js";
export { type SimOptions, type SimResult, simulate } from "./sim.js";
export {
  bucketOf,
  type IngestReport,
  NetworkState,
  type RejectReason,
  type StateJSON,
  type StateOptions,
  type VerifiedCache,
  type VerifiedSignature,
} from "./state.js";
export {
  attestAll,
  checkSummaries,
  type Digest,
  differingBuckets,
  digest,
  itemsFor,
  type Reconciliation,
  reconcile,
  type Summaries,
  slice,
  summaries,
} from "./sync.js";
export {
  type DnsLine,
  dnsLines,
  type HostnameView,
  hostnames,
  hostRecords,
  mergeDns,
  type NamesView,
  type SectionItem,
  sectionRecords,
} from "./views.js";
