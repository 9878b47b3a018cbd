// checkAgainstTruth: compares the auditor's verdicts with the ground truth, door by door.
//   - every durably written entry is in the export unchanged, or deleted by retention (and the
//     verdict says expired), or touched by an adversary action that the auditor located (the
//     expected finding kind at the action's sequence numbers): nothing durable is lost unnoticed;
//   - every adversary action is detected; no finding (and no unverified chain) without one;
//     `clock-skew` only where the device clock was really set back;
//   - every physical event that should leave an entry is reconstructed from the entry the device
//     wrote for it, or reported missing with its reason: a power cut before the entry was durable
//     (then a `recovered` entry must record the gap), a drop by the collector, or retention;
//   - no opened / held-open / closed entry exists without a physical event behind it.
// The result lists each event's outcome and each action's detection, and `problems` says what
// disagrees (empty when the verdicts match the truth).
import {
  type ChainVerdict,
  entryHash,
  type FindingKind,
  INFORMATIONAL,
  type LockEntry,
} from "@chronoseal/lock";
import {
  type AdversaryAction,
  type EntryRef,
  EXPECTED_FINDING,
  type GroundTruth,
  type PhysicalEvent,
} from "./truth.js";

export type EventStatus = "verified" | "tampered" | "missing" | "none";

export interface EventOutcome {
  event: PhysicalEvent;
  /** verified: the genuine entry, no finding; tampered: a finding names it; none: no entry expected. */
  status: EventStatus;
  /** The genuine entry is in the export (the event can be read back from the log). */
  reconstructed: boolean;
  /** Finding kinds at the entry's sequence number. */
  findings: FindingKind[];
  reason?: string;
}

export interface ActionOutcome {
  action: AdversaryAction;
  detected: boolean;
  /** Finding kinds the auditor reported at the action's sequence numbers. */
  findings: FindingKind[];
}

export interface DoorComparison {
  door: string;
  chains: string[];
  events: EventOutcome[];
  actions: ActionOutcome[];
  /** Durable entries gone without an explanation. */
  lost: EntryRef[];
  problems: string[];
}

export interface TruthComparison {
  ok: boolean;
  doors: DoorComparison[];
  problems: string[];
  totals: { events: number; reconstructed: number; missing: number; actions: number; detected: number };
}

const key = (chain: string, seq: number) => `${chain}#${seq}`;

function hashOf(e: LockEntry): string {
  try {
    return entryHash(e);
  } catch {
    return "";
  }
}

export function checkAgainstTruth(
  truth: GroundTruth,
  verdicts: readonly ChainVerdict[],
  exported: readonly unknown[],
): TruthComparison {
  const copies = new Map<string, string[]>();
  for (const v of exported) {
    const e = v as LockEntry;
    if (!e || typeof e.chain !== "string" || typeof e.seq !== "number") continue;
    const k = key(e.chain, e.seq);
    copies.set(k, [...(copies.get(k) ?? []), hashOf(e)]);
  }
  const findingsAt = new Map<string, FindingKind[]>();
  for (const v of verdicts)
    for (const f of v.findings)
      for (const s of f.seqs)
        findingsAt.set(key(v.chain, s), [...(findingsAt.get(key(v.chain, s)) ?? []), f.kind]);
  const actionAt = new Map<string, AdversaryAction>();
  for (const a of truth.adversary) for (const s of a.seqs) actionAt.set(key(a.chain, s), a);
  const expired = new Set(truth.expired);
  const verdictOf = new Map(verdicts.map((v) => [v.chain, v]));
  const durableAt = new Map(truth.durable.map((d) => [key(d.chain, d.seq), d]));
  const byDoor = <T>(items: readonly T[], doorOf: (x: T) => string): Map<string, T[]> => {
    const m = new Map<string, T[]>(truth.doors.map((d) => [d, []]));
    for (const x of items) m.get(doorOf(x))?.push(x);
    return m;
  };
  const doorOfChain = (chain: string) => chain.slice(0, chain.indexOf("/"));
  const durableOf = byDoor(truth.durable, (d) => doorOfChain(d.chain));
  const eventsOf = byDoor(truth.events, (e) => e.door);
  const verdictsOf = byDoor(verdicts, (v) => v.door);

  const doors = truth.doors.map((door): DoorComparison => {
    const problems: string[] = [];
    const lost: EntryRef[] = [];
    const mine = verdictsOf.get(door) ?? [];
    const chains = [...new Set(mine.map((v) => v.chain))].sort();
    // durable entries
    for (const d of durableOf.get(door) ?? []) {
      const k = key(d.chain, d.seq);
      if (expired.has(d.chain)) {
        if (!verdictOf.get(d.chain)?.expired)
          problems.push(`${k}: chain deleted by retention but not reported expired`);
        continue;
      }
      const got = copies.get(k) ?? [];
      const kinds = (findingsAt.get(k) ?? []).filter((f) => !INFORMATIONAL.has(f));
      const action = actionAt.get(k);
      if (!action) {
        if (got.length === 0) {
          lost.push(d);
          problems.push(`${k} (${d.event}): durably written, missing from the export, no adversary action`);
        } else if (got.length !== 1 || got[0] !== d.hash)
          problems.push(`${k}: changed without an adversary action`);
        else if (kinds.length > 0)
          problems.push(`${k}: reported ${kinds.join(", ")} without an adversary action`);
      }
    }
    // adversary actions
    const actions = truth.adversary
      .filter((a) => a.door === door)
      .map((action): ActionOutcome => {
        const found = [...new Set(action.seqs.flatMap((s) => findingsAt.get(key(action.chain, s)) ?? []))];
        const want = EXPECTED_FINDING[action.mode];
        const detected = action.seqs.every((s) => {
          const at = findingsAt.get(key(action.chain, s)) ?? [];
          return at.includes(want) || (action.mode === "alter" && at.includes("backdated"));
        });
        if (!detected)
          problems.push(
            `${action.mode} of ${action.chain} ${action.seqs.join(",")} not located (found: ${found.join(", ") || "nothing"})`,
          );
        return { action, detected, findings: found };
      });
    // findings and verdicts
    for (const v of mine) {
      const attacked = truth.adversary.some((a) => a.chain === v.chain);
      if (v.verified === attacked)
        problems.push(`${v.chain}: verified=${v.verified} but ${attacked ? "" : "not "}attacked`);
      for (const f of v.findings) {
        if (f.kind === "clock-skew") {
          if (!truth.faults.some((x) => x.door === door && x.kind === "clock-jump" && (x.jumpMs ?? 0) < 0))
            problems.push(`${v.chain}: clock-skew without a backward clock jump`);
          continue;
        }
        if (INFORMATIONAL.has(f.kind)) continue;
        if (f.seqs.length === 0) problems.push(`${v.chain}: ${f.kind} (${f.detail})`);
        for (const s of f.seqs)
          if (!actionAt.has(key(v.chain, s)))
            problems.push(`${v.chain} ${s}: ${f.kind} without an adversary action`);
      }
    }
    // physical events
    const linked = new Set<string>();
    const events = (eventsOf.get(door) ?? []).map((event): EventOutcome => {
      if (!event.expect) return { event, status: "none", reconstructed: false, findings: [] };
      const ref = event.entry;
      if (!ref) {
        const fault = event.fault !== undefined ? truth.faults[event.fault] : undefined;
        if (!event.lost || !fault) {
          problems.push(`${door} event ${event.id} (${event.kind}): no entry and no fault to explain it`);
          return { event, status: "missing", reconstructed: false, findings: [], reason: "unexplained" };
        }
        const rec = fault.recovered;
        if (!rec || !durableAt.has(key(rec.chain, rec.seq)))
          problems.push(
            `${door} event ${event.id}: lost to a power cut but no recovered entry records the gap`,
          );
        const reason =
          event.lost === "power-cut"
            ? `power cut while the entry was written; the gap is recorded by recovered entry ${rec?.seq}`
            : `the lock had no power; the gap is recorded by recovered entry ${rec?.seq}`;
        return { event, status: "missing", reconstructed: false, findings: [], reason };
      }
      const k = key(ref.chain, ref.seq);
      linked.add(k);
      if (ref.event !== event.expect) problems.push(`${k}: ${ref.event} written for a ${event.kind} event`);
      if (expired.has(ref.chain))
        return {
          event,
          status: "missing",
          reconstructed: false,
          findings: [],
          reason: "deleted by retention",
        };
      const findings = [...new Set(findingsAt.get(k) ?? [])];
      const genuine = (copies.get(k) ?? []).includes(ref.hash);
      const bad = findings.filter((f) => !INFORMATIONAL.has(f));
      if (bad.length === 0 && genuine) return { event, status: "verified", reconstructed: true, findings };
      if (!genuine)
        return {
          event,
          status: "missing",
          reconstructed: false,
          findings,
          reason: bad.includes("dropped")
            ? "dropped by the collector"
            : `the log holds a changed entry (${bad.join(", ")})`,
        };
      return { event, status: "tampered", reconstructed: true, findings };
    });
    for (const d of durableOf.get(door) ?? [])
      if (
        (d.event === "opened" || d.event === "closed" || d.event === "held-open") &&
        !linked.has(key(d.chain, d.seq))
      )
        problems.push(`${key(d.chain, d.seq)}: ${d.event} entry without a physical event`);
    return { door, chains, events, actions, lost, problems };
  });
  const problems = doors.flatMap((d) => d.problems);
  const withEntry = doors.flatMap((d) => d.events.filter((e) => e.status !== "none"));
  return {
    ok: problems.length === 0,
    doors,
    problems,
    totals: {
      events: withEntry.length,
      reconstructed: withEntry.filter((e) => e.reconstructed).length,
      missing: withEntry.filter((e) => !e.reconstructed).length,
      actions: truth.adversary.length,
      detected: doors.reduce((n, d) => n + d.actions.filter((a) => a.detected).length, 0),
    },
  };
}
