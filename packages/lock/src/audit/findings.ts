// A chain's findings while auditing: per kind, sorted disjoint ranges of sequence numbers (so a
// dropped tail of a million entries is one range, not a million numbers) and a few distinct
// details. Seqs can be withdrawn (an entry declared dropped that turns up late; an "altered"
// entry that is really one side of a fork).
import { type Finding, type FindingKind, INFORMATIONAL } from "./verdict.js";

const MAX_DETAILS = 4;

/**
 * Every kind of finding the auditor can emit, in the order findings are listed. Reports and
 * glossaries take the list from here (hardware-sim's report has a test that each has an entry).
 */
export const FINDING_KINDS: readonly FindingKind[] = [
  "dropped",
  "altered",
  "backdated",
  "reordered",
  "replayed",
  "forked",
  "unproven",
  "unanchored",
  "unwitnessed",
  "clock-skew",
  "missing-final-anchor",
  "anchor-mismatch",
  "bad-anchor",
  "unlinked",
  "unknown-device",
];
const ORDER = FINDING_KINDS;

class RangeSet {
  /** Disjoint, sorted, non-adjacent [from, to] ranges. */
  readonly ranges: [number, number][] = [];

  add(from: number, to: number): void {
    const r = this.ranges;
    const last = r.at(-1);
    if (!last || from > last[1] + 1) {
      r.push([from, to]); // the common case: past the end
      return;
    }
    if (from >= last[0]) {
      last[1] = Math.max(last[1], to);
      return;
    }
    // General case: insert and merge.
    r.push([from, to]);
    r.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const x of r) {
      const m = merged.at(-1);
      if (m && x[0] <= m[1] + 1) m[1] = Math.max(m[1], x[1]);
      else merged.push([x[0], x[1]]);
    }
    r.splice(0, r.length, ...merged);
  }

  remove(seq: number): boolean {
    const r = this.ranges;
    let lo = 0;
    let hi = r.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const x = r[mid]!;
      if (seq < x[0]) hi = mid - 1;
      else if (seq > x[1]) lo = mid + 1;
      else {
        if (x[0] === x[1]) r.splice(mid, 1);
        else if (seq === x[0]) x[0]++;
        else if (seq === x[1]) x[1]--;
        else r.splice(mid, 1, [x[0], seq - 1], [seq + 1, x[1]]);
        return true;
      }
    }
    return false;
  }

  has(seq: number): boolean {
    return this.ranges.some((x) => seq >= x[0] && seq <= x[1]);
  }

  min(): number | undefined {
    return this.ranges[0]?.[0];
  }

  get empty(): boolean {
    return this.ranges.length === 0;
  }
}

export class Findings {
  private readonly byKind = new Map<FindingKind, { set: RangeSet; details: string[]; flag: boolean }>();

  private slot(kind: FindingKind) {
    let f = this.byKind.get(kind);
    if (!f) {
      f = { set: new RangeSet(), details: [], flag: false };
      this.byKind.set(kind, f);
    }
    return f;
  }

  add(kind: FindingKind, from: number, to: number, detail: string): void {
    const f = this.slot(kind);
    f.set.add(from, to);
    if (f.details.length < MAX_DETAILS && !f.details.includes(detail)) f.details.push(detail);
  }

  /** A finding without entries (e.g. a missing final anchor). */
  flag(kind: FindingKind, detail: string): void {
    const f = this.slot(kind);
    f.flag = true;
    if (f.details.length < MAX_DETAILS && !f.details.includes(detail)) f.details.push(detail);
  }

  remove(kind: FindingKind, seq: number): boolean {
    return this.byKind.get(kind)?.set.remove(seq) ?? false;
  }

  has(kind: FindingKind, seq: number): boolean {
    return this.byKind.get(kind)?.set.has(seq) ?? false;
  }

  /** Lowest sequence number named by a non-informational finding. */
  firstProblem(): number | undefined {
    let min: number | undefined;
    for (const [kind, f] of this.byKind) {
      if (INFORMATIONAL.has(kind) || kind === "anchor-mismatch") continue;
      const m = f.set.min();
      if (m !== undefined && (min === undefined || m < min)) min = m;
    }
    return min;
  }

  list(): Finding[] {
    const out: Finding[] = [];
    for (const kind of ORDER) {
      const f = this.byKind.get(kind);
      if (!f) continue;
      if (f.set.empty && !f.flag) continue;
      const seqs: number[] = [];
      for (const [a, b] of f.set.ranges) for (let q = a; q <= b; q++) seqs.push(q);
      out.push({ kind, seqs, ranges: f.set.ranges.map(([a, b]) => [a, b]), detail: f.details.join("; ") });
    }
    return out;
  }
}
