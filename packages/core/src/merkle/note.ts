// C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures. A note is UTF-8 text ending
// in a newline, a blank line, then one line per signature:
//   "— <key name> <base64(4-byte key id ‖ signature)>\n"   (— is U+2014 EM DASH)
// Signing: note-sign.ts. Two signature types: a plain Ed25519 signature (type 0x01, 64 bytes) covers the text's UTF-8
// bytes, final newline included; a cosignature/v1 (type 0x04, cosignature.ts) is a timestamp and
// an Ed25519 signature over "cosignature/v1\ntime <t>\n" ‖ the text. A verifier's `type` says
// which one its key makes (its key id differs per type). Parsing is strict: any
// malformed line rejects the whole note with a typed NoteError, as Go's sumdb/note does; the text
// ends at the *last* blank line (signature lines are never empty), so the text itself may hold
// blank lines. Opening a note verifies the signatures of the keys the caller knows (matched by
// name and key id, all in one batch) and lists, without failing, signatures by unknown keys and
// signatures by known keys that do not verify.
import { verifyBatch } from "../ed25519/verify.js";
import { fromBase64, toHex } from "../encoding.js";
import { aarray, abytes, astring } from "../errors.js";
import { cosignedMessage, decodeTimestamped } from "./cosignature.js";
import { NoteError } from "./errors.js";
import {
  checkKeyType,
  findControl,
  isWellFormed,
  keyNameProblem,
  type NoteKeyType,
  type NoteVerifier,
} from "./note-keys.js";

/** Most signature lines a note may carry (as Go's sumdb/note). */
export const MAX_NOTE_SIGNATURES = 100;
/** What every signature line starts with: U+2014 EM DASH and a space. */
export const PREFIX = "— ";

export interface NoteSignature {
  name: string;
  /** 4 bytes. */
  keyId: Uint8Array;
  /** The signature bytes after the key id (64 for Ed25519). */
  signature: Uint8Array;
}

export interface ParsedNote {
  /** The signed text, ending in a newline. */
  text: string;
  signatures: NoteSignature[];
}

export interface SignerRef {
  name: string;
  /** Key id, 8 lowercase hex digits. */
  keyId: string;
  /**
   * Why a known key's signature does not count (only in `invalid`): `signature` (does not
   * verify), `malformed` (wrong length, or a cosignature timestamp above 2^53 − 1), `future`
   * (a cosignature dated more than `maxFutureMs` after `now`).
   */
  reason?: "signature" | "malformed" | "future";
}

/** A signature by a known key that verifies. */
export interface VerifiedSignature {
  name: string;
  /** Key id, 8 lowercase hex digits. */
  keyId: string;
  type: NoteKeyType;
  /** The verifier that matched (by name and key id). */
  verifier: NoteVerifier;
  /** cosignature/v1 only: the signed POSIX timestamp (seconds). */
  timestamp?: number;
}

export interface OpenedNote {
  text: string;
  /** Names of the known keys whose signatures verify, in note order. */
  verified: string[];
  /** The same signatures with their key id, type and (cosignature/v1) timestamp. */
  signatures: VerifiedSignature[];
  /** Signatures by known keys (name and key id match) that do not verify. */
  invalid: SignerRef[];
  /** Signatures by keys the caller did not give (ignored). */
  unknown: SignerRef[];
}

export interface OpenOptions {
  /** The verifier's clock for cosignature timestamps, ms since the epoch (default Date.now()). */
  now?: number;
  /**
   * A cosignature/v1 dated more than this after `now` does not count (default 10 minutes, as for
   * attestations; Infinity turns the check off). The spec lets verifiers reject future timestamps.
   */
  maxFutureMs?: number;
}

/** Default tolerance for cosignature timestamps ahead of the verifier's clock: 10 minutes. */
export const DEFAULT_MAX_FUTURE_MS = 10 * 60 * 1000;

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** A note as text: strings must be well-formed UTF-16, bytes valid UTF-8 (ERR_NOTE_TEXT). */
export function decode(note: string | Uint8Array, what: string): string {
  if (typeof note === "string") {
    if (!isWellFormed(note))
      throw new NoteError("ERR_NOTE_TEXT", `${what}: not valid UTF-8 (lone surrogate)`);
    return note;
  }
  abytes(note, undefined, what);
  try {
    return decoder.decode(note);
  } catch {
    throw new NoteError("ERR_NOTE_TEXT", `${what}: not valid UTF-8`);
  }
}

/** A note text: non-empty, ending in a newline, no control characters but newlines. */
export function checkText(text: string, what: string): void {
  if (text.length === 0 || !text.endsWith("\n"))
    throw new NoteError("ERR_NOTE_TEXT", `${what}: must be non-empty and end with a newline`);
  const at = findControl(text, true);
  if (at >= 0)
    throw new NoteError(
      "ERR_NOTE_TEXT",
      `${what}: control character U+${text.charCodeAt(at).toString(16).padStart(4, "0")} at offset ${at}`,
    );
}

function parseLine(line: string, n: number): NoteSignature {
  if (!line.startsWith(PREFIX))
    throw new NoteError("ERR_NOTE_MALFORMED", `signature line ${n}: must start with "— " (U+2014, space)`);
  const rest = line.slice(PREFIX.length);
  const space = rest.indexOf(" ");
  if (space < 0)
    throw new NoteError("ERR_NOTE_MALFORMED", `signature line ${n}: expected "— <name> <base64>"`);
  const name = rest.slice(0, space);
  const problem = keyNameProblem(name);
  if (problem)
    throw new NoteError("ERR_NOTE_NAME", `signature line ${n}: key name ${JSON.stringify(name)} ${problem}`);
  let raw: Uint8Array;
  try {
    raw = fromBase64(rest.slice(space + 1), `signature line ${n}`);
  } catch (e) {
    throw new NoteError("ERR_NOTE_MALFORMED", (e as Error).message);
  }
  if (raw.length < 5)
    throw new NoteError(
      "ERR_NOTE_MALFORMED",
      `signature line ${n}: ${raw.length} bytes, need a key id and a signature`,
    );
  return { name, keyId: raw.slice(0, 4), signature: raw.slice(4) };
}

/** Splits a note into its text and signatures, rejecting anything malformed (no verification). */
export function parseNote(note: string | Uint8Array): ParsedNote {
  const msg = decode(note, "note");
  const split = msg.lastIndexOf("\n\n");
  if (split < 0) throw new NoteError("ERR_NOTE_MALFORMED", "note: no blank line before the signatures");
  const text = msg.slice(0, split + 1);
  checkText(text, "note text");
  const block = msg.slice(split + 2);
  if (block.length === 0) throw new NoteError("ERR_NOTE_MALFORMED", "note: no signature lines");
  if (!block.endsWith("\n"))
    throw new NoteError("ERR_NOTE_MALFORMED", "note: the last signature line must end with a newline");
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > MAX_NOTE_SIGNATURES)
    throw new NoteError(
      "ERR_NOTE_TOO_MANY_SIGNATURES",
      `note: ${lines.length} signature lines, at most ${MAX_NOTE_SIGNATURES} allowed`,
    );
  if (findControl(block, true) >= 0)
    throw new NoteError("ERR_NOTE_MALFORMED", "note: control character in the signature lines");
  const seen = new Set<string>();
  const signatures = lines.map((line, i) => {
    const s = parseLine(line, i + 1);
    const id = `${s.name}+${toHex(s.keyId)}`;
    if (seen.has(id))
      throw new NoteError("ERR_NOTE_DUPLICATE_SIGNATURE", `note: two signatures by ${id} (line ${i + 1})`);
    seen.add(id);
    return s;
  });
  return { text, signatures };
}

function checkVerifiers(verifiers: readonly NoteVerifier[]): void {
  aarray(verifiers, "verifiers");
  verifiers.forEach((v, i) => {
    astring(v?.name, `verifiers[${i}].name`);
    abytes(v.keyId, 4, `verifiers[${i}].keyId`);
    abytes(v.publicKey, 32, `verifiers[${i}].publicKey`);
    checkKeyType(v.type, `verifiers[${i}].type`);
  });
}

type Verdict = { unknown: true } | { invalid: SignerRef["reason"] } | { index: number; timestamp?: number };

/**
 * Parses a note and verifies the signatures of the given keys, of both types, in one Ed25519
 * batch (ZIP-215), without requiring any to verify: the verified, invalid and unknown signatures
 * in note order. Throws only for a malformed note (parse codes) or malformed verifiers.
 */
export function checkNote(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  options: OpenOptions = {},
): OpenedNote {
  checkVerifiers(verifiers);
  const now = options.now ?? Date.now();
  const maxFuture = options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
  if (typeof now !== "number" || !Number.isFinite(now)) throw new TypeError("now: expected a finite number");
  if (typeof maxFuture !== "number" || Number.isNaN(maxFuture) || maxFuture < 0)
    throw new RangeError(`maxFutureMs: expected a non-negative number, got ${maxFuture}`);
  const { text, signatures } = parseNote(note);
  const byId = new Map<string, NoteVerifier>();
  for (const v of verifiers) byId.set(`${v.name}+${toHex(v.keyId)}`, v);
  const message = encoder.encode(text);
  const verdicts: Verdict[] = [];
  const known: { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[] = [];
  for (const s of signatures) {
    const v = byId.get(`${s.name}+${toHex(s.keyId)}`);
    if (!v) {
      verdicts.push({ unknown: true });
      continue;
    }
    if (v.type !== "cosignature/v1") {
      if (s.signature.length !== 64) verdicts.push({ invalid: "malformed" });
      else
        verdicts.push({ index: known.push({ publicKey: v.publicKey, message, signature: s.signature }) - 1 });
      continue;
    }
    let t: ReturnType<typeof decodeTimestamped>;
    try {
      t = decodeTimestamped(s.signature);
    } catch {
      verdicts.push({ invalid: "malformed" });
      continue;
    }
    if (t.timestamp > BigInt(Number.MAX_SAFE_INTEGER)) {
      verdicts.push({ invalid: "malformed" });
      continue;
    }
    const timestamp = Number(t.timestamp);
    if (timestamp * 1000 > now + maxFuture) {
      verdicts.push({ invalid: "future" });
      continue;
    }
    const m = cosignedMessage(text, timestamp);
    verdicts.push({
      index: known.push({ publicKey: v.publicKey, message: m, signature: t.signature }) - 1,
      timestamp,
    });
  }
  const ok = known.length ? verifyBatch(known) : [];
  const verified: string[] = [];
  const verifiedSignatures: VerifiedSignature[] = [];
  const invalid: SignerRef[] = [];
  const unknown: SignerRef[] = [];
  signatures.forEach((s, i) => {
    const verdict = verdicts[i]!;
    const ref = { name: s.name, keyId: toHex(s.keyId) };
    if ("unknown" in verdict) unknown.push(ref);
    else if ("invalid" in verdict) invalid.push({ ...ref, reason: verdict.invalid });
    else if (!ok[verdict.index]) invalid.push({ ...ref, reason: "signature" });
    else {
      const verifier = byId.get(`${ref.name}+${ref.keyId}`)!;
      verified.push(s.name);
      verifiedSignatures.push({
        ...ref,
        type: verifier.type ?? "ed25519",
        verifier,
        ...(verdict.timestamp === undefined ? {} : { timestamp: verdict.timestamp }),
      });
    }
  });
  return { text, verified, signatures: verifiedSignatures, invalid, unknown };
}

/**
 * Parses a note and verifies the signatures of the given keys (see checkNote). Throws NoteError:
 * ERR_NOTE_UNVERIFIED when no known key's signature verifies, or the parse codes for a malformed
 * note. Signatures by unknown keys are listed and otherwise ignored.
 */
export function openNote(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  options: OpenOptions = {},
): OpenedNote {
  const opened = checkNote(note, verifiers, options);
  const { verified, invalid, unknown } = opened;
  if (verified.length === 0) {
    const why = [
      invalid.length ? `${invalid.length} by known keys that do not verify` : "",
      unknown.length ? `${unknown.length} by unknown keys` : "",
    ].filter(Boolean);
    throw new NoteError(
      "ERR_NOTE_UNVERIFIED",
      `note: no signature by a known key verifies (${why.join(", ") || "no signatures by known keys"})`,
    );
  }
  return opened;
}
