// Times and resolution windows. An event's time is an Instant: epoch milliseconds plus the
// microseconds KERI datetimes carry (keripy writes 2022-06-21T13:46:09.308721+00:00), kept
// apart so that no precision is lost in any year. A time belongs to window floor(ms / W)
// (W in ms, so the sub-millisecond part never changes a window); an issuance counts at T when
// its window is at or before T's, a revocation only when its window is strictly before T's.
// Pure functions of their arguments: no clock is ever read.
import { parseTimestamp, TimestampError } from "@chronoseal/core";
import { describeValue, FieldError, WindowError } from "./errors.js";

export interface Instant {
  /** Epoch milliseconds (UTC). */
  readonly ms: number;
  /** Microseconds within the millisecond, 0..999. */
  readonly us: number;
}

const FRACTION = /\.(\d+)/;

/** Parses a strict RFC 3339 datetime (core's rules) keeping microseconds. */
export function parseInstant(value: unknown, path: string): Instant {
  if (typeof value !== "string")
    throw new FieldError(path, `expected an RFC 3339 datetime string, got ${describeValue(value)}`);
  let ms: number;
  try {
    ms = parseTimestamp(value);
  } catch (e) {
    if (e instanceof TimestampError) throw new FieldError(path, e.message);
    throw e;
  }
  const frac = FRACTION.exec(value)?.[1] ?? "";
  const us = Number(frac.slice(3, 6).padEnd(3, "0"));
  return { ms, us };
}

/** -1, 0 or 1 as `a` is before, equal to or after `b`. */
export function compareInstants(a: Instant, b: Instant): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  return a.us === b.us ? 0 : a.us < b.us ? -1 : 1;
}

/** RFC 3339 UTC with microseconds, e.g. 2022-06-21T13:46:09.308721Z. */
export function formatInstant(t: Instant): string {
  return `${new Date(t.ms).toISOString().slice(0, -1)}${String(t.us).padStart(3, "0")}Z`;
}

export const DAY_MS = 86_400_000;

/** Parses a resolution such as `1d`, `6h`, `30m`, `45s`, `250ms`, `2w`, or a number of ms. */
export function parseResolution(value: unknown): number {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new WindowError(`resolution: expected a positive integer number of ms, got ${value}`);
    return value;
  }
  if (typeof value !== "string")
    throw new TypeError(
      `resolution: expected a string like "1d" or a number of ms, got ${describeValue(value)}`,
    );
  const m = /^([1-9]\d{0,15})(ms|s|m|h|d|w)$/.exec(value);
  if (!m) throw new WindowError(`resolution: expected <n>(ms|s|m|h|d|w), got ${JSON.stringify(value)}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS }[m[2] as "ms"];
  const ms = Number(m[1]) * unit;
  if (!Number.isSafeInteger(ms)) throw new WindowError(`resolution: ${value} is out of range`);
  return ms;
}

/** validOn as an Instant: epoch ms (a safe integer) or an RFC 3339 string. */
export function parseValidOn(value: unknown): Instant {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value))
      throw new WindowError(`validOn: expected integer epoch milliseconds, got ${value}`);
    return { ms: value, us: 0 };
  }
  if (typeof value !== "string")
    throw new TypeError(`validOn: expected an RFC 3339 string or epoch ms, got ${describeValue(value)}`);
  try {
    return parseInstant(value, "validOn");
  } catch (e) {
    if (e instanceof FieldError) throw new WindowError(e.message);
    throw e;
  }
}

export function windowOf(t: Instant, resolution: number): number {
  return Math.floor(t.ms / resolution);
}

/** An issuance at `issued` counts as of `validOn`. */
export function issuanceCounts(issued: Instant, validOn: Instant, resolution: number): boolean {
  return windowOf(issued, resolution) <= windowOf(validOn, resolution);
}

/** A revocation at `revoked` counts as of `validOn`. */
export function revocationCounts(revoked: Instant, validOn: Instant, resolution: number): boolean {
  return windowOf(revoked, resolution) < windowOf(validOn, resolution);
}

/** `t` moved later by `ms` (grace periods); a RangeError if it leaves the safe range. */
export function addMillis(t: Instant, ms: number): Instant {
  const sum = t.ms + ms;
  if (!Number.isSafeInteger(sum)) throw new RangeError(`time ${t.ms} + ${ms} ms is out of range`);
  return { ms: sum, us: t.us };
}
