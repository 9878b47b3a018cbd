// The story sections of the HTML report: the ground truth against the audit (a verdict line,
// counts and a question-by-question table at the top of the page), every tampering action and
// every fault the simulator injected as visible tables, and the glossary of finding kinds (one
// entry per kind in @chronoseal/lock's FINDING_KINDS), faults and tampering modes. Every string
// from the report is escaped: report JSON is untrusted.
import { FINDING_KINDS } from "@chronoseal/lock";
import { FAULT_GLOSSARY, FINDING_GLOSSARY, TAMPER_GLOSSARY } from "./glossary.js";
import { escapeHtml, formatRanges, num, plural } from "./html.js";
import type { FleetReport } from "./report.js";
import type { FaultRow, TamperRow, TruthReport } from "./story.js";

const GLOSSED: ReadonlySet<string> = new Set(FINDING_KINDS);

/** A finding kind, linked to its glossary entry when it has one. */
export function kindLink(kind: string): string {
  const k = escapeHtml(kind);
  return GLOSSED.has(kind) ? `<a href="#kind-${k}"><code>${k}</code></a>` : `<code>${k}</code>`;
}

function yes(ok: boolean): string {
  return ok ? `<td class="yes" data-agrees="true">yes</td>` : `<td class="no" data-agrees="false">NO</td>`;
}

function list(items: readonly string[], none = "none"): string {
  return items.length === 0 ? none : items.map(escapeHtml).join(", ");
}

function countBy(items: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
}

function doorLink(door: string, index: ReadonlyMap<string, number>): string {
  const i = index.get(door);
  return i === undefined ? escapeHtml(door) : `<a href="#door-${i}">${escapeHtml(door)}</a>`;
}

function stat(key: string, value: number, label: string, bad = false): string {
  return `<div class="stat${bad ? " alarm" : ""}" data-stat="${key}"><b>${num(value)}</b><span>${label}</span></div>`;
}

function faultSummary(faults: readonly FaultRow[]): string {
  if (faults.length === 0) return "none injected";
  const by = countBy(faults.map((f) => f.kind));
  return [...by].map(([k, n]) => `${num(n)} × ${escapeHtml(k)}`).join(", ");
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** The verdict line, the counts and the question-by-question table. */
export function groundTruthSection(r: FleetReport, doorIndex: ReadonlyMap<string, number>): string {
  const t = r.groundTruth;
  if (!t)
    return `<section id="ground-truth" aria-labelledby="gt-h"><h2 id="gt-h">Ground truth vs the audit</h2>
<p class="none">This report carries no ground truth (it is not from the simulator), so nothing can be compared.</p></section>`;
  const tampering = t.tampering ?? [];
  const faults = t.faults ?? [];
  const fps = t.falsePositives ?? [];
  const detected = tampering.filter((a) => a.detected === true).length;
  const missed = tampering.length - detected;
  const faultsOk = faults.every((f) => f.agrees === true);
  const ev = t.events;
  const explained = Object.entries(ev?.explained ?? {})
    .map(([cause, n]) => `${num(n)} ${escapeHtml(cause)}`)
    .join("; ");
  const skew = faults.filter((f) => f.kind === "clock-jump" && /clock-skew/.test(String(f.observed))).length;
  const verdict =
    t.agrees === true
      ? `<p class="verdict ok" data-agrees="true"><b>The audit agrees with the ground truth.</b> Every tampering action was located at the right entries, nothing was reported without a cause, and every physical event is reconstructed from the log or missing for a reason the simulator knows.</p>`
      : `<p class="verdict bad" data-agrees="false"><b>The audit DISAGREES with the ground truth</b> in ${plural(Number(t.problemCount) || 0, "point")} (listed below this table).</p>`;
  const rows = [
    [
      "doors",
      "Doors tampered with",
      list(t.doorsAttacked ?? []),
      `reported TAMPERED: ${list(t.doorsReportedTampered ?? [])}`,
      sameSet(t.doorsAttacked ?? [], t.doorsReportedTampered ?? []),
    ],
    [
      "tampering",
      "Tampering actions",
      `${num(tampering.length)} injected${tampering.length ? ` (${[...countBy(tampering.map((a) => a.mode))].map(([m, n]) => `${num(n)} ${escapeHtml(m)}`).join(", ")})` : ""}`,
      `${num(detected)} located with the expected finding at the exact entries; ${num(missed)} missed`,
      missed === 0,
    ],
    [
      "false-positives",
      "Findings without a cause",
      "none: every finding needs an injected action (or a clock set back, for clock-skew)",
      `${plural(fps.length, "finding")} with no injected cause`,
      fps.length === 0,
    ],
    [
      "events",
      "Physical events that should leave an entry",
      num(ev?.total ?? 0),
      `${num(ev?.reconstructed ?? 0)} reconstructed from the log; ${num(ev?.missing ?? 0)} missing${explained ? ` (${explained})` : ""}; ${num(ev?.unexplained ?? 0)} unexplained`,
      (ev?.unexplained ?? 0) === 0,
    ],
    [
      "durable",
      "Entries the locks wrote durably",
      num(t.durable?.written ?? 0),
      (t.durable?.lostUnexplained ?? 0) === 0
        ? "each one in the log unchanged, or touched by a located action; none lost without a trace"
        : `${num(t.durable?.lostUnexplained ?? 0)} missing from the log without an explanation`,
      (t.durable?.lostUnexplained ?? 0) === 0,
    ],
    [
      "faults",
      "Faults injected",
      faultSummary(faults),
      `${num(faults.filter((f) => f.agrees === true).length)} of ${num(faults.length)} consistent with the truth (no tampering finding from a fault, each power cut's gap recorded by a recovered entry, nothing lost to a partition); ${plural(skew, "clock jump")} visible as clock-skew (see <a href="#faults">Faults injected</a>)`,
      faultsOk,
    ],
  ] as const;
  const table = `<table class="truth"><caption>What the simulator knows happened, and what the auditor concluded from the collector's log and the anchors</caption>
<thead><tr><th scope="col">Question</th><th scope="col">Ground truth (simulator)</th><th scope="col">Auditor concluded</th><th scope="col">Agrees</th></tr></thead>
<tbody>${rows.map(([k, q, truth, audit, ok]) => `<tr data-row="${k}"><th scope="row">${q}</th><td>${truth}</td><td>${audit}</td>${yes(ok)}</tr>`).join("")}</tbody></table>`;
  const problems = (t.problems ?? []).map((p) => `<li>${escapeHtml(p)}</li>`).join("");
  const more =
    Number(t.problemCount) > (t.problems ?? []).length
      ? `<p>… and ${num(Number(t.problemCount) - (t.problems ?? []).length)} more.</p>`
      : "";
  const fpTable = fps.length
    ? `<h3 id="false-positives">Findings without an injected cause</h3><table><thead><tr><th scope="col">door</th><th scope="col">chain</th><th scope="col">finding</th><th scope="col">entries</th><th scope="col">detail</th></tr></thead><tbody>${fps
        .map(
          (f) =>
            `<tr><td>${doorLink(f.door, doorIndex)}</td><td>${escapeHtml(f.chain)}</td><td>${kindLink(f.kind)}</td><td>${formatRanges([], f.seqs ?? [])}</td><td>${escapeHtml(f.detail)}</td></tr>`,
        )
        .join("")}</tbody></table>`
    : "";
  return `<section id="ground-truth" aria-labelledby="gt-h">
<h2 id="gt-h">Ground truth vs the audit</h2>
${verdict}
<div class="stats">${stat("tampering-injected", tampering.length, "tampering actions injected")}${stat("tampering-detected", detected, "located by the auditor")}${stat("tampering-missed", missed, "missed", missed > 0)}${stat("false-positives", fps.length, "false positives", fps.length > 0)}${stat("faults-injected", faults.length, "faults injected")}${stat("events-unexplained", ev?.unexplained ?? 0, "events unexplained", (ev?.unexplained ?? 0) > 0)}</div>
${table}
${problems ? `<h3 id="disagreements">Disagreements</h3><ul class="problems">${problems}</ul>${more}` : ""}
${fpTable}
</section>`;
}

function tamperRow(a: TamperRow, doorIndex: ReadonlyMap<string, number>): string {
  return `<tr data-action="${escapeHtml(a.id)}" data-detected="${a.detected === true}"><td>${num(a.id)}</td><td>${escapeHtml(a.mode)}</td><td>${doorLink(a.door, doorIndex)}</td><td>${escapeHtml(a.chain)}</td><td>${formatRanges([], a.seqs ?? [])}</td><td>${escapeHtml(a.detail)}</td><td>${escapeHtml(a.expected)}</td><td>${(a.found ?? []).map(kindLink).join(", ") || "nothing"}</td>${yes(a.detected === true)}</tr>`;
}

/** Every tampering action of the collector proxy, and whether the auditor located it. */
export function tamperingSection(t: TruthReport | undefined, doorIndex: ReadonlyMap<string, number>): string {
  if (!t) return "";
  const rows = (t.tampering ?? []).map((a) => tamperRow(a, doorIndex)).join("");
  return `<section id="tampering" aria-labelledby="tampering-h">
<h2 id="tampering-h">Tampering injected</h2>
<p>The collector proxy sits between the locks and the auditor and changes what the auditor reads (the locks' own uploads are untouched). Each row is one action from the ground truth.</p>
${
  rows
    ? `<table class="tampering"><caption>Tampering by the collector proxy (ground truth) and the auditor's findings at the same entries</caption><thead><tr><th scope="col">#</th><th scope="col">mode</th><th scope="col">door</th><th scope="col">chain</th><th scope="col">entries</th><th scope="col">what the proxy did</th><th scope="col">expected finding</th><th scope="col">auditor found</th><th scope="col">located</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p class="none">None: the collector served the log as the locks sent it.</p>`
}
</section>`;
}

/** Every fault the simulator injected, in time order, with what the audited log shows of it. */
export function faultsSection(t: TruthReport | undefined, doorIndex: ReadonlyMap<string, number>): string {
  if (!t) return "";
  const faults = [...(t.faults ?? [])].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const rows = faults
    .map(
      (f) =>
        `<tr data-fault="${escapeHtml(f.kind)}"><td>${escapeHtml(f.time)}</td><td>${doorLink(f.door, doorIndex)}</td><td>${escapeHtml(f.kind)}</td><td>${escapeHtml(f.detail)}</td><td>${escapeHtml(f.observed)}</td>${yes(f.agrees === true)}</tr>`,
    )
    .join("");
  return `<section id="faults" aria-labelledby="faults-h">
<h2 id="faults-h">Faults injected</h2>
<p>Power cuts, clock jumps and network partitions the simulator injected (true time, not the lock's clock). None of them is tampering: the auditor must not report any of them as such.</p>
${
  rows
    ? `<table class="faults"><caption>Faults (ground truth) and what the audit shows of each</caption><thead><tr><th scope="col">time (true)</th><th scope="col">door</th><th scope="col">fault</th><th scope="col">detail</th><th scope="col">what the audit shows</th><th scope="col">consistent</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p class="none">None.</p>`
}
</section>`;
}

function entry(id: string, term: string, meaning: string, attrs = ""): string {
  return `<div id="${id}"${attrs}><dt><code>${escapeHtml(term)}</code></dt><dd>${escapeHtml(meaning)}</dd></div>`;
}

/** Every finding kind the auditor can emit, then the faults and tampering modes. */
export function glossarySection(): string {
  const findings = FINDING_KINDS.map((k) => {
    const g = FINDING_GLOSSARY[k];
    return entry(
      `kind-${k}`,
      k,
      `${g.meaning}${g.informational ? " (Informational: the chain still counts as verified.)" : ""}`,
      ` data-term="${k}"`,
    );
  }).join("");
  const faults = Object.entries(FAULT_GLOSSARY)
    .map(([k, m]) => entry(`fault-${k}`, k, m))
    .join("");
  const modes = Object.entries(TAMPER_GLOSSARY)
    .map(([k, m]) => entry(`mode-${k}`, k, `The collector proxy ${m}.`))
    .join("");
  return `<section id="glossary" aria-labelledby="glossary-h">
<h2 id="glossary-h">Glossary</h2>
<h3>Findings the auditor can report</h3>
<dl class="glossary findings">${findings}</dl>
<h3>Faults</h3>
<dl class="glossary">${faults}</dl>
<h3>Tampering modes</h3>
<dl class="glossary">${modes}</dl>
<h3>Timeline</h3>
<dl class="glossary">${entry("tl-verified", "verified", "An event reconstructed from a genuine entry of the log.")}${entry("tl-recovered", "recovered", "The signed entry a lock writes when it boots after losing power; it records the gap.")}${entry("tl-missing", "missing", "An event with no genuine entry in the log: lost to a power cut, dropped or changed by the collector, or deleted by retention.")}${entry("tl-tampered", "tampered", "An event whose entry is in the log but which the auditor flagged (e.g. replayed or reordered).")}${entry("tl-anchor", "anchor", "A checkpoint the lock signs over its chain (entries covered, Merkle root) and publishes to the mesh, where attestors sign when they saw it. Heads are the same for the newest entries.")}</dl>
</section>`;
}
