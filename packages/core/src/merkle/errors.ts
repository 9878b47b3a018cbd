// Typed errors of the merkle area. Each has `name` set and a stable `code`:
// - MerkleError: misuse of trees and frontiers (a frontier that does not fit its size, …);
// - MerkleProofError: a proof that does not verify, with the machine-readable `reason`
//   (thrown only by the assert* helpers; verify* return false and check* return the reason);
// - NoteError: a malformed signed note, verifier or signer key, or a note no known key signed;
// - CheckpointError: a malformed checkpoint body, one for an unexpected origin, or one without
//   the witness cosignatures a policy requires.
import { ChronosealError } from "../errors.js";

export class MerkleError extends ChronosealError {
  constructor(code: `ERR_MERKLE${string}`, message: string) {
    super(code, message);
    this.name = "MerkleError";
  }
}

/** Why a proof failed. `malformed-proof`: a node is not 32 bytes. */
export type ProofFailure =
  | "bad-hash-length"
  | "bad-size"
  | "index-out-of-range"
  | "empty-tree"
  | "malformed-proof"
  | "wrong-proof-length"
  | "root-mismatch";

export type ProofVerdict = { ok: true } | { ok: false; reason: ProofFailure; message: string };

export class MerkleProofError extends ChronosealError {
  readonly reason: ProofFailure;
  constructor(reason: ProofFailure, message: string) {
    super("ERR_MERKLE_PROOF", message);
    this.name = "MerkleProofError";
    this.reason = reason;
  }
}

export type NoteErrorCode =
  | "ERR_NOTE_MALFORMED"
  | "ERR_NOTE_TEXT"
  | "ERR_NOTE_NAME"
  | "ERR_NOTE_TOO_MANY_SIGNATURES"
  | "ERR_NOTE_DUPLICATE_SIGNATURE"
  | "ERR_NOTE_KEY"
  | "ERR_NOTE_UNVERIFIED";

export class NoteError extends ChronosealError {
  declare readonly code: NoteErrorCode;
  constructor(code: NoteErrorCode, message: string) {
    super(code, message);
    this.name = "NoteError";
  }
}

export type CheckpointErrorCode =
  | "ERR_CHECKPOINT_MALFORMED"
  | "ERR_CHECKPOINT_ORIGIN"
  | "ERR_CHECKPOINT_WITNESSES";

export class CheckpointError extends ChronosealError {
  declare readonly code: CheckpointErrorCode;
  constructor(code: CheckpointErrorCode, message: string) {
    super(code, message);
    this.name = "CheckpointError";
  }
}
