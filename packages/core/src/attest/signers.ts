// Verifying one named signer's entry per item — the cheap path for a verifier that knows whose
// signature counts (a door's device key, an entry's writer, an attestor): one verifyBatch call for
// all items, no work for the other entries of a map. The verdict for the named key is the one
// verifySignatureMaps gives that key (same map check, same entry decoding, same signed bytes; a
// property test holds them together), without the trust and clock policy, which stays with the
// caller unless `now` is given. Reasons, first match wins:
//   malformed      the map is malformed as a whole, or the key's entry is (see signature-entry.ts)
//   missing        the map has no entry for the key
//   invalid        the entry does not verify (under the context it names, else the caller's)
//   wrong-context  a valid signature made for another context
//   future         (only with `now`) dated after now + futureTolerance
import { verifyChecked } from "../ed25519/verify.js";
import { aarray } from "../errors.js";
import { assertContext, isContext, isHash } from "./shapes.js";
import {
  DEFAULT_MAX_SIGNATURES,
  type DecodedEntry,
  decodeSignatureEntry,
  signatureBatchItem,
  signatureMapError,
  signerEntry,
} from "./signature-entry.js";
import { payloadHash } from "./signing.js";
import { toMillis } from "./time.js";

export type SignerReason = "malformed" | "missing" | "invalid" | "wrong-context" | "future";

export type SignerVerdict =
  | { valid: true /** Epoch ms. */; signedAt: number; signed_at: string }
  | { valid: false; reason: SignerReason; detail: string /** Epoch ms, when known. */; signedAt?: number };

/** One check: the entry of `key` in the map `signatures`, on the payload hash `hash`. */
export interface SignerCheck {
  /** base64 SHA-256 of the canonical payload (canonical base64 of 32 bytes). */
  hash: string;
  /** The signer's public key as the map names it (canonical base64; anything else is malformed). */
  key: string;
  /** The document's `signatures` value, as received. */
  signatures: unknown;
  /**
   * The context this check's signature must have been made for, when it differs from
   * `options.context` (documents of several kinds in one call, so one verifyBatch call meets
   * every signature of a key). A context that is not valid is a TypeError naming the index.
   */
  context?: string;
}

export interface VerifySignersOptions {
  /** The context the signatures must have been made for. */
  context: string;
  /** Maps with more entries are malformed as a whole (default 1024, as verifySignatureMaps). */
  maxSignatures?: number;
  /** With a clock (epoch ms or RFC 3339), entries dated after now + futureTolerance are `future`. */
  now?: number | string;
  /** ms; default 10 minutes. */
  futureTolerance?: number;
}

const DEFAULT_FUTURE_TOLERANCE = 10 * 60_000;

function checkOptions(options: VerifySignersOptions) {
  if (options === null || typeof options !== "object") throw new TypeError("options: expected an object");
  const context = assertContext(options.context);
  const max = options.maxSignatures ?? DEFAULT_MAX_SIGNATURES;
  if (!Number.isSafeInteger(max) || max < 0)
    throw new RangeError(`maxSignatures: expected integer >= 0, got ${max}`);
  const now = options.now === undefined ? undefined : toMillis(options.now, "now");
  const tolerance = options.futureTolerance ?? DEFAULT_FUTURE_TOLERANCE;
  if (!Number.isSafeInteger(tolerance) || tolerance < 0)
    throw new RangeError(`futureTolerance: expected integer ms >= 0, got ${tolerance}`);
  return { context, max, now, tolerance };
}

/**
 * Verifies, per check, the entry of the named signer (one verifyBatch call for all of them).
 * Hostile input is a verdict, never an exception; only a check that is not an object or whose
 * hash is not canonical base64 of 32 bytes is a TypeError naming its index.
 */
export function verifySigners(
  checks: readonly SignerCheck[],
  options: VerifySignersOptions,
): SignerVerdict[] {
  aarray(checks, "checks");
  const { context, max, now, tolerance } = checkOptions(options);
  const out: SignerVerdict[] = new Array(checks.length);
  const decoded: [number, DecodedEntry, string][] = [];
  const batch = [];
  const keyCache = new Map<string, Uint8Array | string>();
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i];
    if (c === null || typeof c !== "object" || !isHash(c.hash))
      throw new TypeError(`checks[${i}]: expected { hash: base64 SHA-256, key, signatures }`);
    const ctx = c.context === undefined ? context : c.context;
    if (ctx !== context && !isContext(ctx))
      throw new TypeError(`checks[${i}].context: expected 1-64 of [a-z0-9-], got ${JSON.stringify(ctx)}`);
    if (c.signatures === undefined) {
      out[i] = { valid: false, reason: "missing", detail: "no signatures" };
      continue;
    }
    const mapError = signatureMapError(c.signatures, max);
    if (mapError !== undefined) {
      out[i] = { valid: false, reason: "malformed", detail: mapError };
      continue;
    }
    if (typeof c.key !== "string") {
      out[i] = { valid: false, reason: "malformed", detail: "key is not a string" };
      continue;
    }
    const entry = signerEntry(c.signatures as Record<string, unknown>, c.key);
    if (entry === undefined) {
      out[i] = { valid: false, reason: "missing", detail: "no entry for the key" };
      continue;
    }
    const d = decodeSignatureEntry(c.key, entry, keyCache);
    if (typeof d === "string") {
      out[i] = { valid: false, reason: "malformed", detail: d };
      continue;
    }
    decoded.push([i, d, ctx]);
    batch.push(signatureBatchItem(d, ctx, c.hash));
  }
  const verdicts = batch.length > 0 ? verifyChecked(batch) : [];
  decoded.forEach(([i, d, context], j) => {
    const signedAt = d.signedAt;
    if (!verdicts[j])
      out[i] = { valid: false, reason: "invalid", detail: "signature does not verify", signedAt };
    else if (d.context !== undefined && d.context !== context)
      out[i] = {
        valid: false,
        reason: "wrong-context",
        detail: `a valid signature for context ${d.context}, not ${context}`,
        signedAt,
      };
    else if (now !== undefined && signedAt > now + tolerance)
      out[i] = {
        valid: false,
        reason: "future",
        detail: `dated ${d.signed_at}, more than ${tolerance} ms after the verifier's clock`,
        signedAt,
      };
    else out[i] = { valid: true, signedAt, signed_at: d.signed_at };
  });
  return out;
}

/**
 * Verifies one entry (as signPayload returns it, or as found in a map) by `key` on `payload`
 * under `context`: the counterpart of signPayload. The payload is hashed as signPayload hashes it
 * (a `signatures` field is not part of it). Verdicts as verifySigners.
 */
export function verifyPayload(
  payload: object,
  key: string,
  entry: unknown,
  options: VerifySignersOptions,
): SignerVerdict {
  const hash = payloadHash(payload);
  const map: Record<string, unknown> = Object.create(null);
  if (typeof key === "string")
    Object.defineProperty(map, key, { value: entry, enumerable: true, writable: true, configurable: true });
  return verifySigners([{ hash, key, signatures: map }], options)[0]!;
}
