// Lock log entries: one JSON document per event, hash-chained per chain and signed by the
// device key (context `lock-entry`). The user appears only as a keyed pseudonym — HMAC-SHA-256
// of the badge id under the retention period's key — never as the raw badge id.
import { createHmac } from "node:crypto";
import { ChronosealError, canonicalHash, type SignatureMap, signDocument, toBase64 } from "@chronoseal/core";

export const ENTRY_CONTEXT = "lock-entry";

export type LockEvent = "chain-opened" | "opened" | "held-open" | "closed" | "recovered" | "chain-closed";
export const EVENTS: readonly LockEvent[] = [
  "chain-opened",
  "opened",
  "held-open",
  "closed",
  "recovered",
  "chain-closed",
];

export interface LockEntry {
  v: 1;
  /** Chain id: one chain per door and retention period. */
  chain: string;
  seq: number;
  /** Hash of the previous entry of the chain ("" for the first). */
  prev: string;
  door: string;
  /** Device time, RFC 3339 UTC with milliseconds. */
  time: string;
  event: LockEvent;
  /** Keyed pseudonym of the badge (only on `opened`). */
  user?: string;
  /** Event details without personal data (e.g. the gap a `recovered` entry records). */
  detail?: Record<string, string | number>;
  signatures?: SignatureMap;
}

export class EntryError extends ChronosealError {
  constructor(message: string) {
    super("ERR_LOCK_ENTRY", message);
    this.name = "EntryError";
  }
}

/** base64 SHA-256 of the entry's canonical payload (signatures excluded). */
export function entryHash(entry: LockEntry): string {
  const { signatures: _s, ...payload } = entry;
  return toBase64(canonicalHash(payload));
}

/** The keyed pseudonym of a badge under a retention-period key. */
export function pseudonym(periodKey: Uint8Array, badgeId: string): string {
  return createHmac("sha256", periodKey).update(badgeId, "utf8").digest("base64");
}

export function signEntry(entry: LockEntry, secretKey: Uint8Array, signedAt: number): LockEntry {
  return signDocument(entry, { secretKey, context: ENTRY_CONTEXT, signedAt });
}

const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Checks the shape of an entry received from elsewhere; returns a reason or undefined. */
export function entryShapeError(value: unknown): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "entry is not an object";
  const e = value as Record<string, unknown>;
  if (e.v !== 1) return "v must be 1";
  if (typeof e.chain !== "string" || e.chain.length === 0 || e.chain.length > 200)
    return "chain must be a non-empty string";
  if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 0) return "seq must be a non-negative integer";
  if (typeof e.prev !== "string") return "prev must be a string";
  if (typeof e.door !== "string" || e.door.length === 0) return "door must be a non-empty string";
  if (typeof e.time !== "string" || !TIME_RE.test(e.time))
    return "time must be RFC 3339 UTC with milliseconds";
  if (!EVENTS.includes(e.event as LockEvent)) return `event must be one of ${EVENTS.join(", ")}`;
  if (e.user !== undefined && typeof e.user !== "string") return "user must be a string";
  for (const k of Object.keys(e)) {
    if (!["v", "chain", "seq", "prev", "door", "time", "event", "user", "detail", "signatures"].includes(k))
      return `unknown field ${k}`;
  }
  return undefined;
}
