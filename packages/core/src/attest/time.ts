// Strict RFC 3339 timestamps, the only time format in signed data.
// In: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`; any number of fraction digits, truncated to
// milliseconds (truncation never moves a time later); offsets normalized to UTC.
// Rejected: no zone (local time), lowercase `t`/`z`, a space or other separator, impossible dates
// (Feb 30, Feb 29 of a common year, month 13), hour 24, minute 60, leap seconds (second 60 —
// JavaScript time has none, and a verifier cannot order them), offsets beyond ±23:59, and instants
// outside 0000-01-01T00:00:00.000Z … 9999-12-31T23:59:59.999Z after normalization.
// Out: always `YYYY-MM-DDTHH:MM:SS.mmmZ`.
import { ChronosealError } from "../errors.js";

export class TimestampError extends ChronosealError {
  constructor(message: string) {
    super("ERR_TIMESTAMP", message);
    this.name = "TimestampError";
  }
}

/** First and last representable instants (epoch ms): years 0000 to 9999, UTC. */
export const MIN_TIME = -62_167_219_200_000;
export const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:Z|([+-])(\d{2}):(\d{2}))$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function fail(text: string, why: string): never {
  throw new TimestampError(`timestamp ${JSON.stringify(text.slice(0, 64))}: ${why}`);
}

/** Parses a strict RFC 3339 timestamp into epoch milliseconds (see the header for the rules). */
export function parseTimestamp(text: string): number {
  if (typeof text !== "string") throw new TypeError(`timestamp: expected string, got ${typeof text}`);
  const m = RE.exec(text);
  if (!m) fail(text, "not RFC 3339 (YYYY-MM-DDTHH:MM:SS[.frac] then Z or ±HH:MM)");
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = Number(m[6]);
  if (mo < 1 || mo > 12) fail(text, `month ${mo} does not exist`);
  const dim = mo === 2 && isLeap(y) ? 29 : DAYS[mo - 1]!;
  if (d < 1 || d > dim) fail(text, `day ${d} does not exist in ${m[1]}-${m[2]}`);
  if (h > 23) fail(text, `hour ${h} does not exist`);
  if (mi > 59) fail(text, `minute ${mi} does not exist`);
  if (s === 60) fail(text, "leap seconds are not supported");
  if (s > 59) fail(text, `second ${s} does not exist`);
  let offset = 0;
  if (m[8] !== undefined) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) fail(text, "impossible zone offset");
    offset = (oh * 60 + om) * 60_000 * (m[8] === "-" ? -1 : 1);
  }
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, "0"));
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, s, ms));
  const t = date.setUTCFullYear(y) - offset;
  if (t < MIN_TIME || t > MAX_TIME) fail(text, "outside years 0000-9999 once normalized to UTC");
  return t;
}

/** Formats epoch milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ`. */
export function formatTimestamp(ms: number): string {
  if (typeof ms !== "number") throw new TypeError(`timestamp: expected number, got ${typeof ms}`);
  if (!Number.isSafeInteger(ms) || ms < MIN_TIME || ms > MAX_TIME)
    throw new RangeError(`timestamp: expected integer milliseconds within years 0000-9999, got ${ms}`);
  return new Date(ms).toISOString();
}

/** Epoch ms from epoch ms (checked) or an RFC 3339 string (parsed); `what` names the field. */
export function toMillis(t: number | string, what = "time"): number {
  if (typeof t === "number") {
    if (!Number.isSafeInteger(t)) throw new RangeError(`${what}: expected integer milliseconds, got ${t}`);
    return t;
  }
  if (typeof t !== "string")
    throw new TypeError(`${what}: expected epoch ms or RFC 3339 string, got ${typeof t}`);
  return parseTimestamp(t);
}
