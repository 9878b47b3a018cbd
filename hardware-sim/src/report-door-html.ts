// One door's section of the HTML report: verdict badge, counts, the SVG timeline, then as text
// (never only in tooltips) the faults and tampering at the door, the auditor's findings, and the
// door's anchors and heads with the mesh attestors that attested each and any witness
// cosignature lines. Every string from the report is escaped: report JSON is untrusted.
import type { AnchorReport } from "./anchor-report.js";
import { clip, escapeHtml, formatRanges, num, plural } from "./html.js";
import type { DoorReport } from "./report.js";
import { kindLink } from "./report-story-html.js";
import { type Scale, timeline } from "./report-timeline.js";

const TABLE_DETAIL = 600;
/**
 * Anchor rows per door: a week has about 45 (the 100-lock week: 4,257 anchors). Beyond
 * MAX_ANCHOR_ROWS the first HEAD_ROWS and the newest rest are listed, with a row saying how many
 * lie between (report.json has them all), so 100 doors × a month stays a page one can mail.
 */
const MAX_ANCHOR_ROWS = 60;
const HEAD_ROWS = 10;
/** Faults and tampering lines listed per door before "… n more". */
const MAX_HAPPENINGS = 60;

/** Only `verified: true` counts: the JSON is untrusted and a truthy string is no verdict. */
export function isVerified(door: DoorReport): boolean {
  return door.verified === true;
}

function happenings(door: DoorReport): string {
  const items: { time: string; html: string }[] = [];
  for (const f of door.faults ?? [])
    items.push({
      time: String(f.time),
      html: `<li class="${f.kind === "held-open" ? "event" : "fault"}" data-kind="${escapeHtml(f.kind)}"><time>${escapeHtml(f.time)}</time> <b>${escapeHtml(f.kind)}</b>${f.kind === "held-open" ? " (door held open past 60 s; an event, not a fault)" : ""}${f.detail ? ` — ${escapeHtml(clip(String(f.detail), TABLE_DETAIL))}` : ""}</li>`,
    });
  for (const a of door.tampering ?? [])
    items.push({
      time: "",
      html: `<li class="tamper" data-mode="${escapeHtml(a.mode)}"><b>tampering: ${escapeHtml(a.mode)}</b> of ${escapeHtml(a.chain)} entr${(a.seqs ?? []).length === 1 ? "y" : "ies"} ${formatRanges([], a.seqs ?? [])} — ${escapeHtml(a.detail)} — ${a.detected === true ? `<span class="yes">located</span> as ${(a.found ?? []).map(kindLink).join(", ")}` : `<span class="no">NOT located</span> (expected ${escapeHtml(a.expected)})`}</li>`,
    });
  if (items.length === 0) return `<p class="none">No faults and no tampering at this door.</p>`;
  const shown = items.slice(0, MAX_HAPPENINGS).map((i) => i.html);
  if (items.length > MAX_HAPPENINGS) shown.push(`<li>… ${num(items.length - MAX_HAPPENINGS)} more</li>`);
  return `<ul class="happenings">${shown.join("")}</ul>`;
}

function findingsTable(door: DoorReport): string {
  const rows = (door.findings ?? [])
    .map(
      (f) =>
        `<tr><td>${kindLink(f.kind)}</td><td>${escapeHtml(f.chain)}</td><td>${formatRanges(f.ranges ?? [], f.seqs ?? [])}</td><td>${escapeHtml(clip(String(f.detail), TABLE_DETAIL))}</td></tr>`,
    )
    .join("");
  return rows
    ? `<table class="findings"><thead><tr><th scope="col">finding</th><th scope="col">chain</th><th scope="col">entries</th><th scope="col">detail</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p class="none">No findings.</p>`;
}

function anchorRow(a: AnchorReport): string {
  const atts = a.attestations ?? [];
  const att = atts.length
    ? atts
        .map((x) => `${escapeHtml(x.name ?? `${String(x.attestor).slice(0, 12)}…`)} at ${escapeHtml(x.time)}`)
        .join("<br>")
    : `<span class="no">not attested</span>`;
  const cos = (a.cosignatures ?? []).length
    ? (a.cosignatures ?? [])
        .map(
          (c) => `${escapeHtml(c.name)} (${escapeHtml(c.keyId)})${c.time ? ` at ${escapeHtml(c.time)}` : ""}`,
        )
        .join("<br>")
    : "none";
  const covers = Number(a.size) > 0 ? `0–${num(a.lastSeq)}` : "none";
  return `<tr${atts.length ? "" : ` class="unattested"`}><td>${escapeHtml(a.chain)}</td><td>${escapeHtml(a.kind)}</td><td>${covers}</td><td>${escapeHtml(a.time)}</td><td>${att}</td><td>${cos}</td></tr>`;
}

function anchorsTable(door: DoorReport): string {
  const anchors = door.anchors;
  if (anchors === undefined) return "";
  const h = `<h3>Anchors (${num(anchors.length)})</h3>`;
  if (anchors.length === 0) return `${h}<p class="none">No anchors for this door.</p>`;
  const attested = anchors.filter((a) => (a.attestations ?? []).length > 0).length;
  const cosigned = anchors.filter((a) => (a.cosignatures ?? []).length > 0).length;
  const cut = anchors.length - MAX_ANCHOR_ROWS;
  const rows =
    cut > 0
      ? `${anchors.slice(0, HEAD_ROWS).map(anchorRow).join("")}<tr class="gap"><td colspan="6">… ${num(cut)} more anchors, all listed in report.json</td></tr>${anchors
          .slice(HEAD_ROWS + cut)
          .map(anchorRow)
          .join("")}`
      : anchors.map(anchorRow).join("");
  return `${h}
<p class="meta">${num(attested)} of ${num(anchors.length)} attested by the mesh · ${plural(cosigned, "anchor")} with witness cosignatures</p>
<table class="anchors"><caption>Anchors and heads of ${escapeHtml(door.door)}: signed by the lock (device time), attested by the mesh (the mesh's clock)</caption><thead><tr><th scope="col">chain</th><th scope="col">kind</th><th scope="col">entries covered</th><th scope="col">signed by the lock (device time)</th><th scope="col">attested by</th><th scope="col">witness cosignatures</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function doorSection(door: DoorReport, index: number, s: Scale): string {
  const { svg, counts, notes } = timeline(door, s);
  const name = escapeHtml(door.door);
  const ok = isVerified(door);
  const badge = ok ? `<span class="badge ok">verified</span>` : `<span class="badge bad">TAMPERED</span>`;
  const chains =
    door.chains.slice(0, 6).map(escapeHtml).join(", ") +
    (door.chains.length > 6 ? `, … ${door.chains.length - 6} more` : "");
  const held = door.faults.filter((f) => f.kind === "held-open").length;
  const faults = door.faults.length - held;
  const stats = (["verified", "tampered", "missing", "recovered"] as const)
    .map((st) => `${num(counts[st])} ${st}`)
    .join(", ");
  return `<section class="door ${ok ? "ok" : "bad"}" id="door-${index}" data-door="${name}" data-verified="${ok}" aria-labelledby="door-${index}-h">
<h2 id="door-${index}-h">${badge} <span class="name">${name}</span></h2>
<p class="meta">${num(door.events.length)} events: ${stats} · ${plural(faults, "fault")}${held ? ` · held open ${plural(held, "time")}` : ""} · chains: ${chains || "none"}</p>
${svg}
${notes.map((n) => `<p class="note">${n}</p>`).join("")}
<h3>Faults and tampering</h3>
${happenings(door)}
<h3>Findings</h3>
${findingsTable(door)}
${anchorsTable(door)}
</section>`;
}
