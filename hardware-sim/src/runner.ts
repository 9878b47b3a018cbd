// runFleet: one simulated run. It draws the fleet, the physical plan and the fault plan from the
// seed, starts a real LockAgent per lock (real files and fsync under stateDir) with a real Uplink
// to the collector (through the adversarial proxy when one is given), and advances virtual time
// with one global priority queue across locks, ordered by each lock's next due time (physical
// step, agent timer, uplink flush, power cut, restart). Up to `concurrency` locks run a step at
// once; each lock's own steps stay strictly in time order, and locks share nothing but the
// collector, so the outcome does not depend on the interleaving. At the end every backlog is
// drained, the agents stop cleanly, the auditor reads the (possibly tampered) export and the
// anchors, and the run returns the ground truth, the verdicts and the exported entries.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initKeys, type KeyPair, keyPairFromSeed, sha256, toBase64 } from "@chronoseal/core";
import {
  type AnchorSink,
  type AnchorSource,
  audit,
  type ChainVerdict,
  FileAnchors,
  type LockEntry,
  type RetentionPeriods,
} from "@chronoseal/lock";
import { type AdversaryPlanItem, AdversaryProxy } from "./adversary.js";
import { DeviceClock } from "./driver.js";
import { type FaultOptions, planFaults } from "./faults.js";
import { Heap } from "./heap.js";
import { SimLock } from "./lock-runtime.js";
import { type ModelOptions, makeFleet, planPhysical } from "./model.js";
import { Rng } from "./prng.js";
import type { GroundTruth } from "./truth.js";

const DAY = 86_400_000;

export type AnchorFactory = (door: string, keyPair: KeyPair) => AnchorSink & AnchorSource;

export interface FleetOptions extends ModelOptions {
  seed: number;
  /** Simulated days (default 7). */
  days?: number;
  /** Start of the run (epoch ms, default Monday 2025-01-06T00:00Z). */
  start?: number;
  /** The real collector's base URL. */
  collector: string;
  /** Put an adversarial proxy in front of the collector with this plan. */
  adversary?: readonly AdversaryPlanItem[];
  faults?: FaultOptions;
  /** Where the anchors go, per door (default: one FileAnchors file per door under stateDir). */
  anchors?: AnchorFactory;
  /** Device storage root (default: a new temp directory, deleted afterwards). */
  stateDir?: string;
  /** Keep the default temp state directory (default false). */
  keepState?: boolean;
  /** Anchor after this many entries (default 50). */
  anchorEvery?: number;
  /** Anchor (or heartbeat) after this long (default 4 h). */
  anchorInterval?: number;
  /** How often each lock flushes its uplink (default 1 h of virtual time). */
  uplinkEveryMs?: number;
  /** Retention periods (default: the agent's monthly) and how many are kept on the device. */
  periods?: RetentionPeriods;
  retainPeriods?: number;
  /** Locks stepping at once (default 32). */
  concurrency?: number;
  /** Called as steps complete (done of total). */
  onProgress?: (done: number, total: number) => void;
}

export interface FleetRun {
  truth: GroundTruth;
  verdicts: ChainVerdict[];
  /** What the auditor read (the proxy's export when an adversary is configured). */
  exported: LockEntry[];
  /** Device public keys (base64) per door. */
  devices: Map<string, string>;
  anchors: string[];
  wallMs: number;
}

/** The device key of a door in a run (deterministic from the seed). */
export function deviceKeyPair(seed: number, door: string): KeyPair {
  return keyPairFromSeed(sha256(new TextEncoder().encode(`chronoseal-sim/${seed}/${door}`)));
}

async function exportFrom(url: string): Promise<LockEntry[]> {
  const res = await fetch(`${url}/v1/entries`);
  if (res.status !== 200) throw new Error(`export: collector answered ${res.status}`);
  return (await res.text())
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as LockEntry);
}

export async function runFleet(o: FleetOptions): Promise<FleetRun> {
  const started = performance.now();
  await initKeys();
  const days = o.days ?? 7;
  const from = o.start ?? Date.UTC(2025, 0, 6);
  const to = from + days * DAY;
  const rng = new Rng(o.seed);
  const fleet = makeFleet(rng, o);
  const doors = fleet.doors.map((d) => d.id);
  const events = planPhysical(rng, fleet, from, days, o);
  const plan = planFaults(rng, doors, events, from, to, o.faults ?? {});
  const truth: GroundTruth = {
    seed: o.seed,
    from,
    to,
    doors,
    neverOpened: fleet.doors.filter((d) => d.neverOpened).map((d) => d.id),
    events,
    faults: plan.faults,
    adversary: [],
    durable: [],
    expired: [],
  };
  const ownState = o.stateDir === undefined;
  const root = o.stateDir ?? mkdtempSync(join(tmpdir(), "chronoseal-sim-"));
  const proxy = o.adversary
    ? new AdversaryProxy({ upstream: o.collector, plan: o.adversary, seed: o.seed })
    : undefined;
  const url = proxy ? await proxy.listen() : o.collector;
  const keys = new Map(doors.map((d) => [d, deviceKeyPair(o.seed, d)]));
  const devices = new Map([...keys].map(([d, k]) => [d, toBase64(k.publicKey)]));
  const anchorsOf = new Map<string, AnchorSink & AnchorSource>();
  try {
    mkdirSync(join(root, "anchors"), { recursive: true });
    const eventsOf = new Map<string, typeof events>(doors.map((d) => [d, []]));
    for (const e of events) eventsOf.get(e.door)!.push(e);
    const locks = fleet.doors.map((door) => {
      const keyPair = keys.get(door.id)!;
      const anchors =
        o.anchors?.(door.id, keyPair) ?? new FileAnchors(join(root, "anchors", `${door.id}.ndjson`));
      anchorsOf.set(door.id, anchors);
      const c = plan.clocks.get(door.id)!;
      const every = o.uplinkEveryMs ?? 60 * 60_000;
      return new SimLock({
        door: door.id,
        dir: join(root, "locks", door.id),
        keyPair,
        clock: new DeviceClock(from, c.offsetMs, c.driftPpm, c.jumps),
        sink: anchors,
        collector: url,
        authorized: door.authorized,
        events: eventsOf.get(door.id)!,
        cuts: plan.cuts.filter((x) => x.door === door.id),
        partitions: plan.partitions.filter((p) => p.door === door.id),
        truth,
        uplinkEveryMs: every,
        firstFlush: from + Math.round((door.index / fleet.doors.length) * every) + 1,
        anchorEvery: o.anchorEvery ?? 50,
        anchorInterval: o.anchorInterval ?? 4 * 3_600_000,
        ...(o.periods ? { periods: o.periods } : {}),
        ...(o.retainPeriods ? { retainPeriods: o.retainPeriods } : {}),
      });
    });
    for (const l of locks) await l.start(o.seed, from, to);
    await schedule(locks, to, o.concurrency ?? 32, o.onProgress);
    for (const l of locks) await l.finish(to);
    truth.durable = locks.flatMap((l) => l.durable);
    truth.expired = locks.flatMap((l) => l.expired).sort();
    const exported = await exportFrom(url);
    truth.adversary = proxy ? proxy.actions.filter((a) => a.detail !== "") : [];
    const notes = new Set<string>();
    for (const a of new Set(anchorsOf.values())) for (const n of await a.notes()) notes.add(n);
    const anchors = [...notes].sort();
    const verdicts = await audit(exported, { deviceKeys: devices, anchors });
    return { truth, verdicts, exported, devices, anchors, wallMs: Math.round(performance.now() - started) };
  } finally {
    await proxy?.close();
    if (ownState && !o.keepState) rmSync(root, { recursive: true, force: true });
  }
}

/** Runs every lock's steps up to `to`: earliest due lock first, at most `concurrency` at a time. */
async function schedule(
  locks: SimLock[],
  to: number,
  concurrency: number,
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  const total = locks.reduce((n, l) => n + l.planned, 0);
  const queue = new Heap<{ at: number; i: number }>((x, y) => x.at < y.at || (x.at === y.at && x.i < y.i));
  locks.forEach((l, i) => {
    queue.push({ at: l.nextAt(), i });
  });
  const running = new Set<Promise<void>>();
  let failure: unknown;
  let done = locks.reduce((n, l) => n + l.done, 0);
  let reported = -1;
  const progress = () => {
    if (onProgress && done !== reported && (done - reported >= total / 1000 || done === total)) {
      reported = done;
      onProgress(done, total);
    }
  };
  for (;;) {
    while (running.size < concurrency && queue.size > 0 && queue.peek()!.at < to && failure === undefined) {
      const { i } = queue.pop()!;
      const lock = locks[i]!;
      const before = lock.done;
      const p: Promise<void> = lock
        .step()
        .then(
          () => {
            done += lock.done - before;
            queue.push({ at: lock.nextAt(), i });
          },
          (e: unknown) => {
            failure ??= e;
          },
        )
        .finally(() => running.delete(p));
      running.add(p);
    }
    if (running.size === 0) break;
    await Promise.race(running);
    progress();
  }
  if (failure !== undefined) throw failure;
  onProgress?.(total, total);
}
