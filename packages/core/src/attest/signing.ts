// The one signing rule. Every chronoseal signature signs the UTF-8 string
//   chronoseal-v1:<context>:<signed_at>:<base64(SHA-256(JCS(payload)))>
// where payload is the document without its `signatures` field. Signatures sit in the
// document's `signatures` map, keyed by the signer's base64 public key (the seed shape), each
// entry `{ signed_at, signature, context }` — `context` repeats the signed context so a
// signature made for another purpose is reported as `wrong-context` rather than `invalid`.
import { fromBase64, toBase64 } from "../encoding.js";
import { abytes, ChronosealError } from "../errors.js";
import { canonicalHash } from "../hash/canonical.js";
import { sign } from "../keys/sodium.js";
import { formatTimestamp, toMillis } from "./time.js";

export class SigningError extends ChronosealError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = "SigningError";
  }
}

const CONTEXT_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function assertContext(context: string): string {
  if (typeof context !== "string" || !CONTEXT_RE.test(context) || context.length > 64) {
    throw new SigningError(
      "ERR_CONTEXT",
      `context: expected lowercase words joined by '-', got ${JSON.stringify(context)}`,
    );
  }
  return context;
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

/** The signed string for a context, a canonical `signed_at`, and a base64 payload hash. */
export function signingString(context: string, signedAt: string, payloadHash: string): string {
  return `chronoseal-v1:${context}:${signedAt}:${payloadHash}`;
}

/** The document without its `signatures` field. */
export function payloadOf(doc: object): Record<string, unknown> {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    throw new TypeError("document: expected an object");
  const { signatures: _ignored, ...payload } = doc as Record<string, unknown>;
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
  /** Signing time (epoch ms or RFC 3339); default now. */
  signedAt?: number | string;
}

/** Signs a payload hash; returns the map key (base64 public key) and entry. */
export function signHash(hash: string, options: SignOptions): [string, SignatureEntry] {
  abytes(options.secretKey, 64, "secretKey");
  const context = assertContext(options.context);
  const signedAt = formatTimestamp(toMillis(options.signedAt ?? Date.now(), "signedAt"));
  const message = new TextEncoder().encode(signingString(context, signedAt, hash));
  const signature = toBase64(sign(message, options.secretKey));
  return [toBase64(options.secretKey.subarray(32)), { signed_at: signedAt, signature, context }];
}

/** Returns a copy of `doc` with the signer's signature added to (or replaced in) its map. */
export function signDocument<T extends object>(
  doc: T,
  options: SignOptions,
): T & { signatures: SignatureMap } {
  const existing = (doc as SignedDocument).signatures;
  if (
    existing !== undefined &&
    (existing === null || typeof existing !== "object" || Array.isArray(existing))
  ) {
    throw new SigningError("ERR_SIGNATURES", "document: `signatures` is not an object");
  }
  const [key, entry] = signHash(payloadHash(doc), options);
  return { ...doc, signatures: { ...(existing ?? {}), [key]: entry } };
}

/** Decodes a map entry, or says why it is malformed. */
export function decodeEntry(
  key: string,
  entry: unknown,
): { publicKey: Uint8Array; signature: Uint8Array; signedAt: number; entry: SignatureEntry } | string {
  let publicKey: Uint8Array;
  try {
    publicKey = fromBase64(key, "key", 32);
  } catch (e) {
    return `key ${JSON.stringify(key.slice(0, 60))}: ${(e as Error).message}`;
  }
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return "entry is not an object";
  const e = entry as Record<string, unknown>;
  if (typeof e.signed_at !== "string") return "signed_at is not a string";
  if (typeof e.signature !== "string") return "signature is not a string";
  if (e.context !== undefined && typeof e.context !== "string") return "context is not a string";
  let signedAt: number;
  try {
    signedAt = toMillis(e.signed_at);
  } catch (err) {
    return (err as Error).message;
  }
  if (formatTimestamp(signedAt) !== e.signed_at)
    return `signed_at ${e.signed_at} is not in canonical form (${formatTimestamp(signedAt)})`;
  let signature: Uint8Array;
  try {
    signature = fromBase64(e.signature, "signature", 64);
  } catch (err) {
    return (err as Error).message;
  }
  return { publicKey, signature, signedAt, entry: e as unknown as SignatureEntry };
}
