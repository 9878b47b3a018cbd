// Public API of the attest area: the signing rule, verification reports, chronology, histories.
export { compareChronology, MergeError, mergeSignatures, type Time, timeOf } from "./chronology.js";
export {
  COMMIT_CONTEXT,
  type Commit,
  type CommitSignature,
  commitId,
  compact,
  type History,
  HistoryError,
  type HistoryReport,
  makeCommit,
  signCommit,
  type UnprovenReason,
  verifyHistory,
} from "./history.js";
export {
  assertContext,
  payloadHash,
  payloadOf,
  type SignatureEntry,
  type SignatureMap,
  type SignedDocument,
  SigningError,
  type SignOptions,
  signDocument,
  signHash,
  signingString,
} from "./signing.js";
export { formatTimestamp, parseTimestamp, TimestampError, toMillis } from "./time.js";
export {
  DEFAULT_FUTURE_TOLERANCE,
  type DocumentReport,
  type IgnoredSignature,
  type IgnoreReason,
  type ValidSignature,
  type VerifyDocumentsOptions,
  verifyDocument,
  verifyDocuments,
} from "./verify.js";
