// Shape checks for the text fields of signed data, in one place: contexts, hashes and public keys
// (canonical padded base64 of 32 bytes), signatures (canonical base64 of 64 bytes) and times
// (RFC 3339 UTC with exactly three fraction digits, a date that exists). "Canonical" means the one
// spelling toBase64 / formatTimestamp write, so two spellings of one value never both pass — two
// keys can never name one signer, two times never make two signed strings for one instant.
// Every package checks these fields with these functions (or the patterns, in JSON Schemas).
import { EncodingError } from "../encoding.js";
import { ChronosealError } from "../errors.js";
import { decodePublicKey } from "../keys/formats.js";

/** Domain errors of the signing rule; `code` is ERR_CONTEXT, ERR_SIGNED_AT, ERR_HASH, ERR_SIGNATURES, ERR_DOCUMENT. */
export class SigningError extends ChronosealError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "SigningError";
  }
}

/** A context: 1–64 characters of `[a-z0-9-]` (JSON Schema `pattern`). */
export const CONTEXT_PATTERN = "^[a-z0-9-]{1,64}$";
/**
 * Canonical padded base64 of exactly 32 bytes — a public key, a payload hash, a commit id (JSON
 * Schema `pattern`): the 43rd character carries two zero bits, so only 16 letters may stand there.
 */
export const BASE64_32_PATTERN = "^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$";
/** Canonical padded base64 of exactly 64 bytes — an Ed25519 signature (JSON Schema `pattern`). */
export const BASE64_64_PATTERN = "^[A-Za-z0-9+/]{85}[AQgw]==$";
/**
 * The canonical time form `YYYY-MM-DDTHH:MM:SS.mmmZ` (JSON Schema `pattern`). The pattern alone
 * admits impossible dates; isCanonicalTime also requires the date and time to exist.
 */
export const CANONICAL_TIME_PATTERN = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$";

const CONTEXT_RE = new RegExp(CONTEXT_PATTERN);
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Per position of `YYYY-MM-DDTHH:MM:SS.mmmZ`: 0 for a digit, else the character code required. */
const TIME_SHAPE = Array.from("0000-00-00T00:00:00.000Z", (c) => (c === "0" ? 0 : c.charCodeAt(0)));

/** True for a valid context (1–64 of `[a-z0-9-]`). */
export function isContext(value: unknown): value is string {
  if (typeof value !== "string") return false;
  // Signatures come in runs of a few contexts (host-record, host-claim, attestation, …).
  if (knownContexts.has(value)) return true;
  if (!CONTEXT_RE.test(value)) return false;
  if (knownContexts.size >= MAX_KNOWN_CONTEXTS) knownContexts.clear(); // bounded whatever comes
  knownContexts.add(value);
  return true;
}
/** Valid contexts seen lately (a memo: holds only strings that passed CONTEXT_RE). */
const knownContexts = new Set<string>();
const MAX_KNOWN_CONTEXTS = 64;

/** Checks a context: TypeError for a non-string, SigningError ERR_CONTEXT for a bad one. */
export function assertContext(context: string): string {
  if (typeof context !== "string") throw new TypeError(`context: expected string, got ${typeof context}`);
  if (!CONTEXT_RE.test(context))
    throw new SigningError(
      "ERR_CONTEXT",
      `context: expected 1-64 of [a-z0-9-], got ${JSON.stringify(context)}`,
    );
  return context;
}

// isHash checks BASE64_32_PATTERN with tables: V8 runs the expression at ~300 ns a string, the
// tables in a third of that, and an audit checks two hashes an entry (a property test holds the
// two equal).
const B64 = new Uint8Array(256);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") B64[c.charCodeAt(0)] = 1;
const B64_LAST = new Uint8Array(256);
for (const c of "AEIMQUYcgkosw048") B64_LAST[c.charCodeAt(0)] = 1;
/** Last character before `==`: 4 bits of it are padding, so only these are canonical. */
const B64_LAST2 = new Uint8Array(256);
for (const c of "AQgw") B64_LAST2[c.charCodeAt(0)] = 1;

/** True when `value` is canonical base64 of 32 bytes (a payload hash, commit id or entry hash). */
export function isHash(value: unknown): value is string {
  if (typeof value !== "string" || value.length !== 44 || value.charCodeAt(43) !== 61 /* = */) return false;
  const last = value.charCodeAt(42);
  let bad = (B64_LAST[last & 255]! ^ 1) | (last >> 8);
  for (let i = 0; i < 42; i++) {
    const c = value.charCodeAt(i);
    bad |= (B64[c & 255]! ^ 1) | (c >> 8);
  }
  return bad === 0;
}

/** True when `value` is a public key in the one form signed data uses: canonical base64 of 32 bytes. */
export function isPublicKeyBase64(value: unknown): value is string {
  return isHash(value);
}

/** True when `value` is canonical base64 of 64 bytes (an Ed25519 signature). */
export function isSignatureBase64(value: unknown): value is string {
  // BASE64_64_PATTERN by tables, as isHash (every verified signature is checked with this).
  if (typeof value !== "string" || value.length !== 88) return false;
  if (value.charCodeAt(86) !== 61 || value.charCodeAt(87) !== 61 /* == */) return false;
  const last = value.charCodeAt(85);
  let bad = (B64_LAST2[last & 255]! ^ 1) | (last >> 8);
  for (let i = 0; i < 85; i++) {
    const c = value.charCodeAt(i);
    bad |= (B64[c & 255]! ^ 1) | (c >> 8);
  }
  return bad === 0;
}

/**
 * True when `value` is a time in the one canonical form, `YYYY-MM-DDTHH:MM:SS.mmmZ`, naming an
 * instant that exists (month 1–12, a day of that month, hour ≤ 23, minute and second ≤ 59).
 */
export function isCanonicalTime(value: unknown): boolean {
  // Every signed entry is checked with this: character codes only, no RegExp and no Date.
  if (typeof value !== "string" || value.length !== 24) return false;
  let bad = 0;
  for (let i = 0; i < 24; i++) {
    const c = value.charCodeAt(i);
    const want = TIME_SHAPE[i]!;
    bad |= want === 0 ? ((c - 48) >>> 0 > 9 ? 1 : 0) : c ^ want;
  }
  if (bad !== 0) return false;
  const y = two(value, 0) * 100 + two(value, 2);
  const mo = two(value, 5);
  const d = two(value, 8);
  if (mo < 1 || mo > 12 || d < 1 || two(value, 11) > 23 || two(value, 14) > 59 || two(value, 17) > 59)
    return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 && leap ? 29 : DAYS[mo - 1]!);
}

/** The two digits of `v` at `at` as a number (module-level: no closure per call). */
function two(v: string, at: number): number {
  return (v.charCodeAt(at) - 48) * 10 + v.charCodeAt(at + 1) - 48;
}

// canonicalTimeMillis remembers the last date it converted: signatures come in long runs of one day.
let lastDate = "";
let lastDateMillis = 0;

/** Epoch ms of a canonical time (see isCanonicalTime), or undefined when it is not one. */
export function canonicalTimeMillis(value: unknown): number | undefined {
  if (!isCanonicalTime(value)) return undefined;
  const v = value as string;
  const time =
    two(v, 11) * 3_600_000 +
    two(v, 14) * 60_000 +
    two(v, 17) * 1000 +
    two(v, 20) * 10 +
    v.charCodeAt(22) -
    48;
  if (lastDate !== "" && v.startsWith(lastDate)) return lastDateMillis + time;
  const y = two(v, 0) * 100 + two(v, 2);
  const mo = two(v, 5);
  const d = two(v, 8);
  // Date.UTC reads years 0–99 as 1900–1999; setUTCFullYear does not.
  const midnight = y < 100 ? new Date(Date.UTC(2000, mo - 1, d)).setUTCFullYear(y) : Date.UTC(y, mo - 1, d);
  lastDate = v.slice(0, 10);
  lastDateMillis = midnight;
  return midnight + time;
}

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/** Asserts a payload hash: TypeError for a non-string, SigningError ERR_HASH otherwise. */
export function assertHash(value: unknown, what = "hash"): string {
  if (typeof value !== "string")
    throw new TypeError(`${what}: expected base64 string, got ${describe(value)}`);
  if (!isHash(value)) throw new SigningError("ERR_HASH", `${what}: expected canonical base64 of 32 bytes`);
  return value;
}

/** Asserts a public key in canonical base64: TypeError for a non-string, EncodingError otherwise. */
export function assertPublicKeyBase64(value: unknown, what = "public key"): string {
  if (typeof value !== "string")
    throw new TypeError(`${what}: expected base64 string, got ${describe(value)}`);
  const text: string = value;
  if (!isHash(text as unknown))
    throw new EncodingError(
      `${what}: expected canonical base64 of 32 bytes, got ${JSON.stringify(text.slice(0, 60))}`,
    );
  return text;
}

/**
 * A public key in any accepted format (raw 32 bytes, base64, `ssh-ed25519 AAAA…`, SPKI PEM) as
 * the canonical base64 that signature maps, trusted lists and settings use. Throws what
 * decodePublicKey throws (KeyFormatError ERR_KEY_FORMAT, TypeError).
 */
export function canonicalPublicKey(input: string | Uint8Array): string {
  const raw = decodePublicKey(input);
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("base64");
}
