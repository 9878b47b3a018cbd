// Lock log entries: one JSON document per event, hash-chained per chain and signed by the
// device key (context `lock-entry`). A chain is one door and one retention period
// (`<door>/<period>`); `prev` is the hash of the previous entry ("" for seq 0). The user appears
// only as a keyed pseudonym (see pseudonym.ts), never as the raw badge id.
import { ChronosealError, isCanonicalTime, isHash, type SignatureMap, signHash } from "@chronoseal/core";
import { entryHash } from "./entry-hash.js";

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

export type Detail = Record<string, string | number>;

export interface LockEntry {
  v: 1;
  /** Chain id: `<door>/<period>`, one chain per door and retention period. */
  chain: string;
  seq: number;
  /** base64 hash of the previous entry of the chain ("" for seq 0). */
  prev: string;
  /** Door serial. */
  door: string;
  /** Device time, RFC 3339 UTC with milliseconds. */
  time: string;
  event: LockEvent;
  /** Keyed pseudonym of the badge (base64 HMAC-SHA-256; only on badge openings). */
  user?: string;
  /** Event details without personal data (the gap a `recovered` entry records, …). */
  detail?: Detail;
  signatures?: SignatureMap;
}

export class EntryError extends ChronosealError {
  constructor(message: string) {
    super("ERR_LOCK_ENTRY", message);
    this.name = "EntryError";
  }
}

/** Door serials and period labels: safe in URLs, file names and checkpoint origins. */
export const NAME_RE = /^[A-Za-z0-9._:-]{1,64}$/;
const DETAIL_KEY_RE = /^[A-Za-z][A-Za-z0-9]{0,31}$/;
const EVENT_SET = new Set<string>(EVENTS);
const MAX_DETAIL_KEYS = 16;
const MAX_DETAIL_STRING = 200;

/** The chain id of a door and period. */
export function chainId(door: string, period: string): string {
  if (!NAME_RE.test(door))
    throw new EntryError(`door: expected 1-64 of [A-Za-z0-9._:-], got ${JSON.stringify(door)}`);
  if (!NAME_RE.test(period))
    throw new EntryError(`period: expected 1-64 of [A-Za-z0-9._:-], got ${JSON.stringify(period)}`);
  return `${door}/${period}`;
}

function detailError(d: unknown): string | undefined {
  if (d === null || typeof d !== "object" || Array.isArray(d)) return "detail must be an object";
  const keys = Object.keys(d);
  if (keys.length > MAX_DETAIL_KEYS) return `detail has more than ${MAX_DETAIL_KEYS} fields`;
  for (const k of keys) {
    if (!DETAIL_KEY_RE.test(k))
      return `detail key ${JSON.stringify(k.slice(0, 40))} is not [A-Za-z][A-Za-z0-9]{0,31}`;
    const v = (d as Record<string, unknown>)[k];
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return `detail.${k} must be a finite number`;
    } else if (typeof v === "string") {
      if (v.length > MAX_DETAIL_STRING) return `detail.${k} is longer than ${MAX_DETAIL_STRING} characters`;
      if (/[\ud800-\udfff]/.test(v)) return `detail.${k} contains a surrogate`;
    } else return `detail.${k} must be a string or a number`;
  }
  return undefined;
}

/**
 * Checks the shape of an entry received from elsewhere (signatures are checked separately);
 * returns the reason it is malformed, or undefined.
 */
// The last door, chain and user found well-formed: a log holds long runs of each. They start as
// a value no entry field can equal, so nothing ("" or a missing field) skips the checks before a
// value has passed them.
const NONE: unique symbol = Symbol("none");
let goodDoor: string | typeof NONE = NONE;
let goodChain: string | typeof NONE = NONE;
let goodUser: string | typeof NONE = NONE;

export function entryShapeError(value: unknown): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "entry is not an object";
  const e = value as Record<string, unknown>;
  let fields = 0;
  for (const k in e) {
    // The fields of LockEntry. A switch, not a Set: every entry an audit reads passes here, and
    // this is 2–3× faster.
    switch (k) {
      case "v":
      case "chain":
      case "seq":
      case "prev":
      case "door":
      case "time":
      case "event":
      case "user":
      case "detail":
      case "signatures":
        fields++;
        break;
      default:
        return `unknown field ${JSON.stringify(k.slice(0, 40))}`;
    }
  }
  if (e.v !== 1) return "v must be 1";
  const door = e.door;
  const chain = e.chain;
  if (door !== goodDoor || chain !== goodChain) {
    if (typeof door !== "string" || !NAME_RE.test(door)) return "door must be 1-64 of [A-Za-z0-9._:-]";
    if (
      typeof chain !== "string" ||
      chain.length <= door.length + 1 ||
      chain.charCodeAt(door.length) !== 47 /* / */ ||
      !chain.startsWith(door) ||
      !NAME_RE.test(chain.slice(door.length + 1))
    )
      return "chain must be <door>/<period>";
    goodDoor = door;
    goodChain = chain;
  }
  const seq = e.seq;
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0)
    return "seq must be a non-negative integer";
  const prev = e.prev;
  if (typeof prev !== "string") return "prev must be a string";
  if (seq === 0 ? prev !== "" : !isHash(prev))
    return seq === 0 ? "prev must be empty at seq 0" : "prev must be a base64 SHA-256 hash";
  const time = e.time;
  if (!isCanonicalTime(time)) return "time must be RFC 3339 UTC with milliseconds (YYYY-MM-DDTHH:MM:SS.mmmZ)";
  if (typeof e.event !== "string" || !EVENT_SET.has(e.event))
    return `event must be one of ${EVENTS.join(", ")}`;
  if (fields === 7) return undefined; // no user, detail or signatures
  const user = e.user;
  if (user !== undefined && user !== goodUser) {
    if (!isHash(user)) return "user must be a base64 pseudonym";
    goodUser = user; // badges come back: the same pseudonym recurs
  }
  if (e.signatures !== undefined && (e.signatures === null || typeof e.signatures !== "object"))
    return "signatures must be an object";
  if (e.detail !== undefined) return detailError(e.detail);
  return undefined;
}

/** Signs an entry body with the device key; returns the entry and its hash. */
export function signEntry(
  body: LockEntry,
  secretKey: Uint8Array,
  signedAt: number,
): LockEntry & { signatures: SignatureMap } {
  const hash = entryHash(body);
  const [key, sig] = signHash(hash, { secretKey, context: ENTRY_CONTEXT, signedAt });
  const { signatures: _old, ...payload } = body;
  return { ...payload, signatures: { [key]: sig } };
}
