// @chronoseal/mesh: the peer-to-peer network state (CRDT), attestation, digest sync and views.

export { Bootstrap, readSnapshot } from "./bootstrap.js";
export { DnsServer, type DnsServerOptions, type Resolution } from "./dns-server.js";
export * from "./entries.js";
export { MAX_BODY, type SyncReport, syncWith } from "./gossip.js";
export type { NodeHooks } from "./hooks.js";
export { isExpired, prunable, renewable, ttlOf } from "./lease.js";
export {
  type Contact,
  type Health,
  type Member,
  Membership,
  type MembershipOptions,
  type MembershipTransport,
  type PingAnswer,
} from "./membership.js";
export { MeshNode, type NetworkConfig, type NodeConfig, type NodeReconfig } from "./node.js";
export { checkStateDir, NodeFiles } from "./node-files.js";
export { fetchText, httpTransport, PeerStatusError, readLimited, requestJson } from "./peer-client.js";
export {
  appendJournal,
  journalPath,
  type LoadResult,
  loadState,
  saveState,
  snapshotPath,
} from "./persist.js";
export {
  answerChallenge,
  checkChallenge,
  NONCE_BYTES,
  newNonce,
  peerUrl,
  REACHABILITY_CONTEXT,
  type ReachabilityAnswer,
  type ReachabilityPayload,
  verifyChallengeAnswer,
} from "./reachability.js";
export { refreshDue } from "./refresh.js";
export { entriesView, type NodeApi, registerRoutes } from "./routes.js";
export { checkDataJson, checkSettingsEntry, DATA_JSON_SCHEMA, SchemaError } from "./schema.js";
export { type SimOptions, type SimResult, simulate } from "./sim.js";
export { type ModelItem, type ModelOptions, type ModelResult, simulateModel } from "./sim-model.js";
export {
  type AttestationRejectReason,
  bucketOf,
  type IngestOptions,
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
  groupDns,
  type HostnameView,
  hostnames,
  hostRecords,
  mergeDns,
  type NamesView,
  type SectionItem,
  sectionRecords,
} from "./views.js";
