// A door's timeline as inline SVG over the report period: verified and recovered events become
// one density path each (a tick per 2 px bucket); tampered and missing events, and faults, become
// at most MAX_MARKS titled marks per door, clustering neighbours ever more coarsely until they fit,
// so 100 doors × a week of events stays a few megabytes. The marks' titles are extra detail; the
// page lists faults, tampering and findings as text too.
import { clip, escapeHtml, num } from "./html.js";
import type { DoorReport, FleetReport, TimelineEvent } from "./report.js";

type Status = TimelineEvent["status"];

/** Plot width in SVG units, margin either side for axis labels, bucket width for density ticks. */
export const W = 960;
export const PAD = 24;
export const BUCKET = 2;
/** At most this many titled marks per door for each of tampered, missing and faults. */
const MAX_MARKS = 40;
/** Lines listed in a mark's tooltip before "… n more". */
const TITLE_LINES = 4;
const TITLE_DETAIL = 120;

export interface Scale {
  t0: number;
  t1: number;
  x(t: number): number;
}

export function scaleFor(report: FleetReport): Scale {
  let t0 = Date.parse(report.from);
  let t1 = Date.parse(report.to);
  if (!(Number.isFinite(t0) && Number.isFinite(t1) && t1 > t0)) {
    // An unusable period: fall back to the events' own span.
    t0 = Number.POSITIVE_INFINITY;
    t1 = Number.NEGATIVE_INFINITY;
    for (const d of report.doors)
      for (const e of d.events) {
        const t = Date.parse(e.time);
        if (Number.isFinite(t)) [t0, t1] = [Math.min(t0, t), Math.max(t1, t)];
      }
    if (!Number.isFinite(t0)) [t0, t1] = [0, 1];
    else if (t1 === t0) [t0, t1] = [t0 - 3_600_000, t1 + 3_600_000]; // one instant: an hour either side
  }
  const span = t1 - t0;
  return { t0, t1, x: (t) => PAD + (Math.min(Math.max(t, t0), t1) - t0) * (W / span) };
}

/** Something drawn as a titled mark; its tooltip line is only built if the tooltip lists it. */
interface Point<T> {
  x: number;
  t: number;
  item: T;
}

interface Mark<T> {
  x0: number;
  x1: number;
  items: Point<T>[];
}

/** Groups points into at most MAX_MARKS clusters along x, widening the join gap until they fit. */
function cluster<T>(points: Point<T>[]): Mark<T>[] {
  points.sort((a, b) => a.x - b.x);
  for (let gap = 3; ; gap *= 2) {
    const marks: Mark<T>[] = [];
    for (const p of points) {
      const last = marks.at(-1);
      if (last && p.x - last.x1 <= gap) {
        last.x1 = p.x;
        last.items.push(p);
      } else marks.push({ x0: p.x, x1: p.x, items: [p] });
    }
    if (marks.length <= MAX_MARKS) return marks;
  }
}

function iso(t: number): string {
  return Number.isFinite(t) ? new Date(t).toISOString() : "?";
}

function markTitle<T>(m: Mark<T>, noun: string, line: (item: T) => string): string {
  const n = m.items.length;
  const head =
    n === 1
      ? `${noun}, ${iso(m.items[0]!.t)}`
      : `${n.toLocaleString("en-US")} ${noun}, ${iso(m.items[0]!.t)} – ${iso(m.items.at(-1)!.t)}`;
  const lines = m.items.slice(0, TITLE_LINES).map((p) => line(p.item));
  if (n > TITLE_LINES) lines.push(`… ${(n - TITLE_LINES).toLocaleString("en-US")} more`);
  return escapeHtml([head, ...lines].join("\n"));
}

function eventLine(e: TimelineEvent): string {
  const parts = [e.seq === undefined ? "no seq" : `seq ${e.seq}`];
  if (e.chain !== undefined) parts.push(`chain ${e.chain}`);
  parts.push(e.kind ?? e.status, e.event);
  return clip(`${parts.join(" · ")}${e.detail ? ` — ${e.detail}` : ""}`, TITLE_DETAIL);
}

function faultLine(f: DoorReport["faults"][number]): string {
  return clip(`${f.kind} at ${f.time}${f.detail ? ` — ${f.detail}` : ""}`, TITLE_DETAIL);
}

const NB = W / BUCKET;
const BASE = 40;
const TICK_MAX = 32;

function densityPath(counts: Uint32Array, max: number): string {
  let d = "";
  for (let b = 0; b < NB; b++) {
    const c = counts[b]!;
    if (c === 0) continue;
    const h = Math.max(4, Math.round(TICK_MAX * Math.sqrt(c / max)));
    d += `M${PAD + b * BUCKET + 1} ${BASE}v-${h}`;
  }
  return d;
}

function axis(s: Scale): string {
  const span = s.t1 - s.t0;
  const HOUR = 3_600_000;
  const step = [1, 2, 3, 6, 12, 24, 48, 168, 336, 720, 2160, 8760]
    .map((h) => h * HOUR)
    .find((st) => span / st <= 10);
  const parts = [`<path class="ax" d="M${PAD} ${BASE + 0.5}h${W}"/>`];
  if (step === undefined) return parts.join("");
  for (let t = Math.ceil(s.t0 / step) * step; t <= s.t1; t += step) {
    const x = s.x(t);
    // Labels at the plot's edges are anchored inwards so they are not clipped.
    const anchor = x - PAD < 30 ? ` class="s"` : PAD + W - x < 30 ? ` class="e"` : "";
    const label = step >= 24 * HOUR ? iso(t).slice(5, 10) : `${iso(t).slice(5, 10)} ${iso(t).slice(11, 16)}`;
    parts.push(
      `<path class="grid" d="M${x.toFixed(1)} 4V${BASE + 16}"/><text x="${x.toFixed(1)}" y="${BASE + 30}"${anchor}>${label}</text>`,
    );
  }
  return parts.join("");
}

export function timeline(
  door: DoorReport,
  s: Scale,
): { svg: string; counts: Record<Status, number>; notes: string[] } {
  const counts: Record<Status, number> = { verified: 0, tampered: 0, missing: 0, recovered: 0 };
  const dens = { verified: new Uint32Array(NB), recovered: new Uint32Array(NB) };
  const hot: Record<"tampered" | "missing", Point<TimelineEvent>[]> = {
    tampered: [],
    missing: [],
  };
  let unreadable = 0;
  let unreadableFaults = 0;
  let outside = 0;
  for (const e of door.events) {
    const status: Status = Object.hasOwn(counts, e.status) ? e.status : "tampered"; // an unknown status is not "fine"
    counts[status]++;
    const t = Date.parse(e.time);
    if (!Number.isFinite(t)) {
      unreadable++;
      continue;
    }
    if (t < s.t0 || t > s.t1) outside++;
    const x = s.x(t);
    if (status === "verified" || status === "recovered") {
      dens[status][Math.min(NB - 1, Math.floor((x - PAD) / BUCKET))]!++;
    } else hot[status].push({ x, t, item: e });
  }
  const max = Math.max(1, ...dens.verified, ...dens.recovered);
  const out: string[] = [axis(s)];
  for (const st of ["verified", "recovered"] as const) {
    const d = densityPath(dens[st], max);
    if (d) out.push(`<path class="${st}" d="${d}"><title>${num(counts[st])} ${st} events</title></path>`);
  }
  for (const st of ["missing", "tampered"] as const) {
    for (const m of cluster(hot[st])) {
      const x = (m.x0 - 1.5).toFixed(1);
      const w = (m.x1 - m.x0 + 3).toFixed(1);
      out.push(
        `<rect class="${st}" x="${x}" y="2" width="${w}" height="${BASE - 2}"><title>${markTitle(m, `${st} events`, eventLine)}</title></rect>`,
      );
    }
  }
  const faultPoints = door.faults.map((f) => {
    const t = Date.parse(f.time);
    if (!Number.isFinite(t)) unreadableFaults++;
    return { x: Number.isFinite(t) ? s.x(t) : PAD, t, item: f };
  });
  for (const m of cluster(faultPoints)) {
    const x = (m.x0 - 2).toFixed(1);
    const w = (m.x1 - m.x0 + 4).toFixed(1);
    out.push(
      `<rect class="fault" x="${x}" y="${BASE + 3}" width="${w}" height="7"><title>${markTitle(m, "faults", faultLine)}</title></rect>`,
    );
  }
  const notes: string[] = [];
  if (unreadable > 0) notes.push(`${num(unreadable)} events with an unreadable time are not drawn.`);
  if (unreadableFaults > 0)
    notes.push(`${num(unreadableFaults)} faults with an unreadable time are drawn at the start.`);
  if (outside > 0)
    notes.push(`${num(outside)} events fall outside the report period and are drawn at its edge.`);
  const label = `Timeline of ${escapeHtml(door.door)}: ${(
    ["verified", "recovered", "missing", "tampered"] as const
  )
    .map((st) => `${num(counts[st])} ${st}`)
    .join(", ")} events, ${num(door.faults.length)} faults (listed below)`;
  const svg = `<svg class="tl" viewBox="0 0 ${W + 2 * PAD} ${BASE + 36}" role="img" aria-label="${label}">${out.join("")}</svg>`;
  return { svg, counts, notes };
}
