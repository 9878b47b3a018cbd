// The fleet report as one self-contained HTML page that tells the story of a run: first the
// ground truth against the audit (did the auditor find every tampering action the simulator
// injected, and nothing else?), the tampering and the faults injected as tables, the audit's
// counts and findings by kind; then per door a verified / TAMPERED badge, an SVG timeline, the
// faults and tampering at the door as text, the findings, and the anchors with the mesh attestors
// that attested each; last a glossary of every finding kind. Inline CSS and SVG only (a CSP meta
// forbids scripts and every fetch), readable without JavaScript, so the file can be mailed or
// archived and opened offline. Every string from the report comes from untrusted data and is
// escaped (html.ts).
import { escapeHtml, num } from "./html.js";
import type { FleetReport } from "./report.js";
import { doorSection, isVerified } from "./report-door-html.js";
import {
  faultsSection,
  glossarySection,
  groundTruthSection,
  kindLink,
  tamperingSection,
} from "./report-story-html.js";
import { BUCKET, PAD, scaleFor, W } from "./report-timeline.js";

export { escapeHtml, formatRanges } from "./html.js";

function summary(r: FleetReport): string {
  const sm = r.summary;
  const stat = (key: string, value: number, label: string) =>
    `<div class="stat" data-stat="${key}"><b>${num(value)}</b><span>${label}</span></div>`;
  const kinds = Object.entries(sm.findings ?? {})
    .map(([k, n]) => `<tr data-kind="${escapeHtml(k)}"><td>${kindLink(k)}</td><td>${num(n)}</td></tr>`)
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
  const unverified = r.unverifiedAnchors ?? [];
  return `<section id="audit" aria-labelledby="audit-h">
<h2 id="audit-h">The audit</h2>
<p>The auditor read the entries the collector served and the anchors from ${r.anchorSource ? escapeHtml(r.anchorSource) : "the anchor source"}; it never sees the ground truth. Locks run on simulated (virtual) time; the mesh signs attestations with its real clock, so attestation times are when the run happened.</p>
<div class="stats">${stat("doors", sm.doors, "doors audited")}${stat("verified", sm.verified, "doors verified")}${stat("tampered", sm.tampered, "doors tampered")}${stat("physicalEvents", sm.physicalEvents, "physical events")}${stat("reconstructed", sm.reconstructed, "reconstructed")}${stat("missing", sm.missing, "missing")}</div>
${warnings.map((w) => `<p class="warn">Inconsistent report: ${w}.</p>`).join("")}
${
  unverified.length
    ? `<p class="warn">${num(unverified.length)} anchor notes name no door of the run or do not verify with its key: ${unverified
        .slice(0, 5)
        .map((u) => `${escapeHtml(u.door)} (${escapeHtml(u.reason)})`)
        .join("; ")}.</p>`
    : ""
}
${kinds ? `<h3>Findings by kind</h3><p>Entries affected per kind, over all doors; each kind is explained in the <a href="#glossary">glossary</a>.</p><table class="kinds"><thead><tr><th scope="col">finding</th><th scope="col">count</th></tr></thead><tbody>${kinds}</tbody></table>` : `<p class="none">No findings.</p>`}
<p class="legend"><i class="verified"></i>verified <i class="recovered"></i>recovered <i class="missing"></i>missing <i class="tampered"></i>tampered <i class="fault"></i>fault · each door lists its faults, tampering and findings under its timeline · <label><input type="checkbox" id="only-bad"> only tampered doors</label></p>
<nav aria-label="doors">${index}</nav>
</section>`;
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
main,section{max-width:78rem}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;padding:.3rem}
.toc{display:flex;flex-wrap:wrap;gap:.8rem;margin:.4rem 0;font-size:.9rem}
.verdict{border-radius:6px;padding:.6rem .8rem;margin:.6rem 0;border:1px solid}
.verdict.ok{background:#e8f6ee;border-color:#3a9d5d}.verdict.bad{background:#fde8ea;border-color:#c0192c}
.stat.alarm b{color:#c0192c}
td.yes,span.yes{color:#1e7a43;font-weight:600}td.no,span.no{color:#c0192c;font-weight:700}
table.truth th[scope=row]{background:#f4f5f8;font-weight:600;max-width:16rem}
caption{text-align:left;color:#556;font-size:.85rem;padding:.2rem 0}
h3{font-size:.95rem;margin:.8rem 0 .2rem}
ul.happenings{margin:.2rem 0;padding-left:1.2rem;font-size:.85rem}
ul.happenings li.fault b{color:#7b3fb5}ul.happenings li.event b{color:#556}ul.happenings li.tamper b{color:#c0192c}
ul.problems{color:#c0192c}
table.anchors td{white-space:nowrap}table.anchors td:last-child,table.anchors td:nth-child(5){white-space:normal}
dl.glossary{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.3rem 0}
dl.glossary div{display:contents}dl.glossary dt{font-weight:600}dl.glossary dd{margin:0}
code{font-family:ui-monospace,monospace;font-size:.9em}
table.tampering td:nth-child(-n+5),table.faults td:nth-child(-n+3),table.findings td:nth-child(-n+2){white-space:nowrap}
`;

/** One self-contained HTML page for a fleet report. */
export function renderHtml(report: FleetReport): string {
  const s = scaleFor(report);
  const doorIndex = new Map(report.doors.map((d, i) => [String(d.door), i] as const));
  const doors = report.doors.map((d, i) => doorSection(d, i, s)).join("\n");
  const sm = report.summary;
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
<a class="skip" href="#doors">Skip to the doors</a>
<header>
<h1>${escapeHtml(report.title)}</h1>
<p class="meta">seed ${escapeHtml(report.seed)} · ${num(report.locks)} locks · ${num(report.days)} days · period ${escapeHtml(report.from)} → ${escapeHtml(report.to)} · generated ${escapeHtml(report.generatedAt)}${sm.wallMs === undefined ? "" : ` in ${num(Math.round(sm.wallMs))} ms`}</p>
<nav class="toc" aria-label="contents"><a href="#ground-truth">Ground truth vs the audit</a><a href="#tampering">Tampering injected</a><a href="#faults">Faults injected</a><a href="#audit">The audit</a><a href="#doors">Doors</a><a href="#glossary">Glossary</a></nav>
</header>
${groundTruthSection(report, doorIndex)}
${tamperingSection(report.groundTruth, doorIndex)}
${faultsSection(report.groundTruth, doorIndex)}
${summary(report)}
<main id="doors" aria-label="doors">
${doors}
</main>
${glossarySection()}
</body>
</html>
`;
}
