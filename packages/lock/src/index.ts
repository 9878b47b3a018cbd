// @chronoseal/lock: the lock agent (entries, durable storage, uplink, anchors) and the auditor.
export { type AgentListener, type AgentOptions, HELD_OPEN_MS, LockAgent } from "./agent.js";
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
export { BatchFrontier } from "./audit/frontier.js";
export {
  type AuditOptions,
  type ChainVerdict,
  type Finding,
  type FindingKind,
  INFORMATIONAL,
} from "./audit/verdict.js";
export { anchorBoundaries, compactSignatures } from "./compact.js";
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
export { ANCHOR_SECTION, MeshAnchorError, MeshAnchors, type MeshAnchorsOptions } from "./mesh-anchors.js";
export { daily, everyMs, monthly, type RetentionPeriods } from "./periods.js";
export { PeriodKeys, pseudonym } from "./pseudonym.js";
export { runVirtual, type ScriptStep, SimulatedDriver, type SimulatedDriverOptions } from "./sim-driver.js";
export { AppendLog, encodeRecord, scanLog } from "./storage.js";
export { type FlushResult, Uplink, type UplinkOptions } from "./uplink.js";
