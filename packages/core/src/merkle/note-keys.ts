// Key names, key ids and the text forms of keys for C2SP signed notes (Ed25519 only, algorithm
// byte 0x01):
// - key name: non-empty UTF-8 without Unicode white space (as Go's unicode.IsSpace), '+' or
//   control characters;
// - key id: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key);
// - verifier key: "<name>+<8 hex digits of the key id>+<base64(0x01 ‖ public key)>";
// - signer key (Go's golang.org/x/mod/sumdb/note format):
//   "PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 ‖ 32-byte seed)>".
import { fromBase64, toBase64, toHex } from "../encoding.js";
import { abytes, astring } from "../errors.js";
import { sha256 } from "../hash/sha.js";
import { type KeyPair, keyPairFromSeed } from "../keys/sodium.js";
import { NoteError } from "./errors.js";

/** Signature algorithm byte of Ed25519 in signed notes. */
const ALG_ED25519 = 0x01;

export interface NoteVerifier {
  name: string;
  /** 4 bytes: noteKeyId(name, publicKey). */
  keyId: Uint8Array;
  publicKey: Uint8Array;
}

export interface NoteSigner {
  name: string;
  /** Ed25519 secret key as libsodium holds it: seed ‖ public key (64 bytes). */
  secretKey: Uint8Array;
}

// Go's unicode.IsSpace: ASCII space and \t \n \v \f \r, U+0085, U+00A0 and the Zs/Zl/Zp spaces.
const SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
/** Index of the first ASCII control character (U+0000–U+001F, U+007F) in `s`, or −1; newline allowed when asked. */
export function findControl(s: string, allowNewline = false): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 || c === 0x7f) && !(allowNewline && c === 0x0a)) return i;
  }
  return -1;
}
// With the u flag a surrogate pair is one code point, so this matches only lone surrogates.
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/** True when `s` has no lone surrogate (so it has a UTF-8 encoding). */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** Why `name` is not a valid key name, or undefined when it is. */
export function keyNameProblem(name: string): string | undefined {
  if (name.length === 0) return "is empty";
  if (!isWellFormed(name)) return "is not well-formed UTF-16 (lone surrogate)";
  if (SPACE.test(name)) return "contains white space";
  if (name.includes("+")) return "contains '+'";
  if (findControl(name) >= 0) return "contains a control character";
  return undefined;
}

export function checkKeyName(name: unknown, what = "key name"): string {
  astring(name, what);
  const problem = keyNameProblem(name as string);
  if (problem) throw new NoteError("ERR_NOTE_NAME", `${what} ${JSON.stringify(name)} ${problem}`);
  return name as string;
}

const utf8 = new TextEncoder();

/** Key id of an Ed25519 note key: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ publicKey)[0..4). */
export function noteKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  checkKeyName(name);
  abytes(publicKey, 32, "publicKey");
  const n = utf8.encode(name);
  const m = new Uint8Array(n.length + 2 + 32);
  m.set(n);
  m[n.length] = 0x0a;
  m[n.length + 1] = ALG_ED25519;
  m.set(publicKey, n.length + 2);
  return sha256(m).slice(0, 4);
}

/** A verifier for `name` and an Ed25519 public key (computes the key id). */
export function noteVerifier(name: string, publicKey: Uint8Array): NoteVerifier {
  return { name, keyId: noteKeyId(name, publicKey), publicKey: new Uint8Array(publicKey) };
}

export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  const keyId = noteKeyId(name, publicKey);
  const key = new Uint8Array(33);
  key[0] = ALG_ED25519;
  key.set(publicKey, 1);
  return `${name}+${toHex(keyId)}+${toBase64(key)}`;
}

/** Splits "<name>+<hex id>+<base64 key>" (the base64 may itself contain '+'). */
function splitKey(text: string, what: string): [string, string, string] {
  const a = text.indexOf("+");
  const b = a < 0 ? -1 : text.indexOf("+", a + 1);
  if (b < 0) throw new NoteError("ERR_NOTE_KEY", `${what}: expected <name>+<hex key id>+<base64 key>`);
  return [text.slice(0, a), text.slice(a + 1, b), text.slice(b + 1)];
}

/** Decodes base64(0x01 ‖ 32 bytes) and checks the algorithm byte. */
function algKey(b64: string, what: string): Uint8Array {
  let key: Uint8Array;
  try {
    key = fromBase64(b64, what);
  } catch (e) {
    throw new NoteError("ERR_NOTE_KEY", (e as Error).message);
  }
  if (key.length === 0) throw new NoteError("ERR_NOTE_KEY", `${what}: empty key`);
  if (key[0] !== ALG_ED25519)
    throw new NoteError("ERR_NOTE_KEY", `${what}: algorithm ${key[0]} is not Ed25519 (1)`);
  if (key.length !== 33)
    throw new NoteError(
      "ERR_NOTE_KEY",
      `${what}: expected 32 key bytes after the algorithm, got ${key.length - 1}`,
    );
  return key.slice(1);
}

function checkKeyId(hex: string, keyId: Uint8Array, what: string): void {
  // Go parses the id with strconv.ParseUint(hex, 16, 32): eight hex digits, either case.
  if (!/^[0-9a-fA-F]{8}$/.test(hex))
    throw new NoteError("ERR_NOTE_KEY", `${what}: key id must be 8 hex digits, got ${JSON.stringify(hex)}`);
  if (hex.toLowerCase() !== toHex(keyId))
    throw new NoteError(
      "ERR_NOTE_KEY",
      `${what}: key id ${hex} does not match the name and key (${toHex(keyId)})`,
    );
}

/** Parses a verifier key "<name>+<hex key id>+<base64(0x01 ‖ public key)>" (strict). */
export function parseVerifierKey(vkey: string): NoteVerifier {
  astring(vkey, "verifier key");
  const [name, hex, b64] = splitKey(vkey, "verifier key");
  checkKeyName(name, "verifier key name");
  const publicKey = algKey(b64, "verifier key");
  const keyId = noteKeyId(name, publicKey);
  checkKeyId(hex, keyId, "verifier key");
  return { name, keyId, publicKey };
}

const SIGNER_PREFIX = "PRIVATE+KEY+";

/** Formats a signer key "PRIVATE+KEY+<name>+<hex id>+<base64(0x01 ‖ seed)>" (keep it secret). */
export function formatSignerKey(name: string, keyPair: KeyPair): string {
  abytes(keyPair.secretKey, 64, "secretKey");
  const keyId = noteKeyId(name, keyPair.secretKey.subarray(32));
  const key = new Uint8Array(33);
  key[0] = ALG_ED25519;
  key.set(keyPair.secretKey.subarray(0, 32), 1);
  return `${SIGNER_PREFIX}${name}+${toHex(keyId)}+${toBase64(key)}`;
}

/** True when `text` looks like a signer key (starts with "PRIVATE+KEY+"). */
export function isSignerKey(text: string): boolean {
  return typeof text === "string" && text.startsWith(SIGNER_PREFIX);
}

/** Parses a signer key; needs the keys module initialized (`await initKeys()`). */
export function parseSignerKey(skey: string): NoteSigner & { keyId: Uint8Array; publicKey: Uint8Array } {
  astring(skey, "signer key");
  if (!isSignerKey(skey)) throw new NoteError("ERR_NOTE_KEY", `signer key: expected ${SIGNER_PREFIX}…`);
  const [name, hex, b64] = splitKey(skey.slice(SIGNER_PREFIX.length), "signer key");
  checkKeyName(name, "signer key name");
  const kp = keyPairFromSeed(algKey(b64, "signer key"));
  const keyId = noteKeyId(name, kp.publicKey);
  checkKeyId(hex, keyId, "signer key");
  return { name, keyId, publicKey: kp.publicKey, secretKey: kp.secretKey };
}
