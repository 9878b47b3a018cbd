// The fleet report as one self-contained HTML page: a summary header, then per door a verified /
// TAMPERED badge, an SVG timeline over the report period and the auditor's findings as a table.
// Inline CSS and SVG only (a CSP meta forbids scripts and every fetch), so the file can be mailed
// or archived and opened offline. Every string from the report comes from untrusted logs and is
// escaped. Timelines are aggregated so that 100 doors × a week of events stays a few megabytes:
// verified and recovered events become one density path per door (a tick per 2 px bucket);
// tampered and missing events, and faults, become at most MAX_MARKS titled marks per door,
// clustering neighbours ever more coarsely until they fit.

import type { DoorReport, FleetReport, TimelineEvent } from "./report.js";

type Status = TimelineEvent["status"];

/** Plot width in SVG units, margin either side for axis labels, bucket width for density ticks. */
const W = 960;
const PAD = 24;
const BUCKET = 2;
/** At most this many titled marks per door for each of tampered, missing and faults. */
const MAX_MARKS = 40;
/** Lines listed in a mark's tooltip before "… n more". */
const TITLE_LINES = 4;
const TITLE_DETAIL = 120;
const TABLE_DETAIL = 600;
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

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function num(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString("en-US") : escapeHtml(n);
}

function plural(n: number, noun: string): string {
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

interface Scale {
  t0: number;
  t1: number;
  x(t: number): number;
}

function scaleFor(report: FleetReport): Scale {
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

function timeline(
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
  const svg = `<svg class="tl" viewBox="0 0 ${W + 2 * PAD} ${BASE + 36}" role="img" aria-label="timeline">${out.join("")}</svg>`;
  return { svg, counts, notes };
}

/** Only `verified: true` counts: the JSON is untrusted and a truthy string is no verdict. */
function isVerified(door: DoorReport): boolean {
  return door.verified === true;
}

function doorSection(door: DoorReport, index: number, s: Scale): string {
  const { svg, counts, notes } = timeline(door, s);
  const name = escapeHtml(door.door);
  const ok = isVerified(door);
  const badge = ok ? `<span class="badge ok">verified</span>` : `<span class="badge bad">TAMPERED</span>`;
  const chains =
    door.chains.slice(0, 6).map(escapeHtml).join(", ") +
    (door.chains.length > 6 ? `, … ${door.chains.length - 6} more` : "");
  const stats = (["verified", "tampered", "missing", "recovered"] as const)
    .map((st) => `${num(counts[st])} ${st}`)
    .join(", ");
  const rows = door.findings
    .map(
      (f) =>
        `<tr><td>${escapeHtml(f.kind)}</td><td>${escapeHtml(f.chain)}</td><td>${formatRanges(f.ranges, f.seqs)}</td><td>${escapeHtml(clip(f.detail, TABLE_DETAIL))}</td></tr>`,
    )
    .join("");
  const findings = rows
    ? `<table><thead><tr><th>kind</th><th>chain</th><th>seqs</th><th>detail</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p class="none">No findings.</p>`;
  return `<section class="door ${ok ? "ok" : "bad"}" id="door-${index}" data-door="${name}" data-verified="${ok}">
<h2>${badge} <span class="name">${name}</span></h2>
<p class="meta">${num(door.events.length)} events: ${stats} · ${plural(door.faults.length, "fault")} · chains: ${chains || "none"}</p>
${svg}
${notes.map((n) => `<p class="note">${n}</p>`).join("")}
${findings}
</section>`;
}

function header(r: FleetReport): string {
  const sm = r.summary;
  const stat = (key: string, value: number, label: string) =>
    `<div class="stat" data-stat="${key}"><b>${num(value)}</b><span>${label}</span></div>`;
  const kinds = Object.entries(sm.findings)
    .map(([k, n]) => `<tr data-kind="${escapeHtml(k)}"><td>${escapeHtml(k)}</td><td>${num(n)}</td></tr>`)
    .join("");
  const warnings: string[] = [];
  const verified = r.doors.filter(isVerified).length;
  if (sm.doors !== r.doors.length)
    warnings.push(`the summary counts ${num(sm.doors)} doors; ${num(r.doors.length)} are listed`);
  if (sm.verified !== verified || sm.tampered !== r.doors.length - verified)
    warnings.push(
      `the summary counts ${num(sm.verified)} verified and ${num(sm.tampered)} tampered doors; the sections show ${num(verified)} and ${num(r.doors.length - verified)}`,
    );
  const index = r.doors
    .map((d, i) => `<a class="${isVerified(d) ? "ok" : "bad"}" href="#door-${i}">${escapeHtml(d.door)}</a>`)
    .join(" ");
  return `<header>
<h1>${escapeHtml(r.title)}</h1>
<p class="meta">seed ${escapeHtml(r.seed)} · ${num(r.locks)} locks · ${num(r.days)} days · period ${escapeHtml(r.from)} → ${escapeHtml(r.to)} · generated ${escapeHtml(r.generatedAt)}${sm.wallMs === undefined ? "" : ` in ${num(Math.round(sm.wallMs))} ms`}</p>
<div class="stats">${stat("doors", sm.doors, "doors audited")}${stat("verified", sm.verified, "doors verified")}${stat("tampered", sm.tampered, "doors tampered")}${stat("physicalEvents", sm.physicalEvents, "physical events")}${stat("reconstructed", sm.reconstructed, "reconstructed")}${stat("missing", sm.missing, "missing")}</div>
${warnings.map((w) => `<p class="warn">Inconsistent report: ${w}.</p>`).join("")}
${kinds ? `<table class="kinds"><thead><tr><th>finding</th><th>count</th></tr></thead><tbody>${kinds}</tbody></table>` : `<p class="none">No findings.</p>`}
<p class="legend"><i class="verified"></i>verified <i class="recovered"></i>recovered <i class="missing"></i>missing <i class="tampered"></i>tampered <i class="fault"></i>fault · hover a mark for seq, kind and detail · <label><input type="checkbox" id="only-bad"> only tampered doors</label></p>
<nav>${index}</nav>
</header>`;
}

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;padding:0 1.5rem 2rem;color:#1d2330;background:#fafbfc}
h1{margin:1rem 0 .25rem;font-size:1.5rem}h2{font-size:1.05rem;margin:0 0 .25rem;display:flex;gap:.5rem;align-items:center}
.meta{color:#556;margin:.2rem 0}.note{color:#8a5a00;margin:.2rem 0;font-size:.85rem}.none{color:#667}
.warn{background:#fff3cd;border:1px solid #e0b800;padding:.4rem .6rem}
.stats{display:flex;flex-wrap:wrap;gap:.5rem;margin:.6rem 0}
.stat{background:#fff;border:1px solid #dde;border-radius:6px;padding:.4rem .8rem;min-width:7rem}
.stat b{display:block;font-size:1.3rem}.stat span{color:#556;font-size:.85rem}
.stat[data-stat=tampered] b{color:#c0192c}.stat[data-stat=missing] b{color:#d26a00}
table{border-collapse:collapse;margin:.4rem 0;font-size:.85rem}
td,th{border:1px solid #dde;padding:.2rem .5rem;text-align:left;vertical-align:top}th{background:#eef0f4}
td{overflow-wrap:anywhere;max-width:40rem}
nav{display:flex;flex-wrap:wrap;gap:.3rem;margin:.6rem 0}
nav a{padding:.1rem .45rem;border-radius:4px;text-decoration:none;font-size:.8rem;border:1px solid #cfd6df;color:#1d2330}
nav a.bad{background:#c0192c;color:#fff;border-color:#c0192c}
.legend i{display:inline-block;width:.8rem;height:.8rem;margin:0 .25rem 0 .6rem;vertical-align:-1px;border-radius:2px}
.legend i.verified{background:#7a8fa6}.legend i.recovered{background:#2a7fd4}.legend i.missing{background:#f08c00}
.legend i.tampered{background:#d7263d}.legend i.fault{background:#7b3fb5}
.door{background:#fff;border:1px solid #dde;border-left:6px solid #3a9d5d;border-radius:6px;padding:.6rem .9rem;margin:.9rem 0}
.door.bad{border-left-color:#c0192c}
.badge{font-size:.75rem;font-weight:700;padding:.1rem .5rem;border-radius:999px;color:#fff;letter-spacing:.03em}
.badge.ok{background:#3a9d5d}.badge.bad{background:#c0192c}
.name{overflow-wrap:anywhere}
svg.tl{display:block;width:100%;max-width:${W + 2 * PAD}px;height:auto;margin:.3rem 0}
svg.tl text{font-size:10px;fill:#667;text-anchor:middle}svg.tl text.s{text-anchor:start}svg.tl text.e{text-anchor:end}
svg.tl .ax{stroke:#99a}svg.tl .grid{stroke:#e3e6ec}
svg.tl path.verified{stroke:#7a8fa6;stroke-width:${BUCKET}}svg.tl path.recovered{stroke:#2a7fd4;stroke-width:${BUCKET}}
svg.tl rect.tampered{fill:#d7263d;fill-opacity:.85}svg.tl rect.missing{fill:#f08c00;fill-opacity:.8}
svg.tl rect.fault{fill:#7b3fb5}
body:has(#only-bad:checked) .door.ok{display:none}
`;

/** One self-contained HTML page for a fleet report. */
export function renderHtml(report: FleetReport): string {
  const s = scaleFor(report);
  const doors = report.doors.map((d, i) => doorSection(d, i, s)).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)}</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
</head>
<body>
${header(report)}
<main>
${doors}
</main>
</body>
</html>
`;
}
