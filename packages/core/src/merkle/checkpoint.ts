// C2SP tlog checkpoints (c2sp.org/tlog-checkpoint): the text of a signed note, made of
//   <origin>\n<tree size in decimal>\n<base64 root hash>\n[<extension line>\n]...
// The origin names the log (non-empty; by convention a schema-less URL, and the log's key name);
// the size has no sign and no leading zeros; the root is the 32-byte RFC 9162 root in canonical
// padded base64; extension lines are non-empty and opaque here. The log signs the note, and
// witnesses add cosignatures: cosignature/v1 lines (c2sp.org/tlog-cosignature, timestamped), or
// plain Ed25519 note signatures by their own keys. verifyCheckpoint can require k of n witnesses.
// Sizes are limited to 2^53 − 1 (JavaScript safe integers) and larger ones are rejected.
import { fromBase64, toBase64, toHex } from "../encoding.js";
import { aarray, abytes, astring } from "../errors.js";
import { CheckpointError, NoteError } from "./errors.js";
import { checkNote, type OpenOptions, parseNote, type SignerRef, type VerifiedSignature } from "./note.js";
import { findControl, type NoteKeyType, type NoteSigner, type NoteVerifier } from "./note-keys.js";
import { cosignNote, type NoteSignOptions, signNote } from "./note-sign.js";

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

/**
 * Adds witness cosignatures to a signed checkpoint (cosignature/v1 for signers of that type,
 * timestamped `options.timestamp`, default now). The body must be a well-formed checkpoint; the
 * log's signature is not verified here — a witness verifies it, and the consistency, first.
 */
export function cosignCheckpoint(
  note: string | Uint8Array,
  signers: readonly NoteSigner[],
  options: NoteSignOptions = {},
): string {
  parseCheckpoint(parseNote(note).text);
  return cosignNote(note, signers, options);
}

/** A witness cosignature that verified. */
export interface WitnessCosignature {
  name: string;
  /** Key id, 8 lowercase hex digits. */
  keyId: string;
  type: NoteKeyType;
  /** cosignature/v1: when the witness cosigned (POSIX seconds). */
  timestamp?: number;
}

export interface VerifiedCheckpoint {
  checkpoint: Checkpoint;
  /** Names of the log keys whose signatures verify (all known keys in the legacy form). */
  signers: string[];
  /** Witness cosignatures that verify, one per witness key (by public key), in note order. */
  witnesses: WitnessCosignature[];
  /** Signatures by known keys (log or witness) that do not verify, with the reason. */
  invalid: SignerRef[];
  /** Signatures by unknown keys (ignored). */
  unknown: SignerRef[];
}

export interface CheckpointPolicy extends OpenOptions {
  /** The log's keys: a signature by at least one must verify. */
  keys: readonly NoteVerifier[];
  /** Witness keys: cosignature/v1 (type 0x04) or plain Ed25519 (0x01) verifiers. */
  witnesses?: readonly NoteVerifier[];
  /** Distinct witnesses whose cosignature must verify (default 1 with witnesses, else 0). */
  require?: number;
  /** The checkpoint must be for this log (ERR_CHECKPOINT_ORIGIN otherwise). */
  origin?: string;
}

function checkPolicy(p: CheckpointPolicy): {
  keys: NoteVerifier[];
  witnesses: NoteVerifier[];
  require: number;
} {
  if (!p || typeof p !== "object") throw new TypeError("policy: expected an object");
  const keys = aarray(p.keys, "keys") as NoteVerifier[];
  const witnesses = (p.witnesses === undefined ? [] : aarray(p.witnesses, "witnesses")) as NoteVerifier[];
  const require = p.require ?? (witnesses.length ? 1 : 0);
  if (typeof require !== "number") throw new TypeError(`require: expected number, got ${typeof require}`);
  if (!Number.isInteger(require) || require < 0 || require > witnesses.length)
    throw new RangeError(
      `require: expected an integer in [0, ${witnesses.length}] (the witnesses given), got ${require}`,
    );
  const ids = new Set<string>();
  const logKeys = new Set<string>();
  for (const [i, v] of keys.entries()) {
    abytes(v?.keyId, 4, `keys[${i}].keyId`);
    abytes(v.publicKey, 32, `keys[${i}].publicKey`);
    ids.add(`${v.name}+${toHex(v.keyId)}`);
    logKeys.add(toHex(v.publicKey));
  }
  for (const [i, w] of witnesses.entries()) {
    abytes(w?.keyId, 4, `witnesses[${i}].keyId`);
    abytes(w.publicKey, 32, `witnesses[${i}].publicKey`);
    const id = `${w.name}+${toHex(w.keyId)}`;
    if (ids.has(id)) throw new RangeError(`witnesses[${i}]: ${id} is given twice (or is a log key)`);
    if (logKeys.has(toHex(w.publicKey)))
      throw new RangeError(
        `witnesses[${i}]: ${w.name} has a log key's public key (a log cannot witness itself)`,
      );
    ids.add(id);
  }
  return { keys, witnesses, require };
}

function checkOrigin(checkpoint: Checkpoint, origin: string | undefined): void {
  if (origin !== undefined && checkpoint.origin !== origin)
    throw new CheckpointError(
      "ERR_CHECKPOINT_ORIGIN",
      `checkpoint: origin ${JSON.stringify(checkpoint.origin)} is not ${JSON.stringify(origin)}`,
    );
}

/**
 * Opens a signed checkpoint and parses its body. Two forms:
 * - `verifyCheckpoint(note, verifiers, { origin })`: at least one of the known keys must verify
 *   (NoteError ERR_NOTE_UNVERIFIED), as openNote;
 * - `verifyCheckpoint(note, { keys, witnesses, require, origin, now, maxFutureMs })`: a log key
 *   must verify (ERR_NOTE_UNVERIFIED), and at least `require` distinct witnesses (counted by
 *   public key) must have a valid cosignature — cosignature/v1 (not dated more than maxFutureMs
 *   ahead of now) or a plain Ed25519 signature, as their verifier's type says — else
 *   CheckpointError ERR_CHECKPOINT_WITNESSES naming how many verified.
 * With `origin`, the checkpoint must be for that log (ERR_CHECKPOINT_ORIGIN).
 */
export function verifyCheckpoint(
  note: string | Uint8Array,
  verifiersOrPolicy: readonly NoteVerifier[] | CheckpointPolicy,
  options: { origin?: string } = {},
): VerifiedCheckpoint {
  if (Array.isArray(verifiersOrPolicy)) {
    const opened = checkNote(note, verifiersOrPolicy as readonly NoteVerifier[]);
    unverifiedUnless(opened.verified.length > 0, opened.invalid.length, opened.unknown.length);
    const checkpoint = parseCheckpoint(opened.text);
    checkOrigin(checkpoint, options.origin);
    return {
      checkpoint,
      signers: opened.verified,
      witnesses: [],
      invalid: opened.invalid,
      unknown: opened.unknown,
    };
  }
  const policy = verifiersOrPolicy as CheckpointPolicy;
  const { keys, witnesses, require } = checkPolicy(policy);
  const opened = checkNote(note, [...keys, ...witnesses], {
    ...(policy.now === undefined ? {} : { now: policy.now }),
    ...(policy.maxFutureMs === undefined ? {} : { maxFutureMs: policy.maxFutureMs }),
  });
  const logIds = new Set(keys.map((k) => `${k.name}+${toHex(k.keyId)}`));
  const isLog = (s: VerifiedSignature) => logIds.has(`${s.name}+${s.keyId}`);
  const signers = opened.signatures.filter(isLog).map((s) => s.name);
  unverifiedUnless(signers.length > 0, opened.invalid.length, opened.unknown.length);
  const checkpoint = parseCheckpoint(opened.text);
  checkOrigin(checkpoint, policy.origin);
  const seen = new Set<string>();
  const cosigned: WitnessCosignature[] = [];
  for (const s of opened.signatures) {
    if (isLog(s)) continue;
    const pk = toHex(s.verifier.publicKey);
    if (seen.has(pk)) continue;
    seen.add(pk);
    cosigned.push({
      name: s.name,
      keyId: s.keyId,
      type: s.type,
      ...(s.timestamp === undefined ? {} : { timestamp: s.timestamp }),
    });
  }
  if (cosigned.length < require)
    throw new CheckpointError(
      "ERR_CHECKPOINT_WITNESSES",
      `checkpoint: ${cosigned.length} of the ${witnesses.length} witnesses cosigned it, ${require} required` +
        (opened.invalid.length ? ` (${opened.invalid.length} signatures by known keys do not count)` : ""),
    );
  return { checkpoint, signers, witnesses: cosigned, invalid: opened.invalid, unknown: opened.unknown };
}

function unverifiedUnless(ok: boolean, invalid: number, unknown: number): void {
  if (ok) return;
  const why = [
    invalid ? `${invalid} by known keys that do not verify` : "",
    unknown ? `${unknown} by unknown keys` : "",
  ].filter(Boolean);
  throw new NoteError(
    "ERR_NOTE_UNVERIFIED",
    `note: no signature by a log key verifies (${why.join(", ") || "no signatures by log keys"})`,
  );
}
