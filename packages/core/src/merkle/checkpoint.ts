// C2SP tlog checkpoints (c2sp.org/tlog-checkpoint): the text of a signed note, made of
//   <origin>\n<tree size in decimal>\n<base64 root hash>\n[<extension line>\n]...
// The origin names the log (non-empty; by convention a schema-less URL, and the log's key name);
// the size has no sign and no leading zeros; the root is the 32-byte RFC 9162 root in canonical
// padded base64; extension lines are non-empty and opaque here. The log signs the note, and
// witnesses add cosignatures (further Ed25519 note signatures by their own keys).
// Sizes are limited to 2^53 − 1 (JavaScript safe integers) and larger ones are rejected.
import { fromBase64, toBase64 } from "../encoding.js";
import { aarray, abytes, astring } from "../errors.js";
import { CheckpointError } from "./errors.js";
import { openNote, type SignerRef, signNote } from "./note.js";
import { findControl, type NoteSigner, type NoteVerifier } from "./note-keys.js";

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  /** Lines after the root (opaque; kept in order). */
  extensions?: string[];
}

const malformed = (message: string) => new CheckpointError("ERR_CHECKPOINT_MALFORMED", message);

function checkLine(line: string, what: string): void {
  if (line.length === 0) throw malformed(`checkpoint: empty ${what}`);
  if (findControl(line) >= 0) throw malformed(`checkpoint: control character in the ${what}`);
}

/** The checkpoint body (the note text), ending in a newline. */
export function formatCheckpoint(cp: Checkpoint): string {
  astring(cp?.origin, "origin");
  checkLine(cp.origin, "origin line");
  if (typeof cp.size !== "number") throw new TypeError(`size: expected number, got ${typeof cp.size}`);
  if (!Number.isSafeInteger(cp.size) || cp.size < 0)
    throw new RangeError(`size: expected an integer in [0, 2^53 − 1], got ${cp.size}`);
  abytes(cp.root, 32, "root");
  const ext = cp.extensions === undefined ? [] : (aarray(cp.extensions, "extensions") as string[]);
  ext.forEach((e, i) => {
    astring(e, `extensions[${i}]`);
    checkLine(e, `extension line ${i + 1}`);
  });
  return `${[cp.origin, String(cp.size), toBase64(cp.root), ...ext].join("\n")}\n`;
}

/** Parses a checkpoint body (the text of a note), strictly. */
export function parseCheckpoint(text: string): Checkpoint {
  astring(text, "checkpoint");
  if (!text.endsWith("\n")) throw malformed("checkpoint: must end with a newline");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3)
    throw malformed(`checkpoint: expected origin, size and root lines, got ${lines.length} lines`);
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  checkLine(origin, "origin line");
  if (!/^(0|[1-9][0-9]*)$/.test(size)) throw malformed(`checkpoint: bad tree size ${JSON.stringify(size)}`);
  const n = Number(size);
  if (!Number.isSafeInteger(n)) throw malformed(`checkpoint: tree size ${size} exceeds 2^53 − 1`);
  let rootBytes: Uint8Array;
  try {
    rootBytes = fromBase64(root, "checkpoint root hash", 32);
  } catch (e) {
    throw malformed((e as Error).message);
  }
  extensions.forEach((e, i) => {
    checkLine(e, `extension line ${i + 1}`);
  });
  const cp: Checkpoint = { origin, size: n, root: rootBytes };
  if (extensions.length) cp.extensions = extensions;
  return cp;
}

/** Signs a checkpoint: the log's signer first (its name conventionally the origin), then any others. */
export function signCheckpoint(cp: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(cp), signers);
}

export interface VerifiedCheckpoint {
  checkpoint: Checkpoint;
  /** Names of the known keys whose signatures verify. */
  signers: string[];
  /** Signatures by known keys that do not verify. */
  invalid: SignerRef[];
  /** Signatures by unknown keys (ignored). */
  unknown: SignerRef[];
}

/**
 * Opens a signed checkpoint with the known keys (see openNote) and parses its body. With
 * `origin`, the checkpoint must be for that log (ERR_CHECKPOINT_ORIGIN otherwise).
 */
export function verifyCheckpoint(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  options: { origin?: string } = {},
): VerifiedCheckpoint {
  const opened = openNote(note, verifiers);
  const checkpoint = parseCheckpoint(opened.text);
  if (options.origin !== undefined && checkpoint.origin !== options.origin)
    throw new CheckpointError(
      "ERR_CHECKPOINT_ORIGIN",
      `checkpoint: origin ${JSON.stringify(checkpoint.origin)} is not ${JSON.stringify(options.origin)}`,
    );
  return { checkpoint, signers: opened.verified, invalid: opened.invalid, unknown: opened.unknown };
}
