// @chronoseal/validity: "was this delegated credential validly issued as of T?"
export { Controller, type ControllerFile, type IssueRequest } from "./controller.js";
export { type DuplicityProof, verifyDuplicityProof } from "./duplicity.js";
export { type EvidenceView, MemoryEvidence } from "./evidence.js";
export { type KelState, type KeyState, keyDigest, replayKel } from "./kel.js";
export { hasValidSaid, SaidError, said, saidify } from "./said.js";
export { type AddResult, type CredentialStatus, EvidenceError, EvidenceStore } from "./store.js";
export type * from "./types.js";
export {
  type EdgeVerdict,
  type LinkStatus,
  type LinkVerdict,
  type ValidateOptions,
  ValidationContext,
  type Verdict,
  validate,
} from "./validate.js";
export { issuanceCounts, parseResolution, revocationCounts, WindowError, windowOf } from "./window.js";
