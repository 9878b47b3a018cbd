// verifyDocuments: checks every signature of many documents with ONE batch verification call
// and reports, per document, the valid trusted signatures and every ignored signature with its
// reason. Nothing is dropped silently.

import { verifyBatch } from "../ed25519/verify.js";
import { fromBase64, toBase64 } from "../encoding.js";
import { aarray } from "../errors.js";
import { canonicalHashBatch } from "../hash/canonical.js";
import { assertContext, decodeEntry, payloadOf, signingString } from "./signing.js";
import { toMillis } from "./time.js";

export type IgnoreReason = "invalid" | "untrusted" | "future" | "malformed" | "wrong-context";

export interface ValidSignature {
  /** base64 public key. */
  key: string;
  signedAt: number;
  signed_at: string;
}

export interface IgnoredSignature {
  /** The map key as found (may itself be malformed). */
  key: string;
  reason: IgnoreReason;
  detail: string;
  signedAt?: number;
}

export interface DocumentReport {
  /** base64 SHA-256 of the canonical payload. */
  hash: string;
  /** Valid signatures by trusted keys, earliest first. */
  valid: ValidSignature[];
  /** Every other signature, with the reason it does not count. */
  ignored: IgnoredSignature[];
  /** Earliest valid trusted signed_at (epoch ms), or undefined: the document is pending. */
  time: number | undefined;
}

export interface VerifyDocumentsOptions {
  /** Trusted public keys (base64). */
  trusted: Iterable<string>;
  /** The context the signatures must be made in. */
  context: string;
  /** The verifier's clock (epoch ms or RFC 3339); default Date.now(). */
  now?: number | string;
  /** How far in the future a signature may be dated (ms, default 10 minutes). */
  futureTolerance?: number;
}

export const DEFAULT_FUTURE_TOLERANCE = 10 * 60_000;

const utf8 = new TextEncoder();

export function verifyDocuments(docs: readonly object[], options: VerifyDocumentsOptions): DocumentReport[] {
  aarray(docs, "docs");
  const context = assertContext(options.context);
  const trusted = new Set(options.trusted);
  const now = toMillis(options.now ?? Date.now(), "now");
  const tolerance = options.futureTolerance ?? DEFAULT_FUTURE_TOLERANCE;
  if (!Number.isFinite(tolerance) || tolerance < 0)
    throw new RangeError(`futureTolerance: expected ms >= 0, got ${tolerance}`);
  const payloads = docs.map((d, i) => {
    if (d === null || typeof d !== "object" || Array.isArray(d))
      throw new TypeError(`docs[${i}]: expected an object`);
    return payloadOf(d);
  });
  const hashes = canonicalHashBatch(payloads).map(toBase64);
  const reports: DocumentReport[] = hashes.map((hash) => ({ hash, valid: [], ignored: [], time: undefined }));
  // Collect every well-formed signature for one batch call.
  const pending: { doc: number; key: string; signedAt: number; signed_at: string }[] = [];
  const items: { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[] = [];
  docs.forEach((doc, i) => {
    const report = reports[i]!;
    const map = (doc as { signatures?: unknown }).signatures;
    if (map === undefined) return;
    if (map === null || typeof map !== "object" || Array.isArray(map)) {
      report.ignored.push({ key: "", reason: "malformed", detail: "signatures is not an object" });
      return;
    }
    for (const [key, entry] of Object.entries(map)) {
      const d = decodeEntry(key, entry);
      if (typeof d === "string") {
        report.ignored.push({ key, reason: "malformed", detail: d });
        continue;
      }
      if (d.entry.context !== undefined && d.entry.context !== context) {
        report.ignored.push({
          key,
          reason: "wrong-context",
          detail: `signed for ${d.entry.context}, not ${context}`,
          signedAt: d.signedAt,
        });
        continue;
      }
      pending.push({ doc: i, key, signedAt: d.signedAt, signed_at: d.entry.signed_at });
      items.push({
        publicKey: d.publicKey,
        signature: d.signature,
        message: utf8.encode(signingString(context, d.entry.signed_at, report.hash)),
      });
    }
  });
  const verdicts = items.length > 0 ? verifyBatch(items) : [];
  pending.forEach((p, j) => {
    const report = reports[p.doc]!;
    if (!verdicts[j])
      report.ignored.push({
        key: p.key,
        reason: "invalid",
        detail: "signature does not verify",
        signedAt: p.signedAt,
      });
    else if (p.signedAt > now + tolerance) {
      report.ignored.push({
        key: p.key,
        reason: "future",
        detail: `dated ${p.signed_at}, beyond the verifier's clock + tolerance`,
        signedAt: p.signedAt,
      });
    } else if (!trusted.has(p.key))
      report.ignored.push({
        key: p.key,
        reason: "untrusted",
        detail: "valid, but not by a trusted key",
        signedAt: p.signedAt,
      });
    else report.valid.push({ key: p.key, signedAt: p.signedAt, signed_at: p.signed_at });
  });
  for (const r of reports) {
    r.valid.sort((a, b) => a.signedAt - b.signedAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    r.time = r.valid[0]?.signedAt;
  }
  return reports;
}

/** Verifies one document; see verifyDocuments. */
export function verifyDocument(doc: object, options: VerifyDocumentsOptions): DocumentReport {
  return verifyDocuments([doc], options)[0]!;
}

/** Decodes a trusted-key list entry to check it (throws EncodingError for a bad key). */
export function checkTrustedKey(key: string): string {
  fromBase64(key, "trusted key", 32);
  return key;
}
