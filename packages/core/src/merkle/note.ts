// C2SP signed notes with Ed25519 signatures: the text (UTF-8, ending in a newline), a blank
// line, then one line per signature: "— <name> <base64(key id ‖ signature)>". The key id is the
// first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key); verifier keys are written
// "<name>+<hex key id>+<base64(0x01 ‖ public key)>". Opening a note verifies the signatures of
// the verifiers it knows and ignores signatures by names it does not know.

import { verifyBatch } from "../ed25519/verify.js";
import { fromBase64, toBase64 } from "../encoding.js";
import { abytes, ChronosealError } from "../errors.js";
import { sha256 } from "../hash/sha.js";
import { sign } from "../keys/sodium.js";

export class NoteError extends ChronosealError {
  constructor(message: string) {
    super("ERR_NOTE", message);
    this.name = "NoteError";
  }
}

export interface NoteVerifier {
  name: string;
  keyId: Uint8Array;
  publicKey: Uint8Array;
}

export interface NoteSigner {
  name: string;
  /** libsodium secret key (64 bytes). */
  secretKey: Uint8Array;
}

const ED25519 = 0x01;
const MAX_SIGNATURES = 100;
const utf8 = new TextEncoder();

function checkName(name: string): string {
  if (typeof name !== "string" || name.length === 0 || /[\s+]/.test(name) || !isPrintable(name)) {
    throw new NoteError(`key name ${JSON.stringify(name)}: must be non-empty, without spaces or '+'`);
  }
  return name;
}

function isPrintable(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || c === 0x7f || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

export function noteKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  abytes(publicKey, 32, "publicKey");
  const n = utf8.encode(checkName(name));
  const m = new Uint8Array(n.length + 2 + 32);
  m.set(n);
  m[n.length] = 0x0a;
  m[n.length + 1] = ED25519;
  m.set(publicKey, n.length + 2);
  return sha256(m).slice(0, 4);
}

export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  const id = Buffer.from(noteKeyId(name, publicKey)).toString("hex");
  return `${name}+${id}+${toBase64(Uint8Array.from([ED25519, ...publicKey]))}`;
}

export function parseVerifierKey(vkey: string): NoteVerifier {
  if (typeof vkey !== "string") throw new TypeError("verifier key: expected string");
  // The base64 key may itself contain '+', so split only at the first two.
  const m = /^([^+]+)\+([^+]*)\+(.*)$/.exec(vkey.trim());
  if (!m) throw new NoteError("verifier key: expected <name>+<hex key id>+<base64 key>");
  const [, name, hex, b64] = m as unknown as [string, string, string, string];
  checkName(name);
  if (!/^[0-9a-f]{8}$/.test(hex)) throw new NoteError("verifier key: key id must be 8 lowercase hex digits");
  let key: Uint8Array;
  try {
    key = fromBase64(b64, "verifier key", 33);
  } catch (e) {
    throw new NoteError((e as Error).message);
  }
  if (key[0] !== ED25519) throw new NoteError(`verifier key: algorithm ${key[0]} is not Ed25519 (1)`);
  const publicKey = key.slice(1);
  const keyId = noteKeyId(name, publicKey);
  if (Buffer.from(keyId).toString("hex") !== hex)
    throw new NoteError("verifier key: key id does not match name and key");
  return { name, keyId, publicKey };
}

function checkText(text: string): void {
  if (typeof text !== "string") throw new TypeError("note text: expected string");
  if (!text.endsWith("\n")) throw new NoteError("note text must end with a newline");
  if (text.includes("\n\n") && text.indexOf("\n\n") !== text.length - 1)
    throw new NoteError("note text must not contain a blank line");
  for (const line of text.slice(0, -1).split("\n")) {
    if (!isPrintable(line)) throw new NoteError("note text contains control characters or invalid UTF-16");
  }
}

function signatureLine(text: string, signer: NoteSigner): string {
  const pk = signer.secretKey.subarray(32);
  const sig = sign(utf8.encode(text), signer.secretKey);
  return `— ${signer.name} ${toBase64(Uint8Array.from([...noteKeyId(signer.name, pk), ...sig]))}\n`;
}

/** Signs `text` (which must end in a newline) by every signer. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkText(text);
  if (signers.length === 0) throw new NoteError("signNote: at least one signer is needed");
  return `${text}\n${signers.map((s) => signatureLine(text, s)).join("")}`;
}

interface ParsedLine {
  name: string;
  keyId: Uint8Array;
  signature: Uint8Array;
}

/** Splits a note into its text and signature lines (strict: any malformed line is an error). */
export function parseNote(note: string): { text: string; signatures: ParsedLine[] } {
  if (typeof note !== "string") throw new TypeError("note: expected string");
  const split = note.lastIndexOf("\n\n");
  if (split < 0) throw new NoteError("note: no blank line before the signatures");
  const text = note.slice(0, split + 1);
  checkText(text);
  const sigBlock = note.slice(split + 2);
  if (!sigBlock.endsWith("\n")) throw new NoteError("note: signature block must end with a newline");
  const lines = sigBlock.slice(0, -1).split("\n");
  if (lines.length === 0 || lines[0] === "") throw new NoteError("note: no signatures");
  if (lines.length > MAX_SIGNATURES) throw new NoteError(`note: more than ${MAX_SIGNATURES} signatures`);
  const seen = new Set<string>();
  const signatures = lines.map((line, i) => {
    const m = /^— (\S+) ([A-Za-z0-9+/]+=*)$/.exec(line);
    if (!m) throw new NoteError(`note: signature line ${i + 1} is malformed`);
    if (seen.has(line)) throw new NoteError(`note: signature line ${i + 1} is a duplicate`);
    seen.add(line);
    let raw: Uint8Array;
    try {
      raw = fromBase64(m[2]!, `signature line ${i + 1}`);
    } catch (e) {
      throw new NoteError((e as Error).message);
    }
    if (raw.length < 5) throw new NoteError(`note: signature line ${i + 1} is too short`);
    return { name: checkName(m[1]!), keyId: raw.slice(0, 4), signature: raw.slice(4) };
  });
  return { text, signatures };
}

export interface OpenedNote {
  text: string;
  /** Names of known verifiers whose signatures verify. */
  verified: string[];
  /** Signature lines whose name and key id match no given verifier (ignored). */
  unknown: { name: string; keyId: string }[];
}

/** Verifies the note's signatures by the given verifiers; throws NoteError if none verifies. */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): OpenedNote {
  const { text, signatures } = parseNote(note);
  const message = utf8.encode(text);
  const unknown: OpenedNote["unknown"] = [];
  const items: { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[] = [];
  const names: string[] = [];
  for (const s of signatures) {
    const v = verifiers.find((x) => x.name === s.name && x.keyId.every((b, i) => b === s.keyId[i]));
    if (!v) {
      unknown.push({ name: s.name, keyId: Buffer.from(s.keyId).toString("hex") });
      continue;
    }
    if (s.signature.length !== 64)
      throw new NoteError(`note: signature by ${s.name} has ${s.signature.length} bytes, not 64`);
    items.push({ publicKey: v.publicKey, message, signature: s.signature });
    names.push(s.name);
  }
  const ok = items.length ? verifyBatch(items) : [];
  const verified = names.filter((_, i) => ok[i]);
  if (verified.length === 0) throw new NoteError("note: no signature by a known key verifies");
  return { text, verified: [...new Set(verified)], unknown };
}

/** Adds signatures (cosignatures) to an existing note. */
export function cosignNote(note: string, signers: readonly NoteSigner[]): string {
  const { text } = parseNote(note);
  return note + signers.map((s) => signatureLine(text, s)).join("");
}
