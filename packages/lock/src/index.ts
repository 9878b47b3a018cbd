// @chronoseal/lock: the lock agent (entries, durable storage, uplink, anchors) and the auditor.
export {
  type AgentListener,
  type AgentOptions,
  DecommissionedError,
  HELD_OPEN_MS,
  LockAgent,
} from "./agent.js";
export {
  AgentConfigError,
  type DriverConfig,
  type LockAgentConfig,
  loadAgentConfig,
} from "./agent-config.js";
export { agentOptionsFor, anchorSinkFor, uplinkFor } from "./agent-wiring.js";
export {
  ANCHOR_KINDS,
  ANCHOR_ORIGIN_PREFIX,
  type Anchor,
  AnchorError,
  type AnchorKind,
  type AnchorSink,
  type AnchorSource,
  anchorHash,
  anchorOrigin,
  FileAnchors,
  type OpenedAnchor,
  openAnchor,
  signAnchor,
} from "./anchors.js";
export {
  type AnchorIndex,
  type AnchorProblem,
  type ChainAnchors,
  indexAnchors,
} from "./audit/anchor-index.js";
export { Auditor, audit } from "./audit/auditor.js";
export { FINDING_KINDS } from "./audit/findings.js";
export { BatchFrontier } from "./audit/frontier.js";
export {
  type AuditOptions,
  type ChainVerdict,
  type Finding,
  type FindingKind,
  INFORMATIONAL,
} from "./audit/verdict.js";
export { type AnchorWitness, AnchorWitnesses, type WitnessPolicy } from "./audit/witnesses.js";
export {
  type Authorize,
  AuthorizeError,
  type AuthorizerOptions,
  badgeHash,
  loadAuthorizer,
  parseAllowlist,
} from "./authorize.js";
export { ChainProofs } from "./chain-proofs.js";
export { anchorBoundaries, compactSignatures } from "./compact.js";
export { type DecommissionOptions, type DecommissionReport, decommissionDevice } from "./decommission.js";
export { acquireDevice, DeviceBusyError } from "./device-lock.js";
export { type LockDriver, type LockInputs, VirtualClock } from "./driver.js";
export {
  chainId,
  type Detail,
  ENTRY_CONTEXT,
  EntryError,
  EVENTS,
  entryShapeError,
  type LockEntry,
  type LockEvent,
  signEntry,
} from "./entry.js";
export { entryCanonical, entryHash, entryHashBytes, entryHashes } from "./entry-hash.js";
export type { StorageObserver } from "./files.js";
export {
  type ChainRecord,
  type ChainStatus,
  type Manifest,
  ManifestError,
  readManifest,
} from "./manifest.js";
export { MeshAnchors, type MeshAnchorsOptions } from "./mesh-anchors.js";
export {
  ANCHOR_SECTION,
  type Attested,
  anchorView,
  fetchVerifiedState,
  HEAD_SECTION,
  MeshAnchorError,
  type MeshAnchorView,
  type MeshReadOptions,
  readMeshAnchors,
} from "./mesh-read.js";
export { daily, everyMs, monthly, type RetentionPeriods } from "./periods.js";
export { PeriodKeys, pseudonym } from "./pseudonym.js";
export { runVirtual, type ScriptStep, SimulatedDriver, type SimulatedDriverOptions } from "./sim-driver.js";
export { AppendLog, encodeRecord, scanLog } from "./storage.js";
export { type FlushResult, Uplink, type UplinkOptions } from "./uplink.js";
export { WitnessedAnchors, type WitnessedAnchorsOptions, type WitnessStatus } from "./witnessed-anchors.js";
