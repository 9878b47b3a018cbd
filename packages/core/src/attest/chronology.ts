// Chronology through trusted attestation. A document's time is the earliest valid trusted
// signed_at of its report, or "pending". compareChronology is a total, deterministic order:
// earlier time first, pending after every timed document, ties by payload hash bytes — so every
// node orders identically. mergeSignatures unions the signature maps of copies of one document,
// keeping per signer the earliest valid signature, so that merge is a CRDT join.
import { type VerifyItem, verifyBatch } from "../ed25519/verify.js";
import { aarray, ChronosealError } from "../errors.js";
import { canonicalize } from "../jcs/canonicalize.js";
import { assertContext } from "./shapes.js";
import { decodeSignatureEntry, signatureBatchItem } from "./signature-entry.js";
import { payloadHash, type SignatureMap } from "./signing.js";
import type { DocumentReport } from "./verify.js";

export type Time = number | "pending";

/** Earliest valid trusted signing time (epoch ms), or "pending". */
export function timeOf(report: Pick<DocumentReport, "time">): Time {
  return report.time === undefined ? "pending" : report.time;
}

// Rank of each base64 character in the alphabet: comparing equal-length canonical base64 strings
// rank by rank is comparing the bytes they encode (big-endian 6-bit groups).
const RANK = new Int8Array(128).fill(-1);
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".split("").forEach((c, i) => {
  RANK[c.charCodeAt(0)] = i;
});

/** Compares two base64 hashes by the bytes they encode, without decoding. */
export function compareHashes(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    const x = RANK[a.charCodeAt(i)] ?? -1;
    const y = RANK[b.charCodeAt(i)] ?? -1;
    if (x !== y) return x - y;
  }
  return 0;
}

/** Total order of reports: earlier time first, pending last, ties by payload hash bytes. */
export function compareChronology(
  a: Pick<DocumentReport, "time" | "hash">,
  b: Pick<DocumentReport, "time" | "hash">,
): number {
  if (a.time !== b.time) {
    if (a.time === undefined) return 1;
    if (b.time === undefined) return -1;
    return a.time < b.time ? -1 : 1;
  }
  return compareHashes(a.hash, b.hash);
}

export class MergeError extends ChronosealError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_MERGE", message, options);
    this.name = "MergeError";
  }
}

export interface MergeOptions {
  /** The context the signatures are verified in. */
  context: string;
}

interface Candidate {
  canon: string;
  valid: boolean;
  signedAt: number;
}

/** The per-signer choice: valid before anything else, then earliest signed_at, then canonical entry. */
function better(c: Candidate, cur: Candidate): boolean {
  if (c.valid !== cur.valid) return c.valid;
  if (c.signedAt !== cur.signedAt) return c.signedAt < cur.signedAt;
  return c.canon < cur.canon;
}

/**
 * Merges copies of one document (MergeError when their payloads differ): the first copy's fields
 * with the union of the signature maps, keeping per map key the best entry by a total order —
 * valid (verifies in `context`, which the entry names or omits) before invalid or malformed, then
 * earliest signed_at (malformed last), then the smallest canonical JSON. Choosing a minimum of a
 * total order makes the merge commutative, associative and idempotent (equal as canonical JSON),
 * and an invalid entry never displaces a valid one. Entries are kept, not dropped: an invalid one
 * stays only while its signer has no valid one. All signatures are verified in one batch call.
 */
export function mergeSignatures<T extends object>(
  copies: readonly T[],
  options: MergeOptions,
): T & { signatures: SignatureMap } {
  aarray(copies, "copies");
  const context = assertContext(options?.context);
  if (copies.length === 0) throw new RangeError("copies: expected at least one document");
  const hashes = copies.map((c, i) => {
    if (c === null || typeof c !== "object" || Array.isArray(c))
      throw new TypeError(`copies[${i}]: expected an object`);
    return payloadHash(c);
  });
  const hash = hashes[0]!;
  hashes.forEach((h, i) => {
    if (h !== hash) throw new MergeError(`copies[${i}]: payload differs from copies[0] (${h} != ${hash})`);
  });
  const found: [string, Candidate][] = [];
  const items: VerifyItem[] = [];
  const itemOf: Candidate[] = [];
  const keyCache = new Map<string, Uint8Array | string>();
  copies.forEach((copy, i) => {
    const map = (copy as { signatures?: unknown }).signatures;
    if (map === undefined) return;
    if (map === null || typeof map !== "object" || Array.isArray(map))
      throw new MergeError(`copies[${i}].signatures: expected an object`);
    for (const key of Object.keys(map)) {
      const entry = (map as Record<string, unknown>)[key];
      let canon: string;
      try {
        canon = canonicalize(entry);
      } catch (e) {
        throw new MergeError(`copies[${i}].signatures[${JSON.stringify(key.slice(0, 60))}]: not JSON`, {
          cause: e,
        });
      }
      const c: Candidate = { canon, valid: false, signedAt: Number.POSITIVE_INFINITY };
      const d = decodeSignatureEntry(key, entry, keyCache);
      if (typeof d !== "string") {
        c.signedAt = d.signedAt;
        if (d.context === undefined || d.context === context) {
          itemOf.push(c);
          items.push(signatureBatchItem(d, context, hash));
        }
      }
      found.push([key, c]);
    }
  });
  const verdicts = items.length > 0 ? verifyBatch(items) : [];
  itemOf.forEach((c, j) => {
    c.valid = verdicts[j] === true;
  });
  const best = new Map<string, Candidate>();
  for (const [key, c] of found) {
    const cur = best.get(key);
    if (!cur || better(c, cur)) best.set(key, c);
  }
  const signatures: SignatureMap = {};
  for (const key of [...best.keys()].sort()) {
    // defineProperty: a "__proto__" key stays data.
    Object.defineProperty(signatures, key, {
      value: JSON.parse(best.get(key)!.canon) as unknown,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { ...copies[0]!, signatures };
}
