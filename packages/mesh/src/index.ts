// @chronoseal/mesh: the peer-to-peer network state (CRDT), attestation, digest sync and views.
export * from "./entries.js";
export { MeshNode, type NetworkConfig, type NodeConfig, verifyChallenge } from "./node.js";
export { type LoadResult, loadState, saveState } from "./persist.js";
export { checkDataJson, DATA_JSON_SCHEMA, SchemaError } from "./schema.js";
export { type SimOptions, type SimResult, simulate } from "./sim.js";
export { type IngestReport, NetworkState, type RejectReason, type StateJSON } from "./state.js";
export { attestAll, type Digest, differingBuckets, digest, slice } from "./sync.js";
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
