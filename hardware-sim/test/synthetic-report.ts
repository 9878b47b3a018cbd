// A deterministic fleet report shaped like the simulator's (events, findings, faults, optionally
// anchors; no ground truth), for the renderer's size and browser tests: any number of doors and events
// without running a fleet.
import type { DoorReport, FleetReport, TimelineEvent } from "../src/report.js";

const DAY = 86_400_000;
const FROM = Date.parse("2025-03-03T00:00:00.000Z");

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Synth {
  doors: number;
  days: number;
  eventsPerDoor: number;
  /** Every n-th door is tampered (an altered run and a dropped run). */
  tamperEvery: number;
  seed?: number;
  /** Door names override (index → name). */
  name?: (i: number) => string;
  detail?: string;
  /** Anchors per door, each attested by two attestors (default none). */
  anchors?: number;
}

/** A deterministic fleet report shaped like the simulator's, with a consistent summary. */
export function synthetic(o: Synth): FleetReport {
  const rnd = mulberry32(o.seed ?? 7);
  const to = FROM + o.days * DAY;
  const kinds = ["unlock-card", "door-open", "door-close", "unlock-pin", "lock"];
  const findingsByKind: Record<string, number> = {};
  const doors: DoorReport[] = [];
  let reconstructed = 0;
  let missing = 0;
  for (let i = 0; i < o.doors; i++) {
    const door = o.name?.(i) ?? `door-${String(i).padStart(3, "0")}`;
    const chain = `${door}/0`;
    const times = Array.from({ length: o.eventsPerDoor }, () => FROM + Math.floor(rnd() * (to - FROM))).sort(
      (a, b) => a - b,
    );
    const events: TimelineEvent[] = times.map((t, seq) => ({
      time: new Date(t).toISOString(),
      event: kinds[seq % kinds.length]!,
      seq,
      chain,
      status: "verified",
    }));
    const tampered = o.tamperEvery > 0 && i % o.tamperEvery === 1;
    const findings: DoorReport["findings"] = [];
    const faults: DoorReport["faults"] = [];
    const cut = Math.floor(rnd() * (o.eventsPerDoor - 20));
    faults.push({ time: events[cut]!.time, kind: "power-cut", detail: o.detail ?? "8 min" });
    for (let s = cut + 1; s < cut + 4; s++) {
      events[s]!.status = "recovered";
      reconstructed++;
    }
    if (tampered) {
      const a = Math.floor(rnd() * (o.eventsPerDoor - 40));
      const d = Math.floor(rnd() * (o.eventsPerDoor - 40));
      for (let s = a; s < a + 5; s++)
        Object.assign(events[s]!, {
          status: "tampered",
          kind: "altered",
          detail: o.detail ?? "signature does not match",
        });
      for (let s = d; s < d + 20; s++)
        if (events[s]!.status === "verified") {
          Object.assign(events[s]!, {
            status: "missing",
            kind: "dropped",
            detail: o.detail ?? "anchored, absent from the log",
          });
          missing++;
        }
      const seqsOf = (st: string) => events.filter((e) => e.status === st).map((e) => e.seq!);
      const ranges = (seqs: number[]) =>
        seqs
          .map((s) => [s, s] as [number, number])
          .reduce<[number, number][]>((r, x) => {
            const last = r.at(-1);
            if (last && x[0] === last[1] + 1) last[1] = x[0];
            else r.push(x);
            return r;
          }, []);
      for (const [kind, st] of [
        ["altered", "tampered"],
        ["dropped", "missing"],
      ] as const) {
        const seqs = seqsOf(st);
        findings.push({ chain, kind, seqs, ranges: ranges(seqs), detail: o.detail ?? `${kind} entries` });
        findingsByKind[kind] = (findingsByKind[kind] ?? 0) + 1;
      }
    }
    const anchors = Array.from({ length: o.anchors ?? 0 }, (_, k) => ({
      chain,
      kind: k === 0 ? "genesis" : "intermediate",
      size: (k + 1) * 50,
      lastSeq: (k + 1) * 50 - 1,
      time: new Date(FROM + k * 4 * 3_600_000).toISOString(),
      hash: `${String(k).padStart(43, "A")}=`,
      attestations: ["mesh-0", "mesh-1"].map((name, j) => ({
        attestor: `${name}${"B".repeat(37)}=`,
        name,
        time: new Date(FROM + k * 4 * 3_600_000 + 1000 * (j + 1)).toISOString(),
      })),
      cosignatures: [],
    }));
    doors.push({
      door,
      chains: [chain],
      verified: !tampered,
      events,
      findings,
      faults,
      ...(o.anchors ? { anchors } : {}),
    });
  }
  const verified = doors.filter((d) => d.verified).length;
  return {
    title: `Synthetic fleet: ${o.doors} doors, ${o.days} days`,
    generatedAt: new Date(to + 1000).toISOString(),
    seed: o.seed ?? 7,
    locks: o.doors,
    days: o.days,
    from: new Date(FROM).toISOString(),
    to: new Date(to).toISOString(),
    summary: {
      doors: o.doors,
      verified,
      tampered: o.doors - verified,
      physicalEvents: o.doors * o.eventsPerDoor,
      reconstructed,
      missing,
      findings: findingsByKind,
    },
    doors,
  };
}
