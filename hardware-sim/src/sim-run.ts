// One simulated run of the whole system: the three-node mesh and the collector as real processes
// (system.ts), a seeded lock fleet (runner.ts) with real lock agents whose
// anchors go into the mesh, an optional tampering collector proxy, the audit, and the report
// (JSON and a self-contained HTML page). Used by `chronoseal-sim run` (and `chronoseal sim run`,
// which delegates to it) and by the demo.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AdversaryPlanItem } from "./adversary.js";
import { checkAgainstTruth, type TruthComparison } from "./check.js";
import type { FaultOptions } from "./faults.js";
import { buildFleetReport, type FleetReport } from "./report.js";
import { renderHtml } from "./report-html.js";
import { type FleetRun, runFleet } from "./runner.js";
import { startSystem } from "./system.js";

export interface SystemSimOptions {
  locks: number;
  days: number;
  seed: number;
  faults?: FaultOptions;
  adversary?: AdversaryPlanItem[];
  /** Where report.json and report.html go (created). */
  outDir: string;
  title?: string;
  onProgress?: (done: number, total: number) => void;
  /** Narration, one line at a time. */
  say?: (line: string) => void;
}

export interface SystemSimResult {
  run: FleetRun;
  check: TruthComparison;
  report: FleetReport;
  /** Anchor records in the mesh (read from node 2), and how many of them the attestor attested. */
  meshAnchors: { records: number; attested: number };
  json: string;
  html: string;
  wallMs: number;
  /** Base URLs of the processes it ran (all stopped when it returns). */
  urls: string[];
}

export async function runSystemSim(o: SystemSimOptions): Promise<SystemSimResult> {
  const t0 = performance.now();
  const say = o.say ?? (() => {});
  const work = mkdtempSync(join(tmpdir(), "chronoseal-sim-"));
  try {
    const sys = await startSystem({ dir: join(work, "system"), locks: o.locks, seed: o.seed });
    try {
      say(
        `mesh: 3 meshd nodes (${sys.mesh.map((m) => m.url).join(", ")}); mesh-0 holds the attestor key; network ${sys.network}`,
      );
      say(`collector: ${sys.collector.url} (SQLite)`);
      const run = await runFleet({
        seed: o.seed,
        locks: o.locks,
        days: o.days,
        collector: sys.collector.url,
        ...(o.adversary?.length ? { adversary: o.adversary } : {}),
        ...(o.faults ? { faults: o.faults } : {}),
        anchors: sys.anchors,
        stateDir: join(work, "locks"),
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      });
      // The auditor's anchors came from the mesh: wait until another node holds them all,
      // attested.
      const { records, attested } = await sys.settle(run.anchors);
      // Who attested each anchor and when, from node 2's state verified here (not its word).
      const view = await sys.source.view();
      const check = checkAgainstTruth(run.truth, run.verdicts, run.exported);
      const wallMs = Math.round(performance.now() - t0);
      const report = buildFleetReport(run, {
        title: o.title ?? `chronoseal fleet: ${o.locks} locks, ${o.days} days, seed ${o.seed}`,
        wallMs,
        comparison: check,
        attestations: view.attestations,
        attestorNames: sys.attestorNames,
        anchorSource: `the mesh (${view.node}, verified locally; trusted attestors: ${view.attestors.map((k) => sys.attestorNames.get(k) ?? k).join(", ")})`,
      });
      mkdirSync(o.outDir, { recursive: true });
      const json = join(o.outDir, "report.json");
      const html = join(o.outDir, "report.html");
      writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
      writeFileSync(html, renderHtml(report));
      return {
        run,
        check,
        report,
        meshAnchors: { records, attested },
        json,
        html,
        wallMs,
        urls: [...sys.mesh.map((m) => m.url), sys.collector.url],
      };
    } finally {
      await sys.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
