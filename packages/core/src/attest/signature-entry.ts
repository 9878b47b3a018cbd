// Signature maps and their entries, checked once for every verifier: what a well-formed map is,
// how one entry decodes (or why it is malformed), and the verifyBatch item that checks it under
// the signing rule. verifySignatureMaps, verifySigners, mergeSignatures and every package that
// verifies a signature map use these, so no two verifiers can disagree on what is malformed.
//
// A map is a plain JSON object (not an array) with at most maxSignatures entries (default 1024);
// a larger map is malformed as a whole. An entry, keyed by the signer's public key, is
// `{ signed_at, signature, context? }` and nothing else:
//   key        canonical base64 of 32 bytes (so two keys never name one signer)
//   signed_at  the canonical time form YYYY-MM-DDTHH:MM:SS.mmmZ, a date that exists
//   signature  canonical base64 of 64 bytes
//   context    optional; when present a valid context (it must match the signed one)
import type { VerifyItem } from "../ed25519/verify.js";
import { fromBase64 } from "../encoding.js";
import { canonicalTimeMillis, isContext, isSignatureBase64 } from "./shapes.js";
import { rawSigningString } from "./signing.js";

export const DEFAULT_MAX_SIGNATURES = 1024;

/** The fields a signature map entry may have. */
export const SIGNATURE_ENTRY_FIELDS: readonly string[] = ["signed_at", "signature", "context"];
const ENTRY_FIELDS = new Set(SIGNATURE_ENTRY_FIELDS);

/** A map entry decoded and checked for shape (not yet verified). */
export interface DecodedEntry {
  publicKey: Uint8Array;
  signature: Uint8Array;
  /** Epoch ms. */
  signedAt: number;
  /** As written (canonical). */
  signed_at: string;
  /** The context the entry names, if any. */
  context: string | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Why a `signatures` value is malformed as a whole — not an object, or more than `max` entries —
 * or undefined when it is a map whose entries can be judged one by one.
 */
export function signatureMapError(map: unknown, max = DEFAULT_MAX_SIGNATURES): string | undefined {
  if (!isRecord(map)) return "signatures is not an object";
  const n = Object.keys(map).length;
  if (n > max) return `signatures has ${n} entries, more than maxSignatures=${max}`;
  return undefined;
}

/** The map's own entry for `key` (never an inherited property), or undefined. */
export function signerEntry(map: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/**
 * Decodes one map entry, or returns why it is malformed: a key that is not canonical base64 of
 * 32 bytes, a non-object entry, unknown fields, a `signed_at` not in canonical form, a signature
 * that is not canonical base64 of 64 bytes, or a `context` that is not a valid context.
 * `keyCache` memoizes key decoding across entries (one map per verification call).
 */
export function decodeSignatureEntry(
  key: string,
  entry: unknown,
  keyCache?: Map<string, Uint8Array | string>,
): DecodedEntry | string {
  let publicKey = keyCache?.get(key);
  if (publicKey === undefined) {
    try {
      publicKey = fromBase64(key, "key", 32);
    } catch (e) {
      publicKey = `key ${JSON.stringify(String(key).slice(0, 60))}: ${(e as Error).message}`;
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
  const signedAt = canonicalTimeMillis(signed_at);
  if (signedAt === undefined)
    return `signed_at ${JSON.stringify(signed_at.slice(0, 40))} is not a canonical timestamp (YYYY-MM-DDTHH:MM:SS.mmmZ)`;
  // The pattern admits only the canonical spelling of 64 bytes, so the decoder needs no round trip.
  if (!isSignatureBase64(signature)) {
    try {
      fromBase64(signature, "signature", 64); // names what is wrong
    } catch (err) {
      return (err as Error).message;
    }
    return "signature: expected canonical base64 of 64 bytes";
  }
  const decoded = Buffer.from(signature, "base64");
  const sig = new Uint8Array(decoded.buffer, decoded.byteOffset, 64); // a view: no second copy
  return { publicKey, signature: sig, signedAt, signed_at, context };
}

/**
 * The verifyBatch item for a decoded entry on payload hash `hash` (canonical base64, checked by
 * the caller): the signing rule under the context the entry names, else under `context`. An entry
 * naming another context is thus checked for what it claims to be (then reported wrong-context).
 */
export function signatureBatchItem(entry: DecodedEntry, context: string, hash: string): VerifyItem {
  return {
    publicKey: entry.publicKey,
    signature: entry.signature,
    // Buffer's UTF-8 (the same bytes as TextEncoder, from a pooled slab: no ArrayBuffer each).
    message: Buffer.from(rawSigningString(entry.context ?? context, entry.signed_at, hash), "utf8"),
  };
}
