// Chronology through trusted attestation: a document's time is the earliest valid trusted
// signed_at; documents without one are pending. The order is total and deterministic: time,
// then payload hash bytes, with pending documents after every timed one.

import { verifyBatch } from "../ed25519/verify.js";
import { fromBase64 } from "../encoding.js";
import { ChronosealError } from "../errors.js";
import { canonicalize } from "../jcs/canonicalize.js";
import {
  assertContext,
  decodeEntry,
  payloadHash,
  type SignatureEntry,
  type SignatureMap,
  signingString,
} from "./signing.js";
import type { DocumentReport } from "./verify.js";

export type Time = number | "pending";

/** Earliest valid trusted signing time, or "pending". */
export function timeOf(report: Pick<DocumentReport, "time">): Time {
  return report.time === undefined ? "pending" : report.time;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Total order of reports: earlier time first, pending last, ties by payload hash bytes. */
export function compareChronology(
  a: Pick<DocumentReport, "time" | "hash">,
  b: Pick<DocumentReport, "time" | "hash">,
): number {
  if (a.time !== b.time) {
    if (a.time === undefined) return 1;
    if (b.time === undefined) return -1;
    return a.time - b.time;
  }
  return compareBytes(fromBase64(a.hash, "hash"), fromBase64(b.hash, "hash"));
}

export class MergeError extends ChronosealError {
  constructor(message: string) {
    super("ERR_MERGE", message);
    this.name = "MergeError";
  }
}

/**
 * Merges copies of one document: the union of their signature maps, keeping per signer the
 * earliest valid signature (valid before invalid, then earliest signed_at, then the smallest
 * canonical entry). Choosing by a total order makes the merge commutative, associative and
 * idempotent. All copies must have the same payload (MergeError otherwise).
 */
export function mergeSignatures<T extends object>(
  context: string,
  ...copies: T[]
): T & { signatures: SignatureMap } {
  assertContext(context);
  if (copies.length === 0) throw new RangeError("mergeSignatures: expected at least one copy");
  const hash = payloadHash(copies[0]!);
  for (let i = 1; i < copies.length; i++) {
    if (payloadHash(copies[i]!) !== hash) throw new MergeError(`copies[${i}] has a different payload`);
  }
  type Candidate = { key: string; entry: unknown; canon: string; signedAt: number; item?: number };
  const candidates: Candidate[] = [];
  const items: { publicKey: Uint8Array; signature: Uint8Array; message: Uint8Array }[] = [];
  for (const copy of copies) {
    const map = (copy as { signatures?: unknown }).signatures;
    if (map === undefined || map === null || typeof map !== "object" || Array.isArray(map)) continue;
    for (const [key, entry] of Object.entries(map)) {
      let canon: string;
      try {
        canon = canonicalize(entry);
      } catch {
        continue; // not JSON at all: cannot be stored, cannot be ordered
      }
      const d = decodeEntry(key, entry);
      const c: Candidate = { key, entry, canon, signedAt: Number.POSITIVE_INFINITY };
      if (typeof d !== "string" && (d.entry.context === undefined || d.entry.context === context)) {
        c.signedAt = d.signedAt;
        c.item = items.length;
        items.push({
          publicKey: d.publicKey,
          signature: d.signature,
          message: new TextEncoder().encode(signingString(context, d.entry.signed_at, hash)),
        });
      }
      candidates.push(c);
    }
  }
  const verdicts = items.length ? verifyBatch(items) : [];
  const rank = (c: Candidate) => (c.item !== undefined && verdicts[c.item] ? 0 : 1);
  const best = new Map<string, Candidate>();
  for (const c of candidates) {
    const cur = best.get(c.key);
    if (
      !cur ||
      rank(c) < rank(cur) ||
      (rank(c) === rank(cur) &&
        (c.signedAt < cur.signedAt || (c.signedAt === cur.signedAt && c.canon < cur.canon)))
    ) {
      best.set(c.key, c);
    }
  }
  const signatures: SignatureMap = {};
  for (const key of [...best.keys()].sort()) {
    Object.defineProperty(signatures, key, {
      value: best.get(key)!.entry as SignatureEntry,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { ...copies[0]!, signatures };
}
