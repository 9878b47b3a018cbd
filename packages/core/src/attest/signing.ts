// The one signing rule. Every chronoseal signature signs the UTF-8 string
//   chronoseal-v1:<context>:<signed_at>:<base64(SHA-256(JCS(payload)))>
// where payload is the document without its `signatures` field. Signatures sit in the
// document's `signatures` map, keyed by the signer's base64 public key (the seed shape), each
// entry `{ signed_at, signature, context }`. `context` repeats the context inside the signed
// string, so a signature made for another purpose is reported `wrong-context`, not `invalid`;
// an entry without it (the seed shape) is checked against the verifier's context.
import { toBase64 } from "../encoding.js";
import { abytes } from "../errors.js";
import { canonicalHash } from "../hash/canonical.js";
import { sign } from "../keys/sodium.js";
import { assertContext, isCanonicalTime, isHash, SigningError } from "./shapes.js";
import { formatTimestamp, toMillis } from "./time.js";

/** One entry of a signature map. */
export interface SignatureEntry {
  signed_at: string;
  signature: string;
  context?: string;
}

export type SignatureMap = Record<string, SignatureEntry>;

export interface SignedDocument {
  signatures?: SignatureMap;
  [field: string]: unknown;
}

/** The signed string, unchecked (callers have validated every part). */
export function rawSigningString(context: string, signedAt: string, payloadHash: string): string {
  return `chronoseal-v1:${context}:${signedAt}:${payloadHash}`;
}

/** The signed string's bytes before the context (ASCII). */
const PREFIX = Buffer.from(rawSigningString("", "", "").slice(0, -2), "latin1");

/** Longest signed string: a 64-character context, a canonical time, a hash (all ASCII). */
export const MAX_SIGNING_LENGTH = PREFIX.length + 64 + 1 + 24 + 1 + 44;

/**
 * Writes the bytes of rawSigningString(context, signedAt, payloadHash) into `out` at `at` and
 * returns the offset after them. Only for parts already checked (a valid context, a canonical
 * time, a canonical hash: ASCII, so one byte per character as UTF-8 encodes them); `out` has room
 * for MAX_SIGNING_LENGTH bytes at `at`. A property test holds it equal to rawSigningString.
 */
export function writeSigningMessage(
  context: string,
  signedAt: string,
  payloadHash: string,
  out: Uint8Array,
  at: number,
): number {
  let o = at;
  for (let i = 0; i < PREFIX.length; i++) out[o++] = PREFIX[i]!;
  for (let i = 0; i < context.length; i++) out[o++] = context.charCodeAt(i);
  out[o++] = 58; // :
  for (let i = 0; i < signedAt.length; i++) out[o++] = signedAt.charCodeAt(i);
  out[o++] = 58;
  for (let i = 0; i < payloadHash.length; i++) out[o++] = payloadHash.charCodeAt(i);
  return o;
}

/**
 * The signed string for a context, a canonical `signed_at` (`YYYY-MM-DDTHH:MM:SS.mmmZ`) and a
 * base64 payload hash (32 bytes). Throws for parts that would make an ambiguous string.
 */
export function signingString(context: string, signedAt: string, payloadHash: string): string {
  assertContext(context);
  if (typeof signedAt !== "string" || !isCanonicalTime(signedAt))
    throw new SigningError(
      "ERR_SIGNED_AT",
      `signed_at: expected YYYY-MM-DDTHH:MM:SS.mmmZ, got ${String(signedAt)}`,
    );
  if (!isHash(payloadHash))
    throw new SigningError("ERR_HASH", "payload hash: expected canonical base64 of 32 bytes");
  return rawSigningString(context, signedAt, payloadHash);
}

const utf8 = new TextEncoder();

/** The signed bytes: UTF-8 of signingString (same checks). For verifying with another library. */
export function signingMessage(context: string, signedAt: string, payloadHash: string): Uint8Array {
  return utf8.encode(signingString(context, signedAt, payloadHash));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The document without its `signatures` field. */
export function payloadOf(doc: object): Record<string, unknown> {
  if (!isRecord(doc)) throw new TypeError("document: expected an object");
  const { signatures: _ignored, ...payload } = doc;
  return payload;
}

/** base64 SHA-256 of the document's canonical payload. */
export function payloadHash(doc: object): string {
  return toBase64(canonicalHash(payloadOf(doc)));
}

export interface SignOptions {
  /** libsodium secret key (64 bytes: seed ‖ public key). */
  secretKey: Uint8Array;
  context: string;
  /** Signing time (epoch ms or RFC 3339, normalized to the canonical form); default now. */
  signedAt?: number | string;
}

/** Signs a base64 payload hash; returns the map key (base64 public key) and the entry. */
export function signHash(hash: string, options: SignOptions): [string, SignatureEntry] {
  abytes(options.secretKey, 64, "secretKey");
  const context = assertContext(options.context);
  if (!isHash(hash))
    throw new SigningError("ERR_HASH", "payload hash: expected canonical base64 of 32 bytes");
  const signedAt = formatTimestamp(toMillis(options.signedAt ?? Date.now(), "signedAt"));
  const message = utf8.encode(rawSigningString(context, signedAt, hash));
  const signature = toBase64(sign(message, options.secretKey));
  return [toBase64(options.secretKey.subarray(32)), { signed_at: signedAt, signature, context }];
}

/**
 * Signs a payload object under a context: the signing rule over its canonical hash (a `signatures`
 * field, if any, is not part of the payload). Returns the signer's base64 public key and the
 * entry `{ signed_at, signature, context }`; verifyPayload checks it. For statements a daemon makes
 * on request: the caller puts every field it signs into the payload, so no text a peer sends is
 * ever signed as it is.
 */
export function signPayload(payload: object, options: SignOptions): [string, SignatureEntry] {
  return signHash(payloadHash(payload), options);
}

/**
 * Returns a copy of `doc` with the signer's entry added to its `signatures` map. An existing
 * entry of the same signer is replaced (use mergeSignatures to keep the earliest instead).
 */
export function signDocument<T extends object>(
  doc: T,
  options: SignOptions,
): T & { signatures: SignatureMap } {
  if (!isRecord(doc)) throw new TypeError("document: expected an object");
  const existing = (doc as SignedDocument).signatures;
  if (existing !== undefined && !isRecord(existing))
    throw new SigningError("ERR_SIGNATURES", "document: `signatures` is not an object");
  const [key, entry] = signHash(payloadHash(doc), options);
  const signatures: SignatureMap = { ...existing };
  Object.defineProperty(signatures, key, {
    value: entry,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return { ...doc, signatures };
}
