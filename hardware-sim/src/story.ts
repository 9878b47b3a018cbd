// The ground-truth side of the report: what the simulator knows really happened (every fault and
// every tampering action it injected, every physical event, every durable entry) set against what
// the auditor concluded — each action located or missed, each finding without an injected cause
// (a false positive), each missing event explained or not — as plain JSON for report.json and the
// HTML page's summary. checkAgainstTruth (check.ts) decides agreement; this only tells it.
import { type ChainVerdict, entryHash, INFORMATIONAL, type LockEntry } from "@chronoseal/lock";
import type { EventOutcome, TruthComparison } from "./check.js";
import { EXPECTED_FINDING, type GroundTruth } from "./truth.js";

/** A tampering action of the collector proxy and whether the auditor located it. */
export interface TamperRow {
  id: number;
  mode: string;
  door: string;
  chain: string;
  seqs: number[];
  detail: string;
  /** The finding the auditor must report at those entries. */
  expected: string;
  /** Finding kinds the auditor reported at those entries. */
  found: string[];
  detected: boolean;
}

/** An injected fault, with what it did and what the audit shows of it. */
export interface FaultRow {
  id: number;
  door: string;
  kind: string;
  /** RFC 3339 true time it began, and ended (outages, partitions). */
  time: string;
  until?: string;
  detail: string;
  /** Physical events that left no entry because of it. */
  lostEvents: number;
  /** What the audited log shows of it. */
  observed: string;
  /** The audit agrees with the truth about this fault (see the module header). */
  agrees: boolean;
}

/** A finding with no injected cause. */
export interface FalsePositive {
  door: string;
  chain: string;
  kind: string;
  seqs: number[];
  detail: string;
}

export interface TruthReport {
  /** checkAgainstTruth found no disagreement. */
  agrees: boolean;
  /** The disagreements (at most MAX_PROBLEMS; problemCount has them all). */
  problems: string[];
  problemCount: number;
  doorsAttacked: string[];
  doorsReportedTampered: string[];
  tampering: TamperRow[];
  faults: FaultRow[];
  falsePositives: FalsePositive[];
  /** Physical events that should leave an entry, and what became of them. */
  events: {
    total: number;
    reconstructed: number;
    missing: number;
    /** Missing events by cause. */
    explained: Record<string, number>;
    unexplained: number;
  };
  /** Entries the locks wrote durably, and how many are gone without an explanation. */
  durable: { written: number; lostUnexplained: number };
}

const MAX_PROBLEMS = 200;
const iso = (ms: number): string => new Date(ms).toISOString();
const key = (chain: string, seq: number) => `${chain}#${seq}`;

function missingCause(o: EventOutcome): string {
  if (o.event.lost === "power-cut") return "lost in a power cut mid-write";
  if (o.event.lost === "power-off") return "during a power outage";
  const r = o.reason ?? "";
  if (r === "unexplained") return "unexplained";
  if (r === "deleted by retention") return "deleted by retention";
  if (r === "dropped by the collector") return "dropped by the collector (detected)";
  if (r.startsWith("the log holds a changed entry")) return "changed by the collector (detected)";
  return r || "unexplained";
}

function duration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${(m / 60).toFixed(1)} h`;
}

function hashOf(e: LockEntry): string {
  try {
    return entryHash(e);
  } catch {
    return "";
  }
}

/** The findings no injected fault or action explains (the same rules as checkAgainstTruth). */
function falsePositives(truth: GroundTruth, verdicts: readonly ChainVerdict[]): FalsePositive[] {
  const acted = new Set(truth.adversary.flatMap((a) => a.seqs.map((s) => key(a.chain, s))));
  const out: FalsePositive[] = [];
  const push = (v: ChainVerdict, kind: string, seqs: number[], detail: string) =>
    out.push({ door: v.door, chain: v.chain, kind, seqs, detail });
  for (const v of verdicts)
    for (const f of v.findings) {
      if (f.kind === "clock-skew") {
        // Informational, but only a clock set back explains it.
        const back = truth.faults.some(
          (x) => x.door === v.door && x.kind === "clock-jump" && (x.jumpMs ?? 0) < 0,
        );
        if (!back) push(v, f.kind, f.seqs, f.detail);
      } else if (INFORMATIONAL.has(f.kind)) continue;
      else if (f.seqs.length === 0) push(v, f.kind, [], f.detail);
      else {
        const unexplained = f.seqs.filter((s) => !acted.has(key(v.chain, s)));
        if (unexplained.length > 0) push(v, f.kind, unexplained, f.detail);
      }
    }
  return out;
}

/** The ground truth against the audit, for the report (see the module header). */
export function truthReport(
  truth: GroundTruth,
  verdicts: readonly ChainVerdict[],
  exported: readonly unknown[],
  comparison: TruthComparison,
): TruthReport {
  const fps = falsePositives(truth, verdicts);
  const actions = comparison.doors.flatMap((d) => d.actions);
  const tampering: TamperRow[] = actions
    .map(({ action: a, detected, findings }) => ({
      id: a.id,
      mode: a.mode,
      door: a.door,
      chain: a.chain,
      seqs: a.seqs,
      detail: a.detail,
      expected: EXPECTED_FINDING[a.mode] + (a.mode === "alter" ? " (or backdated)" : ""),
      found: findings,
      detected,
    }))
    .sort((x, y) => x.id - y.id);

  const inLog = new Set<string>();
  for (const v of exported) {
    const e = v as LockEntry;
    if (e && typeof e.chain === "string" && typeof e.seq === "number")
      inLog.add(`${key(e.chain, e.seq)}@${hashOf(e)}`);
  }
  const durable = new Set(truth.durable.map((d) => key(d.chain, d.seq)));
  const byDoor = new Map(comparison.doors.map((d) => [d.door, d]));
  const skewSeqs = new Map<string, number[]>();
  for (const v of verdicts)
    for (const f of v.findings)
      if (f.kind === "clock-skew") skewSeqs.set(v.door, [...(skewSeqs.get(v.door) ?? []), ...f.seqs]);
  const fpDoors = new Set(fps.map((f) => f.door));
  const outcomes = comparison.doors.flatMap((d) => d.events);

  const faults: FaultRow[] = truth.faults.map((f) => {
    const door = byDoor.get(f.door);
    const lost = outcomes.filter((o) => o.event.fault === f.id && o.status === "missing");
    const lostEvents = lost.length;
    let observed: string;
    let agrees = !fpDoors.has(f.door);
    if (f.kind === "power-cut") {
      const rec = f.recovered;
      const seen = rec !== undefined && inLog.has(`${key(rec.chain, rec.seq)}@${rec.hash}`);
      const parts = [
        rec
          ? `recovered entry ${rec.seq} records the gap${seen ? " (in the audited log, genuine)" : " (not in the audited log)"}`
          : "no recovered entry was written",
        `${lostEvents} physical event${lostEvents === 1 ? "" : "s"} left no entry`,
      ];
      if (f.torn)
        parts.push(
          f.torn.survived
            ? `entry ${f.torn.seq} was being written and survived whole`
            : `entry ${f.torn.seq} was torn (${f.torn.keptBytes} of ${f.torn.writtenBytes} bytes on disk) and discarded on boot`,
        );
      observed = parts.join("; ");
      agrees &&= rec !== undefined && durable.has(key(rec.chain, rec.seq));
      agrees &&= lost.every((o) => o.reason !== "unexplained");
    } else if (f.kind === "clock-jump") {
      const seqs = skewSeqs.get(f.door) ?? [];
      const back = (f.jumpMs ?? 0) < 0;
      observed =
        seqs.length > 0
          ? `clock-skew (informational) at ${seqs.length} entr${seqs.length === 1 ? "y" : "ies"} of the door; entries still verify`
          : `no finding: entries still verify and keep the device's time${back ? "" : " (a jump forward leaves no trace in the order)"}`;
    } else {
      const gone = door?.lost.length ?? 0;
      observed =
        gone === 0
          ? "no entry lost: the lock kept its backlog and delivered it when the network came back"
          : `${gone} durable entries of the door are missing without an explanation`;
      agrees &&= gone === 0;
    }
    return {
      id: f.id,
      door: f.door,
      kind: f.kind,
      time: iso(f.time),
      ...(f.until !== undefined ? { until: iso(f.until) } : {}),
      detail:
        f.until !== undefined && f.kind !== "clock-jump"
          ? `${f.detail}; ${f.kind === "power-cut" ? "power back" : "network back"} after ${duration(f.until - f.time)}`
          : f.detail,
      lostEvents,
      observed,
      agrees,
    };
  });

  const withEntry = outcomes.filter((o) => o.status !== "none");
  const explained: Record<string, number> = {};
  let unexplained = 0;
  for (const o of withEntry) {
    if (o.reconstructed) continue;
    const cause = missingCause(o);
    if (cause === "unexplained") unexplained++;
    else explained[cause] = (explained[cause] ?? 0) + 1;
  }
  const reportedTampered = new Set(verdicts.filter((v) => !v.verified).map((v) => v.door));
  return {
    agrees: comparison.ok,
    problems: comparison.problems.slice(0, MAX_PROBLEMS),
    problemCount: comparison.problems.length,
    doorsAttacked: truth.doors.filter((d) => truth.adversary.some((a) => a.door === d)),
    doorsReportedTampered: truth.doors.filter((d) => reportedTampered.has(d)),
    tampering,
    faults,
    falsePositives: fps,
    events: {
      total: withEntry.length,
      reconstructed: withEntry.filter((o) => o.reconstructed).length,
      missing: withEntry.filter((o) => !o.reconstructed).length,
      explained,
      unexplained,
    },
    durable: {
      written: truth.durable.length,
      lostUnexplained: comparison.doors.reduce((n, d) => n + d.lost.length, 0),
    },
  };
}
