// The fault plan, drawn before the run from the seed: power cuts (idle, or in the middle of
// writing an entry — a torn record), device clock drift per lock and clock jumps, and network
// partitions between a lock and the collector. Power cuts and clock jumps never fall inside a
// passage (a torn cut happens at the passage's first write); every physical step during an
// outage is marked lost ("power-off") in the plan, so the ground truth knows what cannot exist.
import type { Rng } from "./prng.js";
import type { FaultRecord, PhysicalEvent } from "./truth.js";

const MIN = 60_000;
const HOUR = 60 * MIN;

export interface FaultOptions {
  /** Power cuts across the fleet (default 0). */
  powerCuts?: number;
  /** Share of power cuts that tear the entry being written (default 0.5). */
  tornRate?: number;
  /** Outage length range (ms, default 1–20 min). */
  outageMs?: [number, number];
  /** Clock jumps across the fleet (default 0), forward or back by 30 s … 2 h. */
  clockJumps?: number;
  /** Largest |drift| of a device clock (ppm, default 50). */
  driftPpm?: number;
  /** Partitions across the fleet (default 0). */
  partitions?: number;
  /** Partition length range (ms, default 10 min – 6 h). */
  partitionMs?: [number, number];
  /** Restrict faults to these doors (default: any door). */
  doors?: string[];
}

export interface PlannedCut {
  fault: number;
  door: string;
  at: number;
  until: number;
  /** The physical event whose entry is torn (torn cuts). */
  tornEvent?: number;
  /** Bytes of the torn write that reach the disk, as a fraction of the write (1 = all). */
  keepFraction?: number;
}

export interface ClockPlan {
  offsetMs: number;
  driftPpm: number;
  jumps: { at: number; ms: number }[];
}

export interface FaultPlan {
  faults: FaultRecord[];
  cuts: PlannedCut[];
  partitions: { fault: number; door: string; from: number; until: number }[];
  clocks: Map<string, ClockPlan>;
}

/** Passages per door as [start, end] windows (true time). */
function windows(events: readonly PhysicalEvent[]): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  let key = "";
  for (const e of events) {
    const k = `${e.door}#${e.access}`;
    const list = out.get(e.door) ?? [];
    if (k !== key) list.push([e.time, e.time]);
    else list.at(-1)![1] = e.time;
    out.set(e.door, list);
    key = k;
  }
  return out;
}

/** Moves `t` out of any passage window (to just after it). */
function outside(t: number, ws: readonly [number, number][] | undefined): number {
  for (const [a, b] of ws ?? []) if (t >= a - 1_000 && t <= b + 1_000) return b + 1_500;
  return t;
}

export function planFaults(
  rng: Rng,
  doors: readonly string[],
  events: PhysicalEvent[],
  from: number,
  to: number,
  o: FaultOptions,
): FaultPlan {
  const r = rng.fork("faults");
  const pool = o.doors ?? doors;
  const faults: FaultRecord[] = [];
  const cuts: PlannedCut[] = [];
  const partitions: FaultPlan["partitions"] = [];
  const clocks = new Map<string, ClockPlan>();
  const maxDrift = o.driftPpm ?? 50;
  for (const d of doors)
    clocks.set(d, { offsetMs: r.between(-5_000, 5_000), driftPpm: r.range(-maxDrift, maxDrift), jumps: [] });
  const ws = windows(events);
  const byDoor = new Map<string, PhysicalEvent[]>();
  for (const e of events) {
    const list = byDoor.get(e.door);
    if (list) list.push(e);
    else byDoor.set(e.door, [e]);
  }
  const [oMin, oMax] = o.outageMs ?? [MIN, 20 * MIN];
  const busy = new Map<string, [number, number][]>();
  const free = (door: string, a: number, b: number) =>
    !(busy.get(door) ?? []).some(([x, y]) => a <= y + MIN && b >= x - MIN);

  for (let i = 0; i < (o.powerCuts ?? 0); i++) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const door = r.pick(pool);
      const torn = r.chance(o.tornRate ?? 0.5);
      const outage = r.between(oMin, oMax);
      let at: number;
      let tornEvent: PhysicalEvent | undefined;
      if (torn) {
        const firsts = (byDoor.get(door) ?? []).filter(
          (e) => (e.kind === "badge" || e.kind === "exit-open") && e.lost === undefined,
        );
        if (firsts.length === 0) continue;
        tornEvent = r.pick(firsts);
        at = tornEvent.time;
      } else at = outside(Math.round(r.range(from + HOUR, to - 3 * HOUR)), ws.get(door));
      const until = at + outage;
      if (until > to - HOUR || !free(door, at, until)) continue;
      busy.set(door, [...(busy.get(door) ?? []), [at, until]]);
      const fault: FaultRecord = {
        id: faults.length,
        door,
        kind: "power-cut",
        time: at,
        until,
        detail: torn ? "power cut while an entry was being written" : "power cut",
      };
      faults.push(fault);
      const cut: PlannedCut = { fault: fault.id, door, at, until };
      if (tornEvent) {
        cut.tornEvent = tornEvent.id;
        cut.keepFraction = r.chance(0.15) ? 1 : r.float();
        tornEvent.lost = "power-cut";
        tornEvent.fault = fault.id;
      }
      cuts.push(cut);
      // every passage that begins during the outage (and the rest of the torn one) is lost
      let lostAccess: number | undefined = tornEvent?.access;
      for (const e of byDoor.get(door) ?? []) {
        if (e === tornEvent) continue;
        const inOutage = e.time >= at && e.time <= until;
        const sameAccess = lostAccess !== undefined && e.access === lostAccess;
        if (!inOutage && !sameAccess) continue;
        if (inOutage) lostAccess = e.access;
        e.lost = "power-off";
        e.fault = fault.id;
      }
      break;
    }
  }
  for (let i = 0; i < (o.clockJumps ?? 0); i++) {
    const door = r.pick(pool);
    const at = outside(Math.round(r.range(from + HOUR, to - 2 * HOUR)), ws.get(door));
    const ms = (r.chance(0.5) ? -1 : 1) * r.between(30_000, 2 * HOUR);
    clocks.get(door)!.jumps.push({ at, ms });
    faults.push({
      id: faults.length,
      door,
      kind: "clock-jump",
      time: at,
      jumpMs: ms,
      detail: `device clock jumped ${ms < 0 ? "back" : "forward"} by ${Math.round(Math.abs(ms) / 1000)} s`,
    });
  }
  const [pMin, pMax] = o.partitionMs ?? [10 * MIN, 6 * HOUR];
  for (let i = 0; i < (o.partitions ?? 0); i++) {
    const door = r.pick(pool);
    const start = r.range(from + HOUR, to - pMax - 2 * HOUR);
    const until = Math.round(start + r.between(pMin, pMax));
    const fault: FaultRecord = {
      id: faults.length,
      door,
      kind: "partition",
      time: Math.round(start),
      until,
      detail: "the lock cannot reach the collector",
    };
    faults.push(fault);
    partitions.push({ fault: fault.id, door, from: fault.time, until });
  }
  return { faults, cuts, partitions, clocks };
}
