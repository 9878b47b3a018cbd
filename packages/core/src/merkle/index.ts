// Public API of the merkle area: RFC 9162 trees, proofs and the compact frontier; C2SP signed
// notes and tlog checkpoints, with witness cosignatures (cosignature/v1).

export { checkInclusionBatch, type InclusionItem, verifyInclusionBatch } from "./batch.js";
export {
  type Checkpoint,
  type CheckpointPolicy,
  cosignCheckpoint,
  formatCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  type VerifiedCheckpoint,
  verifyCheckpoint,
  type WitnessCosignature,
} from "./checkpoint.js";
export {
  COSIGNATURE_V1_HEADER,
  COSIGNATURE_V1_LENGTH,
  cosignedMessage,
  decodeTimestamped,
  encodeTimestamped,
  type Timestamped,
} from "./cosignature.js";
export {
  CheckpointError,
  type CheckpointErrorCode,
  MerkleError,
  MerkleProofError,
  NoteError,
  type NoteErrorCode,
  type ProofFailure,
  type ProofVerdict,
} from "./errors.js";
export { Frontier, type FrontierJson } from "./frontier.js";
export {
  emptyRoot,
  leafHash,
  leafHashes,
  merkleRoot,
  merkleRootFromLeafHashes,
  nodeHash,
} from "./hash.js";
export {
  checkNote,
  DEFAULT_MAX_FUTURE_MS,
  MAX_NOTE_SIGNATURES,
  type NoteSignature,
  type OpenedNote,
  type OpenOptions,
  openNote,
  type ParsedNote,
  parseNote,
  type SignerRef,
  type VerifiedSignature,
} from "./note.js";
export {
  formatSignerKey,
  formatVerifierKey,
  isSignerKey,
  type NoteKeyType,
  type NoteSigner,
  type NoteVerifier,
  noteKeyId,
  noteVerifier,
  parseSignerKey,
  parseVerifierKey,
} from "./note-keys.js";
export { cosignNote, type NoteSignOptions, signatureLines, signNote } from "./note-sign.js";
export { consistencyProof, inclusionProof, MerkleTree } from "./tree.js";
export {
  assertConsistency,
  assertInclusion,
  checkConsistency,
  checkInclusion,
  verifyConsistency,
  verifyInclusion,
} from "./verify.js";
