// C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures. A note is UTF-8 text ending
// in a newline, a blank line, then one line per signature:
//   "— <key name> <base64(4-byte key id ‖ 64-byte signature)>\n"   (— is U+2014 EM DASH)
// The signature covers the text's UTF-8 bytes, final newline included. Parsing is strict: any
// malformed line rejects the whole note with a typed NoteError, as Go's sumdb/note does; the text
// ends at the *last* blank line (signature lines are never empty), so the text itself may hold
// blank lines. Opening a note verifies the signatures of the keys the caller knows (matched by
// name and key id, all in one batch) and lists, without failing, signatures by unknown keys and
// signatures by known keys that do not verify.
import { verifyBatch } from "../ed25519/verify.js";
import { fromBase64, toBase64, toHex } from "../encoding.js";
import { aarray, abytes, astring } from "../errors.js";
import { sign } from "../keys/sodium.js";
import { NoteError } from "./errors.js";
import {
  checkKeyName,
  findControl,
  isWellFormed,
  keyNameProblem,
  type NoteSigner,
  type NoteVerifier,
  noteKeyId,
} from "./note-keys.js";

/** Most signature lines a note may carry (as Go's sumdb/note). */
export const MAX_NOTE_SIGNATURES = 100;
const PREFIX = "— ";

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
}

export interface OpenedNote {
  text: string;
  /** Names of the known keys whose signatures verify, in note order. */
  verified: string[];
  /** Signatures by known keys (name and key id match) that do not verify. */
  invalid: SignerRef[];
  /** Signatures by keys the caller did not give (ignored). */
  unknown: SignerRef[];
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

function decode(note: string | Uint8Array, what: string): string {
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

function checkText(text: string, what: string): void {
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

function checkSigners(signers: readonly NoteSigner[]): void {
  aarray(signers, "signers");
  signers.forEach((s, i) => {
    checkKeyName(s?.name, `signers[${i}].name`);
    abytes(s.secretKey, 64, `signers[${i}].secretKey`);
  });
}

function signatureLine(message: Uint8Array, signer: NoteSigner): string {
  const keyId = noteKeyId(signer.name, signer.secretKey.subarray(32));
  const sig = sign(message, signer.secretKey);
  const raw = new Uint8Array(4 + sig.length);
  raw.set(keyId);
  raw.set(sig, 4);
  return `${PREFIX}${signer.name} ${toBase64(raw)}\n`;
}

/** Signs `text` (UTF-8, ending in a newline, no control characters) with every signer. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  astring(text, "text");
  checkText(decode(text, "text"), "text");
  checkSigners(signers);
  if (signers.length === 0) throw new RangeError("signers: expected at least 1 signer, got 0");
  if (signers.length > MAX_NOTE_SIGNATURES)
    throw new NoteError("ERR_NOTE_TOO_MANY_SIGNATURES", `at most ${MAX_NOTE_SIGNATURES} signatures per note`);
  const ids = signers.map((s) => `${s.name}+${toHex(noteKeyId(s.name, s.secretKey.subarray(32)))}`);
  if (new Set(ids).size !== ids.length)
    throw new NoteError("ERR_NOTE_DUPLICATE_SIGNATURE", "signers: the same name and key twice");
  const message = encoder.encode(text);
  const lines = signers.map((s) => signatureLine(message, s));
  return `${text}\n${lines.join("")}`;
}

/**
 * Adds signatures (a witness's cosignature) to a note, after parsing it strictly. It does not
 * verify the existing signatures: a witness should `openNote` with the log's key first.
 */
export function cosignNote(note: string | Uint8Array, signers: readonly NoteSigner[]): string {
  const parsed = parseNote(note);
  checkSigners(signers);
  const have = new Set(parsed.signatures.map((s) => `${s.name}+${toHex(s.keyId)}`));
  if (parsed.signatures.length + signers.length > MAX_NOTE_SIGNATURES)
    throw new NoteError("ERR_NOTE_TOO_MANY_SIGNATURES", `at most ${MAX_NOTE_SIGNATURES} signatures per note`);
  const message = encoder.encode(parsed.text);
  let out = typeof note === "string" ? note : decode(note, "note");
  for (const s of signers) {
    const id = `${s.name}+${toHex(noteKeyId(s.name, s.secretKey.subarray(32)))}`;
    if (have.has(id)) throw new NoteError("ERR_NOTE_DUPLICATE_SIGNATURE", `note: already signed by ${id}`);
    have.add(id);
    out += signatureLine(message, s);
  }
  return out;
}

function checkVerifiers(verifiers: readonly NoteVerifier[]): void {
  aarray(verifiers, "verifiers");
  verifiers.forEach((v, i) => {
    astring(v?.name, `verifiers[${i}].name`);
    abytes(v.keyId, 4, `verifiers[${i}].keyId`);
    abytes(v.publicKey, 32, `verifiers[${i}].publicKey`);
  });
}

/**
 * Parses a note and verifies the signatures of the given keys (ZIP-215 Ed25519, one batch).
 * Throws NoteError: ERR_NOTE_UNVERIFIED when no known key's signature verifies, or the parse
 * codes for a malformed note. Signatures by unknown keys are listed and otherwise ignored.
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  checkVerifiers(verifiers);
  const { text, signatures } = parseNote(note);
  const byId = new Map<string, NoteVerifier>();
  for (const v of verifiers) byId.set(`${v.name}+${toHex(v.keyId)}`, v);
  const message = encoder.encode(text);
  // Verdict per signature line, in note order: "unknown", "invalid", or an index into `known`.
  const verdicts: ("unknown" | "invalid" | number)[] = [];
  const known: { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[] = [];
  for (const s of signatures) {
    const v = byId.get(`${s.name}+${toHex(s.keyId)}`);
    if (!v) verdicts.push("unknown");
    else if (s.signature.length !== 64) verdicts.push("invalid");
    else verdicts.push(known.push({ publicKey: v.publicKey, message, signature: s.signature }) - 1);
  }
  const ok = known.length ? verifyBatch(known) : [];
  const verified: string[] = [];
  const invalid: SignerRef[] = [];
  const unknown: SignerRef[] = [];
  signatures.forEach((s, i) => {
    const verdict = verdicts[i]!;
    const ref = { name: s.name, keyId: toHex(s.keyId) };
    if (verdict === "unknown") unknown.push(ref);
    else if (verdict === "invalid" || !ok[verdict]) invalid.push(ref);
    else verified.push(s.name);
  });
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
  return { text, verified, invalid, unknown };
}
