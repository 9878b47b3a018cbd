// Strict RFC 3339 timestamps. Any fraction of a second is accepted on input and truncated to
// milliseconds (truncation never moves a time later); output is always UTC with exactly three
// fraction digits: 2025-02-18T17:01:27.880Z. Rejected: a missing zone or local time, lowercase
// `t`/`z` or a space separator, impossible dates (Feb 30, hour 24, minute 60), leap seconds
// (second 60: JavaScript time has none), and years outside 0000–9999.
import { ChronosealError } from "../errors.js";

export class TimestampError extends ChronosealError {
  constructor(message: string) {
    super("ERR_TIMESTAMP", message);
    this.name = "TimestampError";
  }
}

const RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function leap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Parses an RFC 3339 timestamp into epoch milliseconds. */
export function parseTimestamp(text: string): number {
  if (typeof text !== "string") throw new TypeError(`timestamp: expected string, got ${typeof text}`);
  const m = RE.exec(text);
  if (!m)
    throw new TimestampError(
      `timestamp ${JSON.stringify(text.slice(0, 40))}: not RFC 3339 (YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM))`,
    );
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12) throw new TimestampError(`timestamp ${text}: month ${mo} does not exist`);
  const dim = mo === 2 && leap(y) ? 29 : DAYS[mo - 1]!;
  if (d < 1 || d > dim)
    throw new TimestampError(`timestamp ${text}: day ${d} does not exist in month ${mo} of ${y}`);
  if (h > 23 || mi > 59) throw new TimestampError(`timestamp ${text}: impossible time of day`);
  if (s > 59) throw new TimestampError(`timestamp ${text}: leap seconds are not supported`);
  let offset = 0;
  if (m[8] !== "Z") {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) throw new TimestampError(`timestamp ${text}: impossible zone offset`);
    offset = (oh * 60 + om) * 60_000 * (m[9] === "-" ? -1 : 1);
  }
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, "0")) : 0;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Date.UTC maps years 0–99 to 1900–1999; fix them up.
  const fixed = y < 100 ? new Date(t).setUTCFullYear(y) : t;
  return fixed - offset;
}

/** Formats epoch milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ`. */
export function formatTimestamp(ms: number): string {
  if (!Number.isSafeInteger(ms)) throw new RangeError(`timestamp: expected integer milliseconds, got ${ms}`);
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) throw new RangeError(`timestamp: year ${y} is outside 0000-9999`);
  return d.toISOString();
}

/** Accepts epoch ms or an RFC 3339 string. */
export function toMillis(t: number | string, what = "time"): number {
  if (typeof t === "number") {
    if (!Number.isSafeInteger(t)) throw new RangeError(`${what}: expected integer milliseconds, got ${t}`);
    return t;
  }
  return parseTimestamp(t);
}
