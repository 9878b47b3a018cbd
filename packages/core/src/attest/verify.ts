// Verification reports: every signature of many documents checked with ONE verifyBatch call
// (payload hashes from one canonicalHashBatch call), and per document the valid trusted
// signatures plus every other signature with the reason it does not count. Nothing is dropped
// silently. Reasons, first match wins (the most permanent first):
//   malformed      not decodable: bad key/signature base64 or length, non-canonical signed_at,
//                  unknown fields, a non-object entry, a non-object or oversized map
//   invalid        does not verify (under its own `context` when it names one)
//   wrong-context  a valid signature made for another context (the entry names it)
//   untrusted      a valid signature by a key the verifier does not trust
//   future         valid and trusted, but dated after now + futureTolerance (may count later)
import { type VerifyItem, verifyChecked } from "../ed25519/verify.js";
import { fromBase64, toBase64 } from "../encoding.js";
import { aarray } from "../errors.js";
import { canonicalHash, canonicalHashBatch } from "../hash/canonical.js";
import { assertContext, isHash, SigningError } from "./shapes.js";
import {
  DEFAULT_MAX_SIGNATURES,
  type DecodedEntry,
  decodeSignatureEntry,
  signatureBatchItem,
  signatureMapError,
} from "./signature-entry.js";
import { payloadOf } from "./signing.js";
import { toMillis } from "./time.js";

export type IgnoreReason = "malformed" | "invalid" | "wrong-context" | "untrusted" | "future";

export interface ValidSignature {
  /** base64 public key. */
  key: string;
  /** Epoch ms. */
  signedAt: number;
  /** As signed (canonical RFC 3339). */
  signed_at: string;
}

export interface IgnoredSignature {
  /** The map key as found (may itself be malformed); `""` when the map itself is malformed. */
  key: string;
  reason: IgnoreReason;
  /** Human-readable explanation. */
  detail: string;
  /** Epoch ms, when the entry had a canonical signed_at. */
  signedAt?: number;
}

export interface DocumentReport {
  /** base64 SHA-256 of the canonical payload. */
  hash: string;
  /** Valid signatures by trusted keys dated no later than now + tolerance, earliest first. */
  valid: ValidSignature[];
  /** Every other signature with its reason, sorted by key. */
  ignored: IgnoredSignature[];
  /** Earliest valid trusted signed_at (epoch ms); undefined when the document is pending. */
  time: number | undefined;
}

export interface VerifyDocumentsOptions {
  /** Trusted public keys, canonical base64 (EncodingError otherwise). */
  trusted: Iterable<string>;
  /** The context the signatures must have been made for. */
  context: string;
  /** The verifier's clock (epoch ms or RFC 3339); default Date.now(). */
  now?: number | string;
  /** How far past `now` a signature may be dated, ms (default 10 minutes). */
  futureTolerance?: number;
  /** Maps with more entries are reported as one malformed map (default 1024). */
  maxSignatures?: number;
}

export const DEFAULT_FUTURE_TOLERANCE = 10 * 60_000;

/** A payload hash and the signature map that signs it. */
export interface HashedSignatures {
  hash: string;
  signatures: unknown;
}

interface Candidate {
  report: DocumentReport;
  key: string;
  entry: DecodedEntry;
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * Verifies signature maps given payload hashes (a verifier holding only the hash can check a
 * signature). One verifyBatch call for all items. See the header for the reasons.
 */
export function verifySignatureMaps(
  items: readonly HashedSignatures[],
  options: VerifyDocumentsOptions,
): DocumentReport[] {
  return verifyResolved(items, resolve(options));
}

interface Resolved {
  context: string;
  trusted: Set<string>;
  now: number;
  tolerance: number;
  max: number;
}

function resolve(options: VerifyDocumentsOptions): Resolved {
  if (options === null || typeof options !== "object") throw new TypeError("options: expected an object");
  const context = assertContext(options.context);
  const trusted = new Set<string>();
  for (const k of options.trusted) trusted.add(toBase64(fromBase64(k, "trusted key", 32)));
  const now = toMillis(options.now ?? Date.now(), "now");
  const tolerance = options.futureTolerance ?? DEFAULT_FUTURE_TOLERANCE;
  if (!Number.isSafeInteger(tolerance) || tolerance < 0)
    throw new RangeError(`futureTolerance: expected integer ms >= 0, got ${tolerance}`);
  const max = options.maxSignatures ?? DEFAULT_MAX_SIGNATURES;
  if (!Number.isSafeInteger(max) || max < 0)
    throw new RangeError(`maxSignatures: expected integer >= 0, got ${max}`);
  return { context, trusted, now, tolerance, max };
}

function verifyResolved(items: readonly HashedSignatures[], o: Resolved): DocumentReport[] {
  aarray(items, "items");
  const { context, trusted, now, tolerance, max } = o;

  const reports: DocumentReport[] = [];
  const candidates: Candidate[] = [];
  const batch: VerifyItem[] = [];
  const keyCache = new Map<string, Uint8Array | string>();
  items.forEach((item, i) => {
    if (item === null || typeof item !== "object" || !isHash(item.hash))
      throw new TypeError(`items[${i}]: expected { hash: base64 SHA-256, signatures }`);
    const report: DocumentReport = { hash: item.hash, valid: [], ignored: [], time: undefined };
    reports.push(report);
    const map = item.signatures;
    if (map === undefined) return;
    const mapError = signatureMapError(map, max);
    if (mapError !== undefined) {
      report.ignored.push({ key: "", reason: "malformed", detail: mapError });
      return;
    }
    for (const key of Object.keys(map as object)) {
      const d = decodeSignatureEntry(key, (map as Record<string, unknown>)[key], keyCache);
      if (typeof d === "string") {
        report.ignored.push({ key, reason: "malformed", detail: d });
        continue;
      }
      candidates.push({ report, key, entry: d });
      batch.push(signatureBatchItem(d, context, item.hash));
    }
  });

  const verdicts = batch.length > 0 ? verifyChecked(batch) : [];
  candidates.forEach(({ report, key, entry }, j) => {
    const signedAt = entry.signedAt;
    if (!verdicts[j]) {
      report.ignored.push({ key, reason: "invalid", detail: "signature does not verify", signedAt });
    } else if (entry.context !== undefined && entry.context !== context) {
      report.ignored.push({
        key,
        reason: "wrong-context",
        detail: `a valid signature for context ${entry.context}, not ${context}`,
        signedAt,
      });
    } else if (!trusted.has(key)) {
      report.ignored.push({ key, reason: "untrusted", detail: "valid, but not by a trusted key", signedAt });
    } else if (signedAt > now + tolerance) {
      report.ignored.push({
        key,
        reason: "future",
        detail: `dated ${entry.signed_at}, more than ${tolerance} ms after the verifier's clock`,
        signedAt,
      });
    } else {
      report.valid.push({ key, signedAt, signed_at: entry.signed_at });
    }
  });
  for (const r of reports) {
    r.valid.sort((a, b) => a.signedAt - b.signedAt || byKey(a, b));
    r.ignored.sort(byKey);
    r.time = r.valid[0]?.signedAt;
  }
  return reports;
}

/** base64 payload hashes of many documents (one batch call); typed errors name the document. */
export function payloadHashes(docs: readonly object[]): string[] {
  aarray(docs, "docs");
  const payloads = docs.map((d, i) => {
    if (d === null || typeof d !== "object" || Array.isArray(d))
      throw new TypeError(`docs[${i}]: expected an object`);
    return payloadOf(d);
  });
  try {
    return canonicalHashBatch(payloads).map(toBase64);
  } catch (batchError) {
    // Find the offending document to name it (error path only).
    payloads.forEach((p, i) => {
      try {
        canonicalHash(p);
      } catch (e) {
        throw new SigningError(
          "ERR_DOCUMENT",
          `docs[${i}]: payload is not canonical JSON: ${(e as Error).message}`,
          {
            cause: e,
          },
        );
      }
    });
    throw batchError;
  }
}

/**
 * Verifies all signatures of many documents: one canonicalHashBatch call for the payloads, one
 * verifyBatch call for the signatures. A document that is not an object is a TypeError, a payload
 * JCS rejects a SigningError ERR_DOCUMENT, both naming the document's index.
 */
export function verifyDocuments(docs: readonly object[], options: VerifyDocumentsOptions): DocumentReport[] {
  const resolved = resolve(options);
  const hashes = payloadHashes(docs);
  return verifyResolved(
    hashes.map((hash, i) => ({ hash, signatures: (docs[i] as { signatures?: unknown }).signatures })),
    resolved,
  );
}

/** Verifies one document; see verifyDocuments. */
export function verifyDocument(doc: object, options: VerifyDocumentsOptions): DocumentReport {
  return verifyDocuments([doc], options)[0]!;
}
