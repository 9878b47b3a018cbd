// The one signing rule. Every chronoseal signature signs the UTF-8 string
//   chronoseal-v1:<context>:<signed_at>:<base64(SHA-256(JCS(payload)))>
// where payload is the document without its `signatures` field. Signatures sit in the
// document's `signatures` map, keyed by the signer's base64 public key (the seed shape), each
// entry `{ signed_at, signature, context }`. `context` repeats the context inside the signed
// string, so a signature made for another purpose is reported `wrong-context`, not `invalid`;
// an entry without it (the seed shape) is checked against the verifier's context.
import { fromBase64, toBase64 } from "../encoding.js";
import { abytes, ChronosealError } from "../errors.js";
import { canonicalHash } from "../hash/canonical.js";
import { sign } from "../keys/sodium.js";
import { formatTimestamp, parseTimestamp, toMillis } from "./time.js";

/** Domain errors of the signing rule; `code` is ERR_CONTEXT, ERR_SIGNATURES or ERR_DOCUMENT. */
export class SigningError extends ChronosealError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "SigningError";
  }
}

const CONTEXT_RE = /^[a-z0-9-]{1,64}$/;
const CANONICAL_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
// Canonical base64 of 32 bytes: the 43rd character carries 2 zero bits.
const HASH_RE = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** Checks a context: 1–64 characters of `[a-z0-9-]`. */
export function assertContext(context: string): string {
  if (typeof context !== "string") throw new TypeError(`context: expected string, got ${typeof context}`);
  if (!CONTEXT_RE.test(context))
    throw new SigningError(
      "ERR_CONTEXT",
      `context: expected 1-64 of [a-z0-9-], got ${JSON.stringify(context)}`,
    );
  return context;
}

function isContext(value: unknown): value is string {
  return typeof value === "string" && CONTEXT_RE.test(value);
}

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

/** True when `text` is a timestamp in the one canonical form. */
export function isCanonicalTime(text: string): boolean {
  if (!CANONICAL_TIME_RE.test(text)) return false;
  try {
    return formatTimestamp(parseTimestamp(text)) === text;
  } catch {
    return false;
  }
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
  const message = new TextEncoder().encode(rawSigningString(context, signedAt, hash));
  const signature = toBase64(sign(message, options.secretKey));
  return [toBase64(options.secretKey.subarray(32)), { signed_at: signedAt, signature, context }];
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

/** A map entry decoded and checked for shape (not yet verified). */
export interface DecodedEntry {
  publicKey: Uint8Array;
  signature: Uint8Array;
  signedAt: number;
  signed_at: string;
  context: string | undefined;
}

const ENTRY_FIELDS = new Set(["signed_at", "signature", "context"]);

/**
 * Decodes one map entry, or returns why it is malformed: a key that is not canonical base64 of
 * 32 bytes (so two keys can never name one signer), a non-object entry, unknown fields, a
 * `signed_at` not in canonical form, a signature that is not canonical base64 of 64 bytes, or a
 * `context` that is not a valid context. `keyCache` memoizes key decoding across entries.
 */
export function decodeEntry(
  key: string,
  entry: unknown,
  keyCache?: Map<string, Uint8Array | string>,
): DecodedEntry | string {
  let publicKey = keyCache?.get(key);
  if (publicKey === undefined) {
    try {
      publicKey = fromBase64(key, "key", 32);
    } catch (e) {
      publicKey = `key ${JSON.stringify(key.slice(0, 60))}: ${(e as Error).message}`;
    }
    keyCache?.set(key, publicKey);
  }
  if (typeof publicKey === "string") return publicKey;
  if (!isRecord(entry)) return "entry is not an object";
  for (const field of Object.keys(entry)) {
    if (!ENTRY_FIELDS.has(field)) return `unknown field ${JSON.stringify(field.slice(0, 40))}`;
  }
  const { signed_at, signature, context } = entry;
  if (typeof signed_at !== "string") return "signed_at is not a string";
  if (typeof signature !== "string") return "signature is not a string";
  if (context !== undefined && !isContext(context)) return "context is not a valid context";
  if (!isCanonicalTime(signed_at))
    return `signed_at ${JSON.stringify(signed_at.slice(0, 40))} is not a canonical timestamp (YYYY-MM-DDTHH:MM:SS.mmmZ)`;
  let sig: Uint8Array;
  try {
    sig = fromBase64(signature, "signature", 64);
  } catch (err) {
    return (err as Error).message;
  }
  return { publicKey, signature: sig, signedAt: parseTimestamp(signed_at), signed_at, context };
}

/** True when `hash` is canonical base64 of 32 bytes (a payload hash or commit id). */
export function isHash(hash: unknown): hash is string {
  return typeof hash === "string" && HASH_RE.test(hash);
}
