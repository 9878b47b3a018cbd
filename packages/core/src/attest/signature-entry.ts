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
import { canonicalTimeMillis, isContext, isHash, isSignatureBase64 } from "./shapes.js";
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
 * The parts of the entry checkEntry accepted last (valid until its next call): the fast path
 * reads them instead of a DecodedEntry object.
 */
export const checked = {
  publicKey: new Uint8Array(0) as Uint8Array,
  signature: "",
  signedAt: 0,
  signed_at: "",
  context: undefined as string | undefined,
};

/**
 * Why the entry of `key` is malformed (see decodeSignatureEntry), or undefined when it is well
 * formed — its parts are then in `checked`. The one place the entry rules are applied.
 */
export function checkEntry(
  key: string,
  entry: unknown,
  keyCache?: Map<string, Uint8Array | string>,
): string | undefined {
  let publicKey = keyCache?.get(key);
  if (publicKey === undefined) {
    // isHash is exactly "canonical base64 of 32 bytes", what fromBase64(key, "key", 32) accepts;
    // fromBase64 runs only to name what is wrong.
    if (isHash(key)) publicKey = decodeKey(key);
    else
      try {
        publicKey = fromBase64(key, "key", 32);
      } catch (e) {
        publicKey = `key ${JSON.stringify(String(key).slice(0, 60))}: ${(e as Error).message}`;
      }
    keyCache?.set(key, publicKey);
  }
  if (typeof publicKey === "string") return publicKey;
  if (!isRecord(entry)) return "entry is not an object";
  // Own enumerable string keys in Object.keys order, without the array Object.keys makes.
  for (const field in entry) {
    if (!ENTRY_FIELDS.has(field) && Object.hasOwn(entry, field))
      return `unknown field ${JSON.stringify(field.slice(0, 40))}`;
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
  checked.publicKey = publicKey;
  checked.signature = signature;
  checked.signedAt = signedAt;
  checked.signed_at = signed_at;
  checked.context = context;
  return undefined;
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
  const error = checkEntry(key, entry, keyCache);
  if (error !== undefined) return error;
  const { publicKey, signature, signedAt, signed_at, context } = checked;
  const decoded = Buffer.from(signature, "base64");
  const sig = new Uint8Array(decoded.buffer, decoded.byteOffset, 64); // a view: no second copy
  return { publicKey, signature: sig, signedAt, signed_at, context };
}

const B64_VALUE = new Uint8Array(128);
for (let i = 0; i < 64; i++)
  B64_VALUE["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".charCodeAt(i)] = i;

/** Decodes `groups` full base64 groups of `text` (4 characters, 3 bytes each) into `out` at `at`. */
function decodeGroups(text: string, groups: number, out: Uint8Array, at: number): number {
  let o = at;
  for (let i = 0; i < groups * 4; i += 4) {
    const v =
      (B64_VALUE[text.charCodeAt(i)]! << 18) |
      (B64_VALUE[text.charCodeAt(i + 1)]! << 12) |
      (B64_VALUE[text.charCodeAt(i + 2)]! << 6) |
      B64_VALUE[text.charCodeAt(i + 3)]!;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  return o;
}

/**
 * Writes the 64 bytes of a signature that checkEntry accepted (canonical base64, 88 characters)
 * into `out` at `at`: no Buffer per signature.
 */
export function writeSignature(signature: string, out: Uint8Array, at: number): void {
  const o = decodeGroups(signature, 21, out, at);
  out[o] = (B64_VALUE[signature.charCodeAt(84)]! << 2) | (B64_VALUE[signature.charCodeAt(85)]! >> 4);
}

/** The 32 bytes of a key that isHash accepted (canonical base64, 44 characters). */
function decodeKey(key: string): Uint8Array {
  const out = new Uint8Array(32);
  decodeGroups(key, 10, out, 0);
  const a = B64_VALUE[key.charCodeAt(40)]!;
  const b = B64_VALUE[key.charCodeAt(41)]!;
  out[30] = (a << 2) | (b >> 4);
  out[31] = ((b & 15) << 4) | (B64_VALUE[key.charCodeAt(42)]! >> 2);
  return out;
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
