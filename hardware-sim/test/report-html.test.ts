// The HTML fleet report without a browser: escaping, summary numbers, a report without ground
// truth, the glossary (an entry for every finding kind @chronoseal/lock can emit), ranges, no
// external resources, and size for 100 doors × a week. test/report-browser.test.ts opens reports
// in headless Chromium; test/report.test.ts renders real runs.
import { readFileSync } from "node:fs";
import { FINDING_KINDS } from "@chronoseal/lock";
import { describe, expect, it } from "vitest";
import { FINDING_GLOSSARY } from "../src/glossary.js";
import type { FleetReport } from "../src/report.js";
import { escapeHtml, formatRanges, renderHtml } from "../src/report-html.js";
import { synthetic } from "./synthetic-report.js";

const HOSTILE = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">"'&`;

function fixture(): FleetReport {
  return JSON.parse(readFileSync(new URL("./fixtures/fleet-report-small.json", import.meta.url), "utf8"));
}

describe("renderHtml without a browser", () => {
  it("escapes every string from the report", () => {
    const r = fixture();
    r.title = HOSTILE;
    r.from = HOSTILE; // an unusable period falls back to the events' span
    r.summary.findings[HOSTILE] = 1;
    const d = r.doors[1]!;
    d.door = HOSTILE;
    d.chains = [HOSTILE];
    d.findings[0]!.detail = HOSTILE;
    d.findings[0]!.kind = HOSTILE;
    d.findings[0]!.chain = HOSTILE;
    Object.assign(d.events[1]!, { event: HOSTILE, chain: HOSTILE, kind: HOSTILE, detail: HOSTILE });
    d.faults[0] = { time: HOSTILE, kind: HOSTILE, detail: HOSTILE };
    // A non-boolean verdict is not trusted either: it renders as TAMPERED, and nowhere verbatim.
    (r.doors[0] as { verified: unknown }).verified = `"><script>window.__pwned=3</script>`;
    const html = renderHtml(r);
    expect(html).not.toMatch(/<script|<img|onerror="/i);
    expect(html).toContain(`data-door="lobby" data-verified="false"`);
    expect(html).toContain(`data-door="${escapeHtml(HOSTILE)}"`);
    expect(html).toContain("&lt;script&gt;window.__pwned=1&lt;/script&gt;");
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
    );
  });

  it("shows the summary numbers, the findings by kind and a badge per door", () => {
    const r = fixture();
    const html = renderHtml(r);
    const stat = (k: string) => html.match(new RegExp(`data-stat="${k}"><b>([^<]*)</b>`))?.[1];
    expect(stat("doors")).toBe("3");
    expect(stat("verified")).toBe("2");
    expect(stat("tampered")).toBe("1");
    expect(stat("physicalEvents")).toBe("14");
    expect(stat("reconstructed")).toBe("2");
    expect(stat("missing")).toBe("3");
    for (const [k, n] of Object.entries(r.summary.findings))
      expect(html).toContain(
        `<tr data-kind="${k}"><td><a href="#kind-${k}"><code>${k}</code></a></td><td>${n}</td></tr>`,
      );
    expect(html).toContain("seed 42");
    expect(html).toContain("2025-03-01T00:00:00.000Z → 2025-03-03T00:00:00.000Z");
    expect(html).toContain("in 812 ms");
    expect(html.match(/<span class="badge bad">TAMPERED<\/span>/g)).toHaveLength(1);
    expect(html.match(/<span class="badge ok">verified<\/span>/g)).toHaveLength(2);
    expect(html).toMatch(/data-door="server-room" data-verified="false"/);
    expect(html).not.toContain("Inconsistent report");
    // The server room's findings as ranges; its tampered event titled with seq, kind and detail.
    expect(html).toContain(
      `<td><a href="#kind-dropped"><code>dropped</code></a></td><td>server-room/0</td><td>3–5</td>`,
    );
    // Faults as text under the timeline, not only in the marks' titles.
    expect(html).toContain(
      `<li class="fault" data-kind="partition"><time>2025-03-01T23:05:00.000Z</time> <b>partition</b> — uplink cut for 20 min</li>`,
    );
    expect(html).toMatch(
      /<rect class="tampered"[^>]*><title>tampered events, [^<]*\nseq 1 · chain server-room\/0 · altered · door-open — badge id rewritten after signing<\/title>/,
    );
    expect(html).toMatch(
      /<rect class="fault"[^>]*><title>faults, [^<]*\npartition at 2025-03-01T23:05:00.000Z — uplink cut for 20 min<\/title>/,
    );
  });

  it("says when a report carries no ground truth or anchors (not from the simulator)", () => {
    const html = renderHtml(fixture());
    expect(html).toContain(
      "This report carries no ground truth (it is not from the simulator), so nothing can be compared.",
    );
    expect(html).not.toContain(`id="tampering"`);
    expect(html).not.toContain("<h3>Anchors");
    // the page still has its glossary and a section per door
    expect(html.match(/<section class="door /g)).toHaveLength(3);
    expect(html).toContain(`<section id="glossary"`);
  });

  it("has a glossary entry for every finding kind the auditor can emit, and none other", () => {
    expect(FINDING_KINDS.length).toBeGreaterThan(10);
    expect(Object.keys(FINDING_GLOSSARY).sort()).toEqual([...FINDING_KINDS].sort());
    const html = renderHtml(fixture());
    for (const k of FINDING_KINDS) {
      const g = FINDING_GLOSSARY[k];
      expect(g.meaning.length, k).toBeGreaterThan(20);
      expect(html).toContain(
        `<div id="kind-${k}" data-term="${k}"><dt><code>${k}</code></dt><dd>${escapeHtml(g.meaning)}`,
      );
    }
    expect(html.match(/data-term="/g)).toHaveLength(FINDING_KINDS.length);
  });

  it("warns when the summary disagrees with the doors listed", () => {
    const r = fixture();
    r.summary.tampered = 0;
    r.summary.verified = 3;
    expect(renderHtml(r)).toContain(
      "Inconsistent report: the summary counts 3 verified and 0 tampered doors; the sections show 2 and 1.",
    );
  });

  it("places events by the period, noting those outside it or with unreadable times", () => {
    const r = fixture();
    r.doors[0]!.events[0]!.time = "2025-02-27T00:00:00.000Z";
    r.doors[0]!.events[1]!.time = "not a time";
    r.doors[2]!.faults[0]!.time = "yesterday";
    const html = renderHtml(r);
    expect(html).toContain("1 events fall outside the report period and are drawn at its edge.");
    expect(html).toContain("1 events with an unreadable time are not drawn.");
    expect(html).toContain("1 faults with an unreadable time are drawn at the start.");
    // The server room's altered event at 09:00 of a two-day period: 9/48 of the 960-unit plot, after the 24-unit margin.
    expect(html).toMatch(/<rect class="tampered" x="202\.5"/);
    // A period that cannot be parsed falls back to the events' span; a single instant gets an hour either side.
    r.from = "?";
    expect(renderHtml(r)).toMatch(/<svg class="tl"/);
    const one = fixture();
    one.from = one.to;
    one.doors = [{ ...one.doors[0]!, events: [one.doors[0]!.events[0]!] }];
    expect(renderHtml(one)).toMatch(/<path class="verified" d="M505 40v-32">/);
  });

  it("formats seqs as ranges, capped", () => {
    expect(formatRanges([], [9, 3, 4, 5, 12, 1000, 1001])).toBe("3–5, 9, 12, 1,000–1,001");
    expect(
      formatRanges(
        [
          [0, 0],
          [2, 7],
        ],
        [0, 2, 3],
      ),
    ).toBe("0, 2–7");
    const many = Array.from({ length: 20 }, (_, i) => [i * 10, i * 10 + 1] as [number, number]);
    expect(formatRanges(many)).toMatch(/, 150–151, … 4 more ranges \(40 seqs in all\)$/);
  });

  it("is self-contained: no scripts, external URLs, fonts or imports", () => {
    const html = renderHtml(synthetic({ doors: 5, days: 7, eventsPerDoor: 500, tamperEvery: 2 }));
    expect(html).not.toMatch(/<script|https?:|src=|url\(|@import|@font-face/i);
  });

  // A synthetic 100-door week, each door with 200 attested anchors, then every event tampered
  // (hundreds of thousands of timeline rows): the page stays small enough to mail.
  it("stays under 5 MB for 100 doors × a week, even when every event is tampered", () => {
    const r = synthetic({
      doors: 100,
      days: 7,
      eventsPerDoor: 5000,
      tamperEvery: 3,
      detail: "x".repeat(2000),
      anchors: 200, // a month of anchors: more than a door's table lists
    });
    const normal = renderHtml(r);
    expect(Buffer.byteLength(normal)).toBeLessThan(2_500_000);
    expect(
      normal.match(
        /<tr class="gap"><td colspan="6">… 140 more anchors, all listed in report.json<\/td><\/tr>/g,
      ),
    ).toHaveLength(100);
    for (const d of r.doors)
      for (const e of d.events)
        Object.assign(e, { status: "tampered", kind: "altered", detail: "y".repeat(2000) });
    const worst = renderHtml(r);
    expect(Buffer.byteLength(worst)).toBeLessThan(5_000_000);
    expect(worst.match(/<rect class="tampered"/g)!.length).toBeLessThanOrEqual(100 * 40);
    expect(worst.match(/<table class="anchors">/g)).toHaveLength(100);
  });
});
