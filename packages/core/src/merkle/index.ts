// Public API of the merkle area: RFC 9162 trees and proofs, the frontier, signed notes and checkpoints.
export {
  type Checkpoint,
  formatCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
} from "./checkpoint.js";
export { Frontier } from "./frontier.js";
export {
  cosignNote,
  formatVerifierKey,
  NoteError,
  type NoteSigner,
  type NoteVerifier,
  noteKeyId,
  type OpenedNote,
  openNote,
  parseNote,
  parseVerifierKey,
  signNote,
} from "./note.js";
export {
  leafHash,
  leafHashes,
  MerkleError,
  MerkleTree,
  merkleRoot,
  merkleRootFromLeafHashes,
  nodeHash,
  verifyConsistency,
  verifyInclusion,
} from "./tree.js";
