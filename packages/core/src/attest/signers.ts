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
import { verifyPacked } from "../ed25519/verify.js";
import { aarray } from "../errors.js";
import { assertContext, isContext, isHash } from "./shapes.js";
import {
  checkEntry,
  checked,
  DEFAULT_MAX_SIGNATURES,
  signatureMapError,
  signerEntry,
  writeSignature,
} from "./signature-entry.js";
import { MAX_SIGNING_LENGTH, payloadHash, writeSigningMessage } from "./signing.js";
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

/** Checks per call whose packed inputs are kept between calls (larger calls get their own). */
const KEPT = 4096;

/** Per call: keys, signatures and messages back to back, and what each verified item needs. */
interface Packed {
  pk: Uint8Array;
  sig: Uint8Array;
  msg: Uint8Array;
  off: Uint32Array;
  ok: Uint8Array;
  /** The check index, signed_at (ms and text), the entry's named context and the check's. */
  at: Uint32Array;
  signedAt: Float64Array;
  stamps: string[];
  named: (string | undefined)[];
  contexts: string[];
}

function packed(n: number): Packed {
  return {
    pk: new Uint8Array(n * 32),
    sig: new Uint8Array(n * 64),
    msg: new Uint8Array(n * MAX_SIGNING_LENGTH),
    off: new Uint32Array(n + 1),
    ok: new Uint8Array(n),
    at: new Uint32Array(n),
    signedAt: new Float64Array(n),
    stamps: new Array(n),
    named: new Array(n),
    contexts: new Array(n),
  };
}
let kept: Packed | undefined;

/**
 * Verifies, per check, the entry of the named signer (one verifyBatch call for all of them).
 * Hostile input is a verdict, never an exception; only a check that is not an object or whose
 * hash is not canonical base64 of 32 bytes is a TypeError naming its index.
 *
 * Each accepted entry's key, signature and signed string are written straight into packed
 * buffers (verifyPacked): no decoded object, signature Buffer or message string per signature.
 */
export function verifySigners(
  checks: readonly SignerCheck[],
  options: VerifySignersOptions,
): SignerVerdict[] {
  aarray(checks, "checks");
  const { context, max, now, tolerance } = checkOptions(options);
  const n = checks.length;
  const out: SignerVerdict[] = new Array(n);
  if (kept === undefined) kept = packed(KEPT);
  const p = n <= KEPT ? kept : packed(n);
  const keyCache = new Map<string, Uint8Array | string>();
  let m = 0;
  let used = 0;
  for (let i = 0; i < n; i++) {
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
    const error = checkEntry(c.key, entry, keyCache);
    if (error !== undefined) {
      out[i] = { valid: false, reason: "malformed", detail: error };
      continue;
    }
    // The entry is checked under the context it names, else the check's (signatureBatchItem).
    p.pk.set(checked.publicKey, m * 32);
    writeSignature(checked.signature, p.sig, m * 64);
    p.off[m] = used;
    used = writeSigningMessage(checked.context ?? ctx, checked.signed_at, c.hash, p.msg, used);
    p.at[m] = i;
    p.signedAt[m] = checked.signedAt;
    p.stamps[m] = checked.signed_at;
    p.named[m] = checked.context;
    p.contexts[m] = ctx;
    m++;
  }
  p.off[m] = used;
  verifyPacked(m, p.pk, p.sig, p.msg, p.off, p.ok);
  for (let j = 0; j < m; j++) {
    const i = p.at[j]!;
    const signedAt = p.signedAt[j]!;
    const named = p.named[j];
    const expected = p.contexts[j]!;
    if (p.ok[j] !== 1)
      out[i] = { valid: false, reason: "invalid", detail: "signature does not verify", signedAt };
    else if (named !== undefined && named !== expected)
      out[i] = {
        valid: false,
        reason: "wrong-context",
        detail: `a valid signature for context ${named}, not ${expected}`,
        signedAt,
      };
    else if (now !== undefined && signedAt > now + tolerance)
      out[i] = {
        valid: false,
        reason: "future",
        detail: `dated ${p.stamps[j]}, more than ${tolerance} ms after the verifier's clock`,
        signedAt,
      };
    else out[i] = { valid: true, signedAt, signed_at: p.stamps[j]! };
  }
  // The kept buffers hold no reference to this call's strings once it returns.
  if (p === kept) {
    p.stamps.fill("", 0, m);
    p.named.fill(undefined, 0, m);
    p.contexts.fill("", 0, m);
  }
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
