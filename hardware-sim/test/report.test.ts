// The report object of a run with faults and an adversary (a real fleet against a real collector,
// file anchors): summary numbers agree with the truth comparison, each door's timeline joins truth
// and audit, the ground-truth story counts every action and fault, a missed action or a false
// alarm is told as one, anchors are opened per door with their attestations and cosignature lines,
// and every string of a real report reaches the HTML escaped.
import { cosignNote, generateKeyPair, toBase64 } from "@chronoseal/core";
import { anchorHash, type ChainVerdict } from "@chronoseal/lock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFleetReport, checkAgainstTruth, type FleetRun, renderHtml, runFleet } from "../src/index.js";
import { type Collector, startCollector } from "./helpers.js";

let collector: Collector;
let r: FleetRun;
beforeAll(async () => {
  collector = await startCollector(40, 4);
  r = await runFleet({
    seed: 40,
    locks: 4,
    days: 2,
    collector: collector.url,
    faults: { powerCuts: 3, tornRate: 1, clockJumps: 1, partitions: 1 },
    adversary: [
      { mode: "drop", count: 1 },
      { mode: "fork", count: 1 },
    ],
  });
}, 60_000);
afterAll(async () => {
  await collector.close();
});

const GENERATED = "2025-01-08T00:00:00.000Z";

it("buildFleetReport: summary, timelines, findings and faults per door", () => {
  const comparison = checkAgainstTruth(r.truth, r.verdicts, r.exported);
  expect(comparison.problems).toEqual([]);
  const report = buildFleetReport(r, { generatedAt: GENERATED });
  expect(buildFleetReport(r, { comparison, generatedAt: GENERATED })).toEqual(report);
  expect(report.summary.wallMs).toBe(r.wallMs);
  expect(report).toMatchObject({ seed: 40, locks: 4, days: 2, from: "2025-01-06T00:00:00.000Z" });
  expect(report.summary).toMatchObject({
    doors: 4,
    physicalEvents: comparison.totals.events,
    reconstructed: comparison.totals.reconstructed,
    missing: comparison.totals.missing,
  });
  expect(report.summary.verified + report.summary.tampered).toBe(4);
  expect(report.summary.findings.dropped).toBe(1);
  expect(report.summary.findings.forked).toBe(1);
  const attacked = new Set(r.truth.adversary.map((a) => a.door));
  for (const d of report.doors) {
    expect(d.verified).toBe(!attacked.has(d.door));
    const times = d.events.map((e) => e.time);
    expect(times).toEqual([...times].sort());
  }
  const all = report.doors.flatMap((d) => d.events);
  expect(all.filter((e) => e.status === "recovered")).toHaveLength(3);
  expect(all.some((e) => e.status === "missing" && /power cut/.test(e.detail ?? ""))).toBe(true);
  // the dropped entry is missing from the log, the forked one is there twice
  expect(all.filter((e) => e.kind === "dropped").map((e) => e.status)).toEqual(["missing"]);
  expect(all.filter((e) => e.kind === "forked").map((e) => e.status)).toEqual(["tampered"]);
  expect(report.doors.flatMap((d) => d.faults.map((f) => f.kind))).toEqual(
    expect.arrayContaining(["power-cut", "clock-jump", "partition"]),
  );
  const html = renderHtml(report);
  for (const d of report.doors) expect(html).toContain(d.door);
});

describe("the ground truth against the audit", () => {
  it("counts every action and fault, located and explained, with no false positives", () => {
    const comparison = checkAgainstTruth(r.truth, r.verdicts, r.exported);
    const t = buildFleetReport(r, { generatedAt: GENERATED }).groundTruth!;
    expect(t.agrees).toBe(true);
    expect(t.problems).toEqual([]);
    expect(t.tampering.map((a) => [a.mode, a.door, a.seqs, a.detected])).toEqual(
      r.truth.adversary.map((a) => [a.mode, a.door, a.seqs, true]),
    );
    expect(t.tampering.map((a) => a.found)).toEqual([["dropped"], ["forked"]]);
    expect(t.falsePositives).toEqual([]);
    expect(t.doorsAttacked).toEqual([...new Set(r.truth.adversary.map((a) => a.door))].sort());
    expect(t.doorsReportedTampered).toEqual(t.doorsAttacked);
    expect(t.faults.map((f) => [f.id, f.kind, f.door])).toEqual(
      r.truth.faults.map((f) => [f.id, f.kind, f.door]),
    );
    expect(t.faults.every((f) => f.agrees)).toBe(true);
    // every power cut here is torn (tornRate 1): the row says which entry and how much survived
    for (const f of t.faults.filter((x) => x.kind === "power-cut"))
      expect(f.observed).toMatch(
        /^recovered entry \d+ records the gap \(in the audited log, genuine\); \d+ physical events? left no entry; entry \d+ (was torn|was being written)/,
      );
    // (events that should leave an entry; a refused badge or the opening after a badge need none)
    const lost = comparison.doors
      .flatMap((d) => d.events)
      .filter((o) => o.event.lost !== undefined && o.status !== "none").length;
    expect(t.faults.reduce((n, f) => n + f.lostEvents, 0)).toBe(lost);
    expect(t.events).toMatchObject({
      total: comparison.totals.events,
      reconstructed: comparison.totals.reconstructed,
      missing: comparison.totals.missing,
      unexplained: 0,
    });
    expect(Object.values(t.events.explained).reduce((a, b) => a + b, 0)).toBe(comparison.totals.missing);
    expect(t.events.explained["dropped by the collector (detected)"]).toBe(1);
    expect(t.durable).toEqual({ written: r.truth.durable.length, lostUnexplained: 0 });
  });

  it("tells a missed action, a false alarm and an unexplained clock-skew as such", () => {
    const drop = r.truth.adversary.find((a) => a.mode === "drop")!;
    // a door nobody attacked whose clock was never set back: neither finding has a cause there
    const quiet = r.truth.doors.find(
      (d) =>
        !r.truth.adversary.some((a) => a.door === d) &&
        !r.truth.faults.some((f) => f.door === d && f.kind === "clock-jump" && (f.jumpMs ?? 0) < 0),
    )!;
    expect(quiet).toBeDefined();
    const verdicts: ChainVerdict[] = structuredClone(r.verdicts).map((v) => {
      if (v.chain === drop.chain) return { ...v, findings: v.findings.filter((f) => f.kind !== "dropped") };
      if (v.door !== quiet) return v;
      return {
        ...v,
        verified: false,
        findings: [
          ...v.findings,
          { kind: "altered", seqs: [3], ranges: [[3, 3]], detail: "signature does not match" },
          { kind: "clock-skew", seqs: [5], ranges: [[5, 5]], detail: "dated before its predecessor" },
        ],
      };
    });
    const report = buildFleetReport({ ...r, verdicts }, { generatedAt: GENERATED });
    const t = report.groundTruth!;
    expect(t.agrees).toBe(false);
    expect(t.tampering.find((a) => a.mode === "drop")).toMatchObject({ detected: false, found: [] });
    expect(t.falsePositives.map((f) => [f.door, f.kind, f.seqs])).toEqual([
      [quiet, "altered", [3]],
      [quiet, "clock-skew", [5]],
    ]);
    expect(t.doorsReportedTampered).toContain(quiet);
    const html = renderHtml(report);
    expect(html).toContain(`<p class="verdict bad" data-agrees="false">`);
    for (const row of ["doors", "tampering", "false-positives"])
      expect(html).toMatch(
        new RegExp(`<tr data-row="${row}">.*?<td class="no" data-agrees="false">NO</td></tr>`),
      );
    expect(html).toMatch(/<tr data-row="events">.*?<td class="yes" data-agrees="true">yes<\/td><\/tr>/);
    expect(html).toMatch(/data-stat="tampering-missed"><b>1<\/b>/);
    expect(html).toMatch(/data-stat="false-positives"><b>2<\/b>/);
    expect(html).toContain(`<h3 id="false-positives">`);
    expect(html).toContain(
      `<li>drop of ${drop.chain} ${drop.seqs.join(",")} not located (found: nothing)</li>`,
    );
  });
});

describe("anchors per door", () => {
  it("opens every note with its door's key, oldest first; attestations and cosignature lines by name", () => {
    const plain = buildFleetReport(r, { generatedAt: GENERATED });
    expect(plain.unverifiedAnchors).toBeUndefined();
    const rows = plain.doors.flatMap((d) => (d.anchors ?? []).map((a) => ({ door: d.door, ...a })));
    expect(rows.map((a) => a.hash).sort()).toEqual(r.anchors.map((n) => anchorHash(n)).sort());
    for (const d of plain.doors) {
      const mine = d.anchors!;
      expect(mine.length).toBeGreaterThan(2);
      expect(mine[0]!.kind).toBe("genesis");
      expect(mine.every((a) => a.chain.startsWith(`${d.door}/`) && a.attestations.length === 0)).toBe(true);
      const seqs = mine.map((a) => a.lastSeq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
    expect(renderHtml(plain)).toContain(`<span class="no">not attested</span>`);

    // One note cosigned by a witness (a plain Ed25519 note signature) and by a cosignature/v1 line
    // (key id, 8-byte timestamp, signature); attested by two attestors, one of them named.
    const door = plain.doors[0]!.door;
    const target = r.anchors.find(
      (n) => n.startsWith(`chronoseal-lock/${door}/`) && n.includes("kind intermediate"),
    )!;
    const w1 = { name: "witness.example/w1", secretKey: generateKeyPair().secretKey };
    const raw = new Uint8Array(4 + 72);
    raw.set([1, 2, 3, 4]);
    new DataView(raw.buffer).setBigUint64(4, 1_736_200_000n);
    const cosigned = `${cosignNote(target, [w1])}— witness.example/w2 ${toBase64(raw)}\n`;
    const [a1, a2] = [generateKeyPair(), generateKeyPair()].map((k) => toBase64(k.publicKey)) as [
      string,
      string,
    ];
    const report = buildFleetReport(
      { ...r, anchors: r.anchors.map((n) => (n === target ? cosigned : n)) },
      {
        generatedAt: GENERATED,
        attestations: new Map([
          [
            anchorHash(cosigned),
            [
              { attestor: a1, time: "2026-01-01T00:00:01.000Z" },
              { attestor: a2, time: "2026-01-01T00:00:02.000Z" },
            ],
          ],
        ]),
        attestorNames: new Map([[a1, "mesh-0"]]),
      },
    );
    const row = report.doors[0]!.anchors!.find((a) => a.hash === anchorHash(cosigned))!;
    expect(row.attestations).toEqual([
      { attestor: a1, name: "mesh-0", time: "2026-01-01T00:00:01.000Z" },
      { attestor: a2, time: "2026-01-01T00:00:02.000Z" },
    ]);
    expect(row.cosignatures).toEqual([
      { name: "witness.example/w1", keyId: expect.stringMatching(/^[0-9a-f]{8}$/) },
      { name: "witness.example/w2", keyId: "01020304", time: new Date(1_736_200_000_000).toISOString() },
    ]);
    const html = renderHtml(report);
    expect(html).toContain(`mesh-0 at 2026-01-01T00:00:01.000Z<br>`);
    expect(html).toContain(`${a2.slice(0, 12)}… at 2026-01-01T00:00:02.000Z</td>`);
    expect(html).toContain("witness.example/w2 (01020304) at 2025-01-06T21:46:40.000Z</td>");

    // A note that does not verify with its door's key is not shown as that door's anchor.
    const forged = target.replace(/\n\n— .*\n$/s, `\n\n— ${door} ${toBase64(new Uint8Array(68))}\n`);
    const bad = buildFleetReport({ ...r, anchors: [...r.anchors, forged] }, { generatedAt: GENERATED });
    expect(bad.unverifiedAnchors).toEqual([
      { door, hash: anchorHash(forged), reason: expect.stringMatching(/anchor/) },
    ]);
    expect(renderHtml(bad)).toContain("1 anchor notes name no door of the run or do not verify with its key");
  });
});

/** Every string in the report replaced by `s`; record keys too (summary.findings, explained). */
function poison(v: unknown, s: string, keys = false): unknown {
  if (typeof v === "string") return s;
  if (Array.isArray(v)) return v.map((x) => poison(x, s));
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v).map(([k, x], i) => [
        keys ? `${s}${i}` : k,
        poison(x, s, k === "findings" && !Array.isArray(x) ? true : k === "explained"),
      ]),
    );
  return v;
}

it("escapes every string of a real report, whichever field it is in", () => {
  const HOSTILE = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">"'&`;
  const report = buildFleetReport(r, { generatedAt: GENERATED, anchorSource: "mesh" });
  const poisoned = poison(report, HOSTILE) as typeof report;
  expect(poisoned.doors[0]!.anchors!.length).toBeGreaterThan(0);
  expect(Object.keys(poisoned.summary.findings)[0]).toContain("<script>");
  const html = renderHtml(poisoned);
  expect(html).not.toMatch(/<script|<img|onerror="/i);
  expect(html).toContain("&lt;script&gt;window.__pwned=1&lt;/script&gt;");
  expect(html).toContain("&quot;&#39;&amp;");
});
