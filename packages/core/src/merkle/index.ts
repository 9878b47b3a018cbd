// Public API of the merkle area: RFC 9162 trees, proofs and the compact frontier; C2SP signed
// notes and tlog checkpoints.

export { checkInclusionBatch, type InclusionItem, verifyInclusionBatch } from "./batch.js";
export {
  type Checkpoint,
  formatCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  type VerifiedCheckpoint,
  verifyCheckpoint,
} from "./checkpoint.js";
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
  cosignNote,
  MAX_NOTE_SIGNATURES,
  type NoteSignature,
  type OpenedNote,
  openNote,
  type ParsedNote,
  parseNote,
  type SignerRef,
  signNote,
} from "./note.js";
export {
  formatSignerKey,
  formatVerifierKey,
  isSignerKey,
  type NoteSigner,
  type NoteVerifier,
  noteKeyId,
  noteVerifier,
  parseSignerKey,
  parseVerifierKey,
} from "./note-keys.js";
export { consistencyProof, inclusionProof, MerkleTree } from "./tree.js";
export {
  assertConsistency,
  assertInclusion,
  checkConsistency,
  checkInclusion,
  verifyConsistency,
  verifyInclusion,
} from "./verify.js";
