// Signing C2SP signed notes (c2sp.org/signed-note): a note from a text, more signature lines on a
// note (a witness's cosignature), or the lines alone (a witness's add-checkpoint answer). A signer
// of type `ed25519` (0x01) signs the text's UTF-8 bytes; one of type `cosignature/v1` (0x04)
// signs "cosignature/v1\ntime <t>\n" ‖ the text and puts the 8-byte timestamp before its
// signature (cosignature.ts). Parsing and verification: note.ts.
import { toBase64, toHex } from "../encoding.js";
import { aarray, abytes, astring } from "../errors.js";
import { sign } from "../keys/sodium.js";
import { checkTimestamp, cosignedMessage, encodeTimestamped } from "./cosignature.js";
import { NoteError } from "./errors.js";
import { checkText, decode, MAX_NOTE_SIGNATURES, PREFIX, parseNote } from "./note.js";
import { checkKeyName, checkKeyType, type NoteSigner, noteKeyId } from "./note-keys.js";

const encoder = new TextEncoder();

function checkSigners(signers: readonly NoteSigner[]): void {
  aarray(signers, "signers");
  signers.forEach((s, i) => {
    checkKeyName(s?.name, `signers[${i}].name`);
    abytes(s.secretKey, 64, `signers[${i}].secretKey`);
    checkKeyType(s.type, `signers[${i}].type`);
  });
}

function signerId(s: NoteSigner): string {
  return `${s.name}+${toHex(noteKeyId(s.name, s.secretKey.subarray(32), s.type))}`;
}

/** One signature line; a cosignature/v1 signer signs the timestamped message. */
function signatureLine(text: string, message: Uint8Array, signer: NoteSigner, timestamp: number): string {
  const keyId = noteKeyId(signer.name, signer.secretKey.subarray(32), signer.type);
  const body =
    signer.type === "cosignature/v1"
      ? encodeTimestamped(timestamp, sign(cosignedMessage(text, timestamp), signer.secretKey))
      : sign(message, signer.secretKey);
  const raw = new Uint8Array(4 + body.length);
  raw.set(keyId);
  raw.set(body, 4);
  return `${PREFIX}${signer.name} ${toBase64(raw)}\n`;
}

export interface NoteSignOptions {
  /** Timestamp of cosignature/v1 signers, POSIX seconds (default: now). */
  timestamp?: number;
}

function timestampOf(options: NoteSignOptions): number {
  return options.timestamp === undefined
    ? Math.floor(Date.now() / 1000)
    : checkTimestamp(options.timestamp, "timestamp");
}

/** Signs `text` (UTF-8, ending in a newline, no control characters) with every signer. */
export function signNote(
  text: string,
  signers: readonly NoteSigner[],
  options: NoteSignOptions = {},
): string {
  astring(text, "text");
  checkText(decode(text, "text"), "text");
  checkSigners(signers);
  if (signers.length === 0) throw new RangeError("signers: expected at least 1 signer, got 0");
  if (signers.length > MAX_NOTE_SIGNATURES)
    throw new NoteError("ERR_NOTE_TOO_MANY_SIGNATURES", `at most ${MAX_NOTE_SIGNATURES} signatures per note`);
  const ids = signers.map(signerId);
  if (new Set(ids).size !== ids.length)
    throw new NoteError("ERR_NOTE_DUPLICATE_SIGNATURE", "signers: the same name and key twice");
  const timestamp = timestampOf(options);
  const message = encoder.encode(text);
  const lines = signers.map((s) => signatureLine(text, message, s, timestamp));
  return `${text}\n${lines.join("")}`;
}

/**
 * Adds signatures (a witness's cosignature: plain, or cosignature/v1 for a signer of that type)
 * to a note, after parsing it strictly. It does not verify the existing signatures: a witness
 * should `openNote` with the log's key first (and check consistency: see @chronoseal/witness).
 */
export function cosignNote(
  note: string | Uint8Array,
  signers: readonly NoteSigner[],
  options: NoteSignOptions = {},
): string {
  const parsed = parseNote(note);
  checkSigners(signers);
  const timestamp = timestampOf(options);
  const have = new Set(parsed.signatures.map((s) => `${s.name}+${toHex(s.keyId)}`));
  if (parsed.signatures.length + signers.length > MAX_NOTE_SIGNATURES)
    throw new NoteError("ERR_NOTE_TOO_MANY_SIGNATURES", `at most ${MAX_NOTE_SIGNATURES} signatures per note`);
  const message = encoder.encode(parsed.text);
  let out = typeof note === "string" ? note : decode(note, "note");
  for (const s of signers) {
    const id = signerId(s);
    if (have.has(id)) throw new NoteError("ERR_NOTE_DUPLICATE_SIGNATURE", `note: already signed by ${id}`);
    have.add(id);
    out += signatureLine(parsed.text, message, s, timestamp);
  }
  return out;
}

/**
 * The signature lines alone (what a witness answers to add-checkpoint): one line per signer over
 * the text of `note`, which is parsed strictly but not verified.
 */
export function signatureLines(
  note: string | Uint8Array,
  signers: readonly NoteSigner[],
  options: NoteSignOptions = {},
): string {
  const { text } = parseNote(note);
  checkSigners(signers);
  if (signers.length === 0) throw new RangeError("signers: expected at least 1 signer, got 0");
  const timestamp = timestampOf(options);
  const message = encoder.encode(text);
  return signers.map((s) => signatureLine(text, message, s, timestamp)).join("");
}
