// The report object of a run with faults and an adversary: summary numbers agree with the truth
// comparison, each door's timeline joins truth and audit, and the HTML renderer accepts it.
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildFleetReport, checkAgainstTruth, renderHtml, runFleet } from "../src/index.js";
import { type Collector, startCollector } from "./helpers.js";

let collector: Collector;
beforeAll(async () => {
  collector = await startCollector(40, 4);
});
afterAll(async () => {
  await collector.close();
});

it("buildFleetReport: summary, timelines, findings and faults per door", async () => {
  const r = await runFleet({
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
  const comparison = checkAgainstTruth(r.truth, r.verdicts, r.exported);
  expect(comparison.problems).toEqual([]);
  const report = buildFleetReport(r, { generatedAt: "2025-01-08T00:00:00.000Z" });
  expect(buildFleetReport(r, { comparison, generatedAt: "2025-01-08T00:00:00.000Z" })).toEqual(report);
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
