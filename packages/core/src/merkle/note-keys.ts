// Key names, key ids and the text forms of keys for C2SP signed notes, for the two Ed25519
// signature types (c2sp.org/signed-note "Signature types"):
//   0x01 `ed25519`        plain Ed25519 note signatures over the note text;
//   0x04 `cosignature/v1` timestamped witness cosignatures (c2sp.org/tlog-cosignature, see
//                         cosignature.ts for the signed message).
// - key name: non-empty UTF-8 without Unicode white space (as Go's unicode.IsSpace), '+' or
//   control characters;
// - key id: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ type byte ‖ public key), so one key used
//   for both types has two key ids;
// - verifier key: "<name>+<8 hex digits of the key id>+<base64(type byte ‖ public key)>";
// - signer key (Go's golang.org/x/mod/sumdb/note format, extended to the 0x04 type):
//   "PRIVATE+KEY+<name>+<hex key id>+<base64(type byte ‖ 32-byte seed)>".
import { fromBase64, toBase64, toHex } from "../encoding.js";
import { abytes, astring } from "../errors.js";
import { sha256 } from "../hash/sha.js";
import { type KeyPair, keyPairFromSeed } from "../keys/sodium.js";
import { NoteError } from "./errors.js";

/** The note signature types chronoseal signs and verifies (both Ed25519). */
export type NoteKeyType = "ed25519" | "cosignature/v1";

/** Signature type bytes of the signed-note registry. */
const TYPE_BYTE: Record<NoteKeyType, number> = { ed25519: 0x01, "cosignature/v1": 0x04 };

function typeOf(byte: number | undefined): NoteKeyType | undefined {
  return byte === 0x01 ? "ed25519" : byte === 0x04 ? "cosignature/v1" : undefined;
}

/** Checks a key type argument (undefined means `ed25519`). */
export function checkKeyType(type: unknown, what = "type"): NoteKeyType {
  if (type === undefined) return "ed25519";
  if (type !== "ed25519" && type !== "cosignature/v1")
    throw new TypeError(`${what}: expected "ed25519" or "cosignature/v1", got ${JSON.stringify(type)}`);
  return type;
}

export interface NoteVerifier {
  name: string;
  /** 4 bytes: noteKeyId(name, publicKey, type). */
  keyId: Uint8Array;
  publicKey: Uint8Array;
  /** Absent or `ed25519`: plain note signatures; `cosignature/v1`: timestamped cosignatures. */
  type?: NoteKeyType;
}

export interface NoteSigner {
  name: string;
  /** Ed25519 secret key as libsodium holds it: seed ‖ public key (64 bytes). */
  secretKey: Uint8Array;
  /** Absent or `ed25519`: plain note signatures; `cosignature/v1`: timestamped cosignatures. */
  type?: NoteKeyType;
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

/**
 * Key id of an Ed25519 note key: SHA-256(name ‖ 0x0A ‖ type byte ‖ publicKey)[0..4), with type
 * byte 0x01 (`ed25519`, the default) or 0x04 (`cosignature/v1`).
 */
export function noteKeyId(name: string, publicKey: Uint8Array, type?: NoteKeyType): Uint8Array {
  checkKeyName(name);
  abytes(publicKey, 32, "publicKey");
  const t = checkKeyType(type);
  const n = utf8.encode(name);
  const m = new Uint8Array(n.length + 2 + 32);
  m.set(n);
  m[n.length] = 0x0a;
  m[n.length + 1] = TYPE_BYTE[t];
  m.set(publicKey, n.length + 2);
  return sha256(m).slice(0, 4);
}

/** A verifier for `name` and an Ed25519 public key (computes the key id for the type). */
export function noteVerifier(name: string, publicKey: Uint8Array, type?: NoteKeyType): NoteVerifier {
  const t = checkKeyType(type);
  return {
    name,
    keyId: noteKeyId(name, publicKey, t),
    publicKey: new Uint8Array(publicKey),
    ...(t === "ed25519" ? {} : { type: t }),
  };
}

/** "<name>+<hex key id>+<base64(type byte ‖ public key)>" (type `ed25519` by default). */
export function formatVerifierKey(name: string, publicKey: Uint8Array, type?: NoteKeyType): string {
  const t = checkKeyType(type);
  const keyId = noteKeyId(name, publicKey, t);
  const key = new Uint8Array(33);
  key[0] = TYPE_BYTE[t];
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

/** Decodes base64(type byte ‖ 32 bytes) and checks the type byte (0x01 or 0x04). */
function typedKey(b64: string, what: string): { type: NoteKeyType; key: Uint8Array } {
  let key: Uint8Array;
  try {
    key = fromBase64(b64, what);
  } catch (e) {
    throw new NoteError("ERR_NOTE_KEY", (e as Error).message);
  }
  if (key.length === 0) throw new NoteError("ERR_NOTE_KEY", `${what}: empty key`);
  const type = typeOf(key[0]);
  if (!type)
    throw new NoteError(
      "ERR_NOTE_KEY",
      `${what}: signature type ${key[0]} is neither Ed25519 (1) nor cosignature/v1 (4)`,
    );
  if (key.length !== 33)
    throw new NoteError(
      "ERR_NOTE_KEY",
      `${what}: expected 32 key bytes after the signature type, got ${key.length - 1}`,
    );
  return { type, key: key.slice(1) };
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

/**
 * Parses a verifier key "<name>+<hex key id>+<base64(type ‖ public key)>" (strict), of type 0x01
 * (Ed25519 note signatures) or 0x04 (cosignature/v1; the result then has `type`).
 */
export function parseVerifierKey(vkey: string): NoteVerifier {
  astring(vkey, "verifier key");
  const [name, hex, b64] = splitKey(vkey, "verifier key");
  checkKeyName(name, "verifier key name");
  const { type, key: publicKey } = typedKey(b64, "verifier key");
  const keyId = noteKeyId(name, publicKey, type);
  checkKeyId(hex, keyId, "verifier key");
  return { name, keyId, publicKey, ...(type === "ed25519" ? {} : { type }) };
}

const SIGNER_PREFIX = "PRIVATE+KEY+";

/** Formats a signer key "PRIVATE+KEY+<name>+<hex id>+<base64(type ‖ seed)>" (keep it secret). */
export function formatSignerKey(name: string, keyPair: KeyPair, type?: NoteKeyType): string {
  abytes(keyPair.secretKey, 64, "secretKey");
  const t = checkKeyType(type);
  const keyId = noteKeyId(name, keyPair.secretKey.subarray(32), t);
  const key = new Uint8Array(33);
  key[0] = TYPE_BYTE[t];
  key.set(keyPair.secretKey.subarray(0, 32), 1);
  return `${SIGNER_PREFIX}${name}+${toHex(keyId)}+${toBase64(key)}`;
}

/** True when `text` looks like a signer key (starts with "PRIVATE+KEY+"). */
export function isSignerKey(text: string): boolean {
  return typeof text === "string" && text.startsWith(SIGNER_PREFIX);
}

/**
 * Parses a signer key (type 0x01, or 0x04 for a witness's cosignature/v1 key: the result then
 * has `type`); needs the keys module initialized (`await initKeys()`).
 */
export function parseSignerKey(skey: string): NoteSigner & { keyId: Uint8Array; publicKey: Uint8Array } {
  astring(skey, "signer key");
  if (!isSignerKey(skey)) throw new NoteError("ERR_NOTE_KEY", `signer key: expected ${SIGNER_PREFIX}…`);
  const [name, hex, b64] = splitKey(skey.slice(SIGNER_PREFIX.length), "signer key");
  checkKeyName(name, "signer key name");
  const { type, key: seed } = typedKey(b64, "signer key");
  const kp = keyPairFromSeed(seed);
  const keyId = noteKeyId(name, kp.publicKey, type);
  checkKeyId(hex, keyId, "signer key");
  return {
    name,
    keyId,
    publicKey: kp.publicKey,
    secretKey: kp.secretKey,
    ...(type === "ed25519" ? {} : { type }),
  };
}
