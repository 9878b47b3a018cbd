// The fleet model: doors (`door-001` …), a user population with badges (hex card ids), and per
// door a plan of physical passages over the run, drawn from daily patterns — a morning peak, a
// lunch peak, an evening peak and a quiet baseline on weekdays, little traffic on weekends.
// A passage is a badge read followed by the door opening within seconds and closing within
// seconds; sometimes the door is held open past 60 s, sometimes it is opened with the exit button
// (no badge), sometimes a badge is refused. One door (or more) is never opened at all.
import type { Rng } from "./prng.js";
import type { PhysicalEvent } from "./truth.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface ModelOptions {
  /** Number of locks (doors). */
  locks: number;
  /** Size of the user population (default max(20, 4 × locks)). */
  users?: number;
  /** Mean passages per door on a weekday (default 30); weekends get a tenth. */
  traffic?: number;
  /** Doors that are never opened (default 1 when there are at least 2 locks). */
  neverOpened?: number;
  /** Probability that a passage is held open past 60 s (default 0.03). */
  heldOpenRate?: number;
  /** Probability that a passage uses the exit button (default 0.12). */
  exitRate?: number;
  /** Probability that a badge is refused (default 0.03). */
  refuseRate?: number;
}

export interface Door {
  id: string;
  index: number;
  /** Relative traffic (0.3–1.7). */
  popularity: number;
  /** Badges this door accepts. */
  authorized: ReadonlySet<string>;
  neverOpened: boolean;
}

export interface Fleet {
  doors: Door[];
  /** Badges of the population. */
  badges: string[];
  /** Badges nobody accepts (lost or revoked cards). */
  revoked: string[];
}

export const doorId = (i: number): string => `door-${String(i + 1).padStart(3, "0")}`;

/** Doors and users. */
export function makeFleet(rng: Rng, o: ModelOptions): Fleet {
  if (!Number.isSafeInteger(o.locks) || o.locks < 1 || o.locks > 999)
    throw new RangeError(`locks: expected 1..999, got ${o.locks}`);
  const r = rng.fork("fleet");
  const users = o.users ?? Math.max(20, 4 * o.locks);
  const seen = new Set<string>();
  const card = () => {
    for (;;) {
      const b = `04${r.hex(6)}`;
      if (!seen.has(b)) {
        seen.add(b);
        return b;
      }
    }
  };
  const badges = Array.from({ length: users }, card);
  const revoked = Array.from({ length: Math.max(2, users >> 4) }, card);
  const never = o.neverOpened ?? (o.locks >= 2 ? 1 : 0);
  const neverSet = new Set<number>();
  while (neverSet.size < Math.min(never, o.locks)) neverSet.add(r.int(o.locks));
  const doors = Array.from({ length: o.locks }, (_, i): Door => {
    const authorized = new Set(badges.filter(() => r.chance(0.85)));
    return {
      id: doorId(i),
      index: i,
      popularity: r.range(0.3, 1.7),
      authorized,
      neverOpened: neverSet.has(i),
    };
  });
  return { doors, badges, revoked };
}

/** A time of day (ms after midnight) for a weekday passage: peaks and a baseline. */
function weekdayTime(r: Rng): number {
  const x = r.float();
  let h: number;
  if (x < 0.35) h = r.normal(8.4, 0.6);
  else if (x < 0.6) h = r.normal(12.6, 0.5);
  else if (x < 0.85) h = r.normal(17.2, 0.8);
  else h = r.range(6, 22);
  return Math.round(Math.min(23.9, Math.max(0.1, h)) * HOUR);
}

/** A passage as physical steps (times relative to its start), and its total length. */
function passage(
  r: Rng,
  door: Door,
  fleet: Fleet,
  o: ModelOptions,
): { steps: Omit<PhysicalEvent, "id" | "access" | "door">[]; length: number } {
  const held = r.chance(o.heldOpenRate ?? 0.03);
  const openFor = held ? r.between(61_000, 300_000) : r.between(2_000, 10_000);
  const x = r.float();
  if (x < (o.refuseRate ?? 0.03)) {
    const badge = r.chance(0.5) ? r.pick(fleet.revoked) : r.pick(fleet.badges);
    if (door.authorized.has(badge)) {
      // an authorized card would open: use a revoked one instead
      return { steps: [{ time: 0, kind: "refused", badge: r.pick(fleet.revoked) }], length: 1_000 };
    }
    return { steps: [{ time: 0, kind: "refused", badge }], length: 1_000 };
  }
  const steps: Omit<PhysicalEvent, "id" | "access" | "door">[] = [];
  let openAt = 0;
  if (x < (o.refuseRate ?? 0.03) + (o.exitRate ?? 0.12)) {
    steps.push({ time: 0, kind: "exit-open", expect: "opened" });
  } else {
    const authorized = [...door.authorized];
    const badge = authorized.length > 0 ? r.pick(authorized) : r.pick(fleet.badges);
    steps.push({ time: 0, kind: "badge", badge, expect: "opened" });
    openAt = r.between(800, 4_000);
    steps.push({ time: openAt, kind: "door-open" });
  }
  if (held) steps.push({ time: openAt + 60_000, kind: "held-open", expect: "held-open" });
  steps.push({ time: openAt + openFor, kind: "door-close", expect: "closed" });
  return { steps, length: openAt + openFor };
}

/**
 * Every door's physical steps over [from, from + days), sorted by door then time; `access`
 * numbers passages per door and `id` is the index in the returned list. Passages never overlap.
 */
export function planPhysical(
  rng: Rng,
  fleet: Fleet,
  from: number,
  days: number,
  o: ModelOptions,
): PhysicalEvent[] {
  const out: PhysicalEvent[] = [];
  const traffic = o.traffic ?? 30;
  for (const door of fleet.doors) {
    const r = rng.fork(`traffic:${door.id}`);
    if (door.neverOpened) continue;
    let access = 0;
    let busyUntil = from;
    for (let d = 0; d < days; d++) {
      const dayStart = from + d * DAY;
      const weekday = new Date(dayStart).getUTCDay();
      const weekend = weekday === 0 || weekday === 6;
      const n = r.poisson(traffic * door.popularity * (weekend ? 0.1 : 1));
      const times = Array.from({ length: n }, () =>
        weekend ? Math.round(r.range(9, 18) * HOUR) : weekdayTime(r),
      ).sort((a, b) => a - b);
      for (const t of times) {
        const start = Math.max(dayStart + t, busyUntil + r.between(2_000, 30_000));
        const p = passage(r, door, fleet, o);
        if (start + p.length >= from + days * DAY - HOUR) break;
        for (const s of p.steps)
          out.push({ ...s, id: 0, access, door: door.id, time: start + s.time } as PhysicalEvent);
        busyUntil = start + p.length;
        access++;
      }
    }
  }
  out.forEach((e, i) => {
    e.id = i;
  });
  return out;
}
