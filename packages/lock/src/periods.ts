// Retention periods: how device time maps to the label of the chain an entry belongs to. A chain
// is rotated when the label changes; entries and pseudonym keys of periods past retention are
// deleted. Labels sort in time order.

export interface RetentionPeriods {
  /** The period label for a device time (epoch ms). */
  of(ms: number): string;
  /** The first instant (epoch ms) after `ms` that belongs to a later period. */
  next(ms: number): number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Calendar months in UTC: `2025-01`. */
export const monthly: RetentionPeriods = {
  of(ms) {
    const d = new Date(ms);
    return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}`;
  },
  next(ms) {
    const d = new Date(ms);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  },
};

/** UTC days: `2025-01-06`. */
export const daily: RetentionPeriods = {
  of(ms) {
    const d = new Date(ms);
    return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  },
  next(ms) {
    return (Math.floor(ms / 86_400_000) + 1) * 86_400_000;
  },
};

/** Fixed-length periods of `ms` milliseconds since the epoch, labelled `p<index>` (tests, simulations). */
export function everyMs(ms: number): RetentionPeriods {
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new RangeError(`period length: expected ms > 0, got ${ms}`);
  const width = 12;
  return {
    of: (t) => `p${pad(Math.floor(t / ms), width)}`,
    next: (t) => (Math.floor(t / ms) + 1) * ms,
  };
}
