// Ed25519 key formats in and out, with auto-detection on the way in: raw bytes, base64,
// OpenSSH (`ssh-ed25519 AAAA…` lines and unencrypted private key files), PKCS#8 and SPKI
// (PEM or DER, interoperable with OpenSSL and node:crypto).
import { abytes } from "../errors.js";
import { parsePkcs8, parseSpki, pkcs8Der, spkiDer } from "./der.js";
import { KeyFormatError } from "./key-error.js";
import { keyBase64, parsePem, pemLabel, toPem } from "./pem.js";
import { type KeyPair, keyPairFromSeed } from "./sodium.js";
import {
  opensshPrivateKey,
  parseOpensshPrivateKey,
  parseSshPublicBlob,
  parseSshPublicLine,
  sshPublicLine,
} from "./ssh.js";

export type PublicKeyFormat = "raw" | "base64" | "ssh" | "pem";
export type PrivateKeyFormat = "raw" | "base64" | "pem" | "openssh";

const SSH_BLOB_START = "\0\0\0\x0bssh-ed25519";

/**
 * Encodes a public key: `raw` (32 bytes), `base64`, `ssh` (`ssh-ed25519 AAAA… [comment]`, no
 * newline) or `pem` (SPKI, newline-terminated).
 */
export function encodePublicKey(
  publicKey: Uint8Array,
  format: PublicKeyFormat,
  comment = "",
): Uint8Array | string {
  abytes(publicKey, 32, "publicKey");
  switch (format) {
    case "raw":
      return publicKey.slice();
    case "base64":
      return keyToBase64(publicKey);
    case "ssh":
      return sshPublicLine(publicKey, comment);
    case "pem":
      return toPem("PUBLIC KEY", spkiDer(publicKey));
    default:
      throw new RangeError(`format: expected raw, base64, ssh or pem, got ${String(format)}`);
  }
}

/**
 * Encodes a private key: `raw` (the 32-byte seed), `base64` (of the seed), `pem` (PKCS#8 v1,
 * as OpenSSL writes it) or `openssh` (an unencrypted OpenSSH private key file with `comment`).
 */
export function encodePrivateKey(
  keyPair: KeyPair,
  format: PrivateKeyFormat,
  comment = "",
): Uint8Array | string {
  abytes(keyPair?.secretKey, 64, "secretKey");
  abytes(keyPair?.publicKey, 32, "publicKey");
  const seed = keyPair.secretKey.subarray(0, 32);
  switch (format) {
    case "raw":
      return seed.slice();
    case "base64":
      return keyToBase64(seed);
    case "pem":
      return toPem("PRIVATE KEY", pkcs8Der(seed));
    case "openssh":
      return opensshPrivateKey(keyPair, comment);
    default:
      throw new RangeError(`format: expected raw, base64, pem or openssh, got ${String(format)}`);
  }
}

function keyToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * DER always holds control bytes (tags, lengths); key text never does (tab, CR, LF aside).
 * Binary input must then be DER (a SEQUENCE), else it is no key form we know.
 */
function isDer(bytes: Uint8Array, what: string, expected: string): boolean {
  if (!bytes.some((b) => b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) return false;
  if (bytes[0] === 0x30) return true;
  throw new KeyFormatError(
    "unknown-format",
    `${what}: ${bytes.length} bytes of binary data are neither ${expected} nor DER`,
  );
}

/** Bytes that are not a raw or DER key are read as UTF-8 key text. */
function bytesAsText(input: Uint8Array, what: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(input);
  } catch {
    throw new KeyFormatError(
      "unknown-format",
      `${what}: the bytes are neither a raw key, DER nor UTF-8 text`,
    );
  }
}

/** `<type> <base64> …` where type looks like an SSH key type (ssh-rsa, ecdsa-sha2-nistp256, …). */
function isSshLine(text: string): boolean {
  return /^[a-z0-9][a-z0-9.@]*-[a-z0-9.@-]+[ \t]+[A-Za-z0-9+/]/.test(text);
}

/**
 * Decodes a public key, auto-detecting its form: 32 raw bytes, SPKI DER, base64 (of the key, of
 * SPKI DER or of an SSH key blob), an `ssh-ed25519 AAAA… [comment]` line, or SPKI PEM.
 * Failures are KeyFormatError (code ERR_KEY_FORMAT) with a `reason`.
 */
export function decodePublicKey(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) {
    if (input.length === 32) return input.slice();
    if (isDer(input, "public key", "a raw 32-byte key")) return parseSpki(input);
    return decodePublicKey(bytesAsText(input, "public key"));
  }
  if (typeof input !== "string") {
    throw new TypeError(
      `publicKey: expected string or Uint8Array, got ${input === null ? "null" : typeof input}`,
    );
  }
  const text = input.trim();
  if (text === "") throw new KeyFormatError("unknown-format", "public key: empty input");
  const label = pemLabel(text);
  if (label !== undefined) {
    if (label !== "PUBLIC KEY") {
      const hint = label.includes("PRIVATE") ? " (this is a private key; give its public key)" : "";
      throw new KeyFormatError("wrong-type", `PEM: expected a PUBLIC KEY block, got ${label}${hint}`);
    }
    return parseSpki(parsePem(text).body);
  }
  if (text.startsWith("-----BEGIN") || text.startsWith("---- BEGIN")) {
    throw new KeyFormatError("malformed", "PEM: unrecognized BEGIN line");
  }
  if (isSshLine(text)) return parseSshPublicLine(text).publicKey;
  const bytes = keyBase64(text, "base64 public key");
  if (bytes.length === 32) return bytes;
  if (bytes[0] === 0x30) return parseSpki(bytes);
  if (String.fromCharCode(...bytes.subarray(0, SSH_BLOB_START.length)) === SSH_BLOB_START) {
    return parseSshPublicBlob(bytes, "ssh key data");
  }
  throw new KeyFormatError("bad-length", `base64 public key: expected 32 bytes, got ${bytes.length}`);
}

function fromSecretKey(secret: Uint8Array, what: string): KeyPair {
  const kp = keyPairFromSeed(secret.subarray(0, 32));
  if (!kp.publicKey.every((b, i) => b === secret[32 + i])) {
    throw new KeyFormatError("mismatch", `${what}: the public half does not match the seed`);
  }
  return kp;
}

function fromPkcs8(der: Uint8Array): KeyPair {
  const { seed, publicKey } = parsePkcs8(der);
  const kp = keyPairFromSeed(seed);
  if (publicKey && !publicKey.every((b, i) => b === kp.publicKey[i])) {
    throw new KeyFormatError("mismatch", "PKCS#8: the stored public key does not match the private key");
  }
  return kp;
}

/**
 * Decodes a private key, auto-detecting its form: a raw 32-byte seed or 64-byte secret key
 * (seed ‖ public key, checked), PKCS#8 DER, base64 of any of those, PKCS#8 PEM, or an
 * unencrypted OpenSSH private key file. Needs `await initKeys()` first.
 */
export function decodePrivateKey(input: string | Uint8Array): KeyPair {
  if (input instanceof Uint8Array) {
    if (input.length === 32) return keyPairFromSeed(input);
    if (input.length === 64) return fromSecretKey(input, "secret key");
    if (isDer(input, "private key", "a raw 32-byte seed or 64-byte secret key")) return fromPkcs8(input);
    return decodePrivateKey(bytesAsText(input, "private key"));
  }
  if (typeof input !== "string") {
    throw new TypeError(
      `privateKey: expected string or Uint8Array, got ${input === null ? "null" : typeof input}`,
    );
  }
  const text = input.trim();
  if (text === "") throw new KeyFormatError("unknown-format", "private key: empty input");
  const label = pemLabel(text);
  switch (label) {
    case undefined:
      break;
    case "OPENSSH PRIVATE KEY":
      return parseOpensshPrivateKey(text).keyPair;
    case "PRIVATE KEY":
      return fromPkcs8(parsePem(text).body);
    case "ENCRYPTED PRIVATE KEY":
      throw new KeyFormatError(
        "encrypted",
        "PKCS#8: the key is encrypted; decrypt it first (openssl pkey -in FILE -out PLAIN)",
      );
    case "PUBLIC KEY":
      throw new KeyFormatError("wrong-type", "PEM: this is a public key; a private key is needed");
    default:
      throw new KeyFormatError(
        "wrong-type",
        `PEM: expected PRIVATE KEY or OPENSSH PRIVATE KEY, got ${label}`,
      );
  }
  if (text.startsWith("-----BEGIN")) throw new KeyFormatError("malformed", "PEM: unrecognized BEGIN line");
  if (isSshLine(text)) {
    throw new KeyFormatError(
      "wrong-type",
      "this looks like an OpenSSH public key line; the private key is the file without .pub",
    );
  }
  const bytes = keyBase64(text, "base64 private key");
  if (bytes.length === 32) return keyPairFromSeed(bytes);
  if (bytes.length === 64) return fromSecretKey(bytes, "base64 secret key");
  if (bytes[0] === 0x30) return fromPkcs8(bytes);
  throw new KeyFormatError("bad-length", `base64 private key: expected 32 or 64 bytes, got ${bytes.length}`);
}
