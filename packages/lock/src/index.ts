// @chronoseal/lock: the lock agent (entries, durable storage, anchors) and the auditor.
export { type AgentOptions, HELD_OPEN_MS, LockAgent, type LockDriver } from "./agent.js";
export {
  type Anchor,
  type AnchorKind,
  type AnchorSink,
  type AnchorSource,
  anchorHash,
  anchorOrigin,
  FileAnchors,
  openAnchor,
  signAnchor,
} from "./anchors.js";
export {
  type AuditOptions,
  Auditor,
  audit,
  type ChainVerdict,
  type Finding,
  type FindingKind,
} from "./auditor.js";
export {
  ENTRY_CONTEXT,
  EntryError,
  EVENTS,
  entryHash,
  entryShapeError,
  type LockEntry,
  type LockEvent,
  pseudonym,
  signEntry,
} from "./entry.js";
export { SimulatedDriver, type SimulatedDriverOptions } from "./sim-driver.js";
export { AppendLog, type OpenResult } from "./storage.js";
export { Uplink, type UplinkOptions } from "./uplink.js";
