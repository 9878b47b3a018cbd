// Resolution windows: the time arithmetic of validity. A time belongs to window
// floor(t / W); issuance counts at T when its window is at or before T's window, a revocation
// only when its window is strictly before T's (so an issuance and a revocation in T's own window
// resolve in the issuee's favour). Pure functions of their arguments: no clock is ever read.
import { ChronosealError } from "@chronoseal/core";

export class WindowError extends ChronosealError {
  constructor(message: string) {
    super("ERR_VALIDITY_WINDOW", message);
    this.name = "WindowError";
  }
}

/** Parses a resolution such as `1d`, `6h`, `30m`, `45s`, `250ms` or a number of milliseconds. */
export function parseResolution(value: string | number): number {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new WindowError(`resolution: expected a positive integer of ms, got ${value}`);
    return value;
  }
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(value);
  if (!m) throw new WindowError(`resolution: expected <n>(ms|s|m|h|d|w), got ${JSON.stringify(value)}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as "ms"];
  const ms = Number(m[1]) * unit;
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new WindowError(`resolution: ${value} is out of range`);
  return ms;
}

export function windowOf(t: number, resolution: number): number {
  return Math.floor(t / resolution);
}

/** Issuance at `issuedAt` counts as of `validOn`. */
export function issuanceCounts(issuedAt: number, validOn: number, resolution: number): boolean {
  return windowOf(issuedAt, resolution) <= windowOf(validOn, resolution);
}

/** Revocation at `revokedAt` counts as of `validOn`. */
export function revocationCounts(revokedAt: number, validOn: number, resolution: number): boolean {
  return windowOf(revokedAt, resolution) < windowOf(validOn, resolution);
}
