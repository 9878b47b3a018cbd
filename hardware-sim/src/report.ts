// The fleet report: a JSON object describing one simulated run — the ground truth set against the
// auditor's conclusions (story.ts), then door by door: timeline (truth joined with the verdicts),
// findings, faults and tampering, anchors with their attestations (anchor-report.ts).
// `buildFleetReport` fills it; `renderHtml` (report-html.ts) draws it.
import type { Attested, ChainVerdict } from "@chronoseal/lock";
import { type AnchorReport, anchorsByDoor } from "./anchor-report.js";
import { checkAgainstTruth, type EventOutcome, type TruthComparison } from "./check.js";
import { type TamperRow, type TruthReport, truthReport } from "./story.js";
import type { GroundTruth, PhysicalEvent } from "./truth.js";

/** One simulated run: summary counts and a timeline per door. */
export interface FleetReport {
  title: string;
  generatedAt: string;
  seed: number;
  locks: number;
  days: number;
  from: string;
  to: string;
  summary: {
    doors: number;
    verified: number;
    tampered: number;
    physicalEvents: number;
    reconstructed: number;
    missing: number;
    findings: Record<string, number>;
    wallMs?: number;
  };
  /** What really happened against what the auditor concluded (absent for a fleet without truth). */
  groundTruth?: TruthReport;
  /** Where the auditor's anchors came from (e.g. "mesh node http://…, attestor mesh-0"). */
  anchorSource?: string;
  /** Anchor notes that name no door of the run or do not verify with its key. */
  unverifiedAnchors?: { door: string; hash: string; reason: string }[];
  doors: DoorReport[];
}

/** One door: its chains, verdict, timeline, the auditor's findings and the faults it suffered. */
export interface DoorReport {
  door: string;
  chains: string[];
  verified: boolean;
  /** The door's timeline: ground truth joined with the audit. */
  events: TimelineEvent[];
  findings: { chain: string; kind: string; seqs: number[]; ranges: [number, number][]; detail: string }[];
  /** power-cut, clock-jump, partition, held-open, … */
  faults: { time: string; kind: string; detail?: string }[];
  /** What the tampering collector did at this door (ground truth), and whether it was located. */
  tampering?: TamperRow[];
  /** The door's anchors and heads, oldest first, with their attestations. */
  anchors?: AnchorReport[];
}

/** One line of a door's timeline. */
export interface TimelineEvent {
  time: string;
  event: string;
  seq?: number;
  chain?: string;
  status: "verified" | "tampered" | "missing" | "recovered";
  kind?: string;
  detail?: string;
}

// ---- building the report ----------------------------------------------------------------------

/** What a report is built from: a run (runFleet's result, or its parts). */
export interface ReportRun {
  truth: GroundTruth;
  verdicts: readonly ChainVerdict[];
  exported: readonly unknown[];
  wallMs?: number;
  /** Anchor and head notes the auditor used, and the device keys (base64) per door. */
  anchors?: readonly string[];
  devices?: ReadonlyMap<string, string>;
}

export interface BuildReportOptions {
  title?: string;
  /** RFC 3339 (default: now). */
  generatedAt?: string;
  /** Wall time to show (default: the run's). */
  wallMs?: number;
  /** A comparison already made (default: checkAgainstTruth of the run). */
  comparison?: TruthComparison;
  /** Trusted attestations per anchor note hash (MeshAnchorView.attestations). */
  attestations?: ReadonlyMap<string, readonly Attested[]>;
  /** Names for attestor keys (base64), e.g. the mesh node that holds each. */
  attestorNames?: ReadonlyMap<string, string>;
  /** Where the anchors came from, in words. */
  anchorSource?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function label(e: PhysicalEvent): string {
  switch (e.kind) {
    case "badge":
      return `opened (badge ${e.badge})`;
    case "exit-open":
      return "opened (exit button, no badge)";
    case "held-open":
      return "held open past 60 s";
    case "door-close":
      return "closed";
    default:
      return e.kind;
  }
}

function timeline(o: EventOutcome): TimelineEvent {
  const e = o.event;
  const bad = o.findings.filter((f) => f !== "unanchored" && f !== "clock-skew");
  const status: TimelineEvent["status"] =
    o.status === "verified" ? "verified" : o.status === "tampered" ? "tampered" : "missing";
  return {
    time: iso(e.time),
    event: label(e),
    ...(e.entry ? { seq: e.entry.seq, chain: e.entry.chain } : {}),
    status,
    ...(bad.length > 0 ? { kind: bad[0] } : {}),
    ...(o.reason ? { detail: o.reason } : {}),
  };
}

/** The report for one run: ground truth joined with the verdicts, door by door. */
export function buildFleetReport(run: ReportRun, input: BuildReportOptions = {}): FleetReport {
  const { truth, verdicts } = run;
  const comparison = input.comparison ?? checkAgainstTruth(truth, verdicts, run.exported);
  const wallMs = input.wallMs ?? run.wallMs;
  const story = truthReport(truth, verdicts, run.exported, comparison);
  const anchors = anchorsByDoor(
    run.anchors ?? [],
    run.devices ?? new Map(),
    input.attestations,
    input.attestorNames,
  );
  const storyFault = new Map(story.faults.map((f) => [f.id, f]));
  const findings: Record<string, number> = {};
  for (const v of verdicts)
    for (const f of v.findings) findings[f.kind] = (findings[f.kind] ?? 0) + Math.max(1, f.seqs.length);
  const doors = comparison.doors.map((d): DoorReport => {
    const mine = verdicts.filter((v) => v.door === d.door);
    const events: TimelineEvent[] = d.events.filter((o) => o.status !== "none").map(timeline);
    const shown = new Set(events.filter((e) => e.seq !== undefined).map((e) => `${e.chain}#${e.seq}`));
    const faults: DoorReport["faults"] = [];
    for (const f of truth.faults.filter((x) => x.door === d.door)) {
      faults.push({ time: iso(f.time), kind: f.kind, detail: storyFault.get(f.id)?.detail ?? f.detail });
      if (f.recovered) {
        events.push({
          time: iso(f.until ?? f.time),
          event: "recovered after power loss",
          seq: f.recovered.seq,
          chain: f.recovered.chain,
          status: "recovered",
          detail: f.torn
            ? `entry ${f.torn.seq} was torn (${f.torn.keptBytes} of ${f.torn.writtenBytes} bytes on disk)`
            : "power restored",
        });
        shown.add(`${f.recovered.chain}#${f.recovered.seq}`);
      }
    }
    for (const e of d.events)
      if (e.event.kind === "held-open") faults.push({ time: iso(e.event.time), kind: "held-open" });
    const timeOf = new Map(truth.durable.map((x) => [`${x.chain}#${x.seq}`, x.time]));
    for (const a of d.actions)
      for (const seq of a.action.seqs) {
        const k = `${a.action.chain}#${seq}`;
        if (shown.has(k)) continue;
        events.push({
          time: timeOf.get(k) ?? iso(truth.to),
          event: `entry ${seq} (${a.action.mode})`,
          seq,
          chain: a.action.chain,
          status: a.action.mode === "drop" ? "missing" : "tampered",
          kind: a.findings[0] ?? a.action.mode,
          detail: a.action.detail,
        });
      }
    events.sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0));
    faults.sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0));
    return {
      door: d.door,
      chains: d.chains,
      verified: mine.every((v) => v.verified),
      events,
      findings: mine.flatMap((v) =>
        v.findings.map((f) => ({
          chain: v.chain,
          kind: f.kind,
          seqs: f.seqs,
          ranges: f.ranges,
          detail: f.detail,
        })),
      ),
      faults,
      tampering: story.tampering.filter((t) => t.door === d.door),
      anchors: anchors.doors.get(d.door) ?? [],
    };
  });
  const verified = doors.filter((d) => d.verified).length;
  return {
    title: input.title ?? `chronoseal fleet simulation, seed ${truth.seed}`,
    generatedAt: input.generatedAt ?? new Date().toISOString(),
    seed: truth.seed,
    locks: truth.doors.length,
    days: Math.round((truth.to - truth.from) / 86_400_000),
    from: iso(truth.from),
    to: iso(truth.to),
    summary: {
      doors: doors.length,
      verified,
      tampered: doors.length - verified,
      physicalEvents: comparison.totals.events,
      reconstructed: comparison.totals.reconstructed,
      missing: comparison.totals.missing,
      findings,
      ...(wallMs !== undefined ? { wallMs } : {}),
    },
    groundTruth: story,
    ...(input.anchorSource !== undefined ? { anchorSource: input.anchorSource } : {}),
    ...(anchors.unverified.length > 0 ? { unverifiedAnchors: anchors.unverified } : {}),
    doors,
  };
}
