// HTML helpers for the report: escaping (every string from a report is untrusted), numbers,
// clipping and sequence-number ranges.

/** Sequence-number ranges listed in a table cell before "… n more ranges". */
const TABLE_RANGES = 16;

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML content and double- or single-quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function num(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString("en-US") : escapeHtml(n);
}

export function plural(n: number, noun: string): string {
  return `${num(n)} ${noun}${n === 1 ? "" : "s"}`;
}

/** "3–7, 12, 20–1,000", from ranges (or, when absent, from seqs), capped at TABLE_RANGES ranges. */
export function formatRanges(
  ranges: readonly (readonly [number, number])[],
  seqs: readonly number[] = [],
): string {
  let rs = ranges;
  if (rs.length === 0 && seqs.length > 0) {
    const sorted = [...seqs].sort((a, b) => a - b);
    const built: [number, number][] = [];
    for (const s of sorted) {
      const last = built.at(-1);
      if (last && s <= last[1] + 1) last[1] = Math.max(last[1], s);
      else built.push([s, s]);
    }
    rs = built;
  }
  const shown = rs.slice(0, TABLE_RANGES).map(([a, b]) => (a === b ? num(a) : `${num(a)}–${num(b)}`));
  if (rs.length > TABLE_RANGES) {
    const total = rs.reduce((n, [a, b]) => n + (b - a + 1), 0);
    shown.push(`… ${num(rs.length - TABLE_RANGES)} more ranges (${num(total)} seqs in all)`);
  }
  return shown.join(", ");
}
