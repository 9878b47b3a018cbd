// One simulated lock at run time: the real LockAgent (real files, fsync) on a SimDriver, its real
// Uplink over HTTP, its scheduled items (physical steps from the plan, power cuts and restarts),
// its agent timer and uplink flushes. `nextAt()` is when it next has something to do (true time);
// `step()` does it. Every entry the agent makes durable is recorded for the ground truth and
// attributed to the physical step (or fault) that caused it.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type KeyPair, sha256 } from "@chronoseal/core";
import {
  type AnchorSink,
  entryHash,
  LockAgent,
  type LockEntry,
  monthly,
  type RetentionPeriods,
  Uplink,
} from "@chronoseal/lock";
import type { DeviceClock } from "./driver.js";
import { SimDriver } from "./driver.js";
import type { PlannedCut } from "./faults.js";
import { PowerGate, PowerObserver } from "./power.js";
import type { EntryRef, FaultRecord, GroundTruth, PhysicalEvent } from "./truth.js";

export interface LockSetup {
  door: string;
  dir: string;
  keyPair: KeyPair;
  clock: DeviceClock;
  sink: AnchorSink;
  collector: string;
  authorized: ReadonlySet<string>;
  events: PhysicalEvent[];
  cuts: PlannedCut[];
  partitions: { from: number; until: number }[];
  truth: GroundTruth;
  uplinkEveryMs: number;
  firstFlush: number;
  anchorEvery: number;
  anchorInterval: number;
  periods?: RetentionPeriods;
  retainPeriods?: number;
  batchSize?: number;
}

type Item =
  | { time: number; kind: "event"; event: PhysicalEvent }
  | { time: number; kind: "cut"; cut: PlannedCut }
  | { time: number; kind: "restart"; cut: PlannedCut };

const ORDER = { restart: 0, cut: 1, event: 2 } as const;

function entryRef(e: LockEntry): EntryRef {
  return { chain: e.chain, seq: e.seq, event: e.event, hash: entryHash(e), time: e.time };
}

export class SimLock {
  readonly driver: SimDriver;
  private agent: LockAgent | undefined;
  private uplink: Uplink | undefined;
  private observer = new PowerObserver();
  private gate: PowerGate;
  private readonly items: Item[];
  private cursor = 0;
  private wakeupAt = Number.POSITIVE_INFINITY;
  private flushAt: number;
  private context: PhysicalEvent | FaultRecord | undefined;
  private pendingHeld: PhysicalEvent | undefined;
  private readonly heldOf = new Map<number, PhysicalEvent>();
  /** Entries made durable by this lock, in chain order. */
  readonly durable: EntryRef[] = [];
  /** Chains this lock deleted by retention. */
  readonly expired: string[] = [];

  constructor(private readonly s: LockSetup) {
    this.driver = new SimDriver(s.clock);
    this.gate = new PowerGate(s.sink);
    this.flushAt = s.firstFlush;
    const items: Item[] = s.events.map((event) => ({ time: event.time, kind: "event", event }));
    for (const cut of s.cuts) {
      if (cut.tornEvent === undefined) items.push({ time: cut.at, kind: "cut", cut });
      items.push({ time: cut.until, kind: "restart", cut });
    }
    items.sort((a, b) => a.time - b.time || ORDER[a.kind] - ORDER[b.kind]);
    this.items = items;
    for (const e of s.events) if (e.kind === "held-open") this.heldOf.set(e.access, e);
  }

  /** Items (physical steps, cuts, restarts) in the plan: the progress total. */
  get planned(): number {
    return this.items.length;
  }

  get done(): number {
    return this.cursor;
  }

  /**
   * Boots the lock for the first time. The pseudonym keys of the periods the run can reach are
   * written first, derived from the run's seed (the agent would draw them at random), so that a
   * run is reproducible; the agent still destroys each one when its period expires.
   */
  async start(seed: number, from: number, to: number): Promise<void> {
    const periods = this.s.periods ?? monthly;
    const keys = join(this.s.dir, "keys");
    mkdirSync(keys, { recursive: true, mode: 0o700 });
    for (let t = from - 86_400_000; t < to + 86_400_000; t = periods.next(t)) {
      const period = periods.of(t);
      const file = join(keys, `${period}.key`);
      if (existsSync(file)) continue;
      const key = sha256(new TextEncoder().encode(`chronoseal-sim/${seed}/${this.s.door}/${period}`));
      writeFileSync(file, `${Buffer.from(key).toString("base64")}\n`, { mode: 0o600 });
    }
    await this.boot();
  }

  private async boot(): Promise<void> {
    const s = this.s;
    this.observer = new PowerObserver();
    this.gate.power(true, this.observer);
    const partitioned = () => s.partitions.some((p) => s.clock.t >= p.from && s.clock.t < p.until);
    const uplink = new Uplink({
      dir: s.dir,
      collector: s.collector,
      now: () => s.clock.t,
      backoff: 30_000,
      maxBackoff: 15 * 60_000,
      ...(s.batchSize ? { batchSize: s.batchSize } : {}),
      fetch: (input, init) =>
        partitioned() ? Promise.reject(new TypeError("fetch failed: network partition")) : fetch(input, init),
    });
    this.uplink = uplink;
    this.agent = await LockAgent.start({
      dir: s.dir,
      door: s.door,
      keyPair: s.keyPair,
      driver: this.driver,
      anchors: this.gate,
      anchorEvery: s.anchorEvery,
      anchorInterval: s.anchorInterval,
      authorize: (badge) => s.authorized.has(badge),
      storageObserver: this.observer,
      ...(s.periods ? { periods: s.periods } : {}),
      ...(s.retainPeriods ? { retainPeriods: s.retainPeriods } : {}),
      onEntry: (e) => {
        if (this.observer.dead) return; // made after the power cut: undone by settle()
        this.recordEntry(e);
        uplink.enqueue(e);
      },
      onExpired: (chain, note) => {
        this.expired.push(chain);
        uplink.expire(chain, note);
      },
    });
    this.rearm();
  }

  private recordEntry(e: LockEntry): void {
    const ref = entryRef(e);
    this.durable.push(ref);
    const c = this.context;
    if (e.event === "held-open" && this.pendingHeld && !this.pendingHeld.entry) {
      this.pendingHeld.entry = ref;
      this.pendingHeld = undefined;
    } else if (c && "access" in c && c.expect === e.event && !c.entry) c.entry = ref;
    else if (c && "kind" in c && c.kind === "power-cut" && e.event === "recovered") c.recovered = ref;
  }

  /** True time of the next thing to do. */
  nextAt(): number {
    return Math.min(this.items[this.cursor]?.time ?? Number.POSITIVE_INFINITY, this.wakeupAt, this.flushAt);
  }

  private rearm(): void {
    if (!this.agent) {
      this.wakeupAt = Number.POSITIVE_INFINITY;
      return;
    }
    const t = this.s.clock.trueTimeOf(this.agent.nextWakeup(), this.s.clock.t);
    this.wakeupAt = Math.max(t, this.s.clock.t + 1);
  }

  /** Does the next thing (one item, timer or flush). */
  async step(): Promise<void> {
    const item = this.items[this.cursor];
    const at = this.nextAt();
    const clock = this.s.clock;
    clock.t = Math.max(clock.t, at);
    if (this.wakeupAt === at && this.agent) {
      await this.agent.tick();
    } else if (item && item.time === at) {
      this.cursor++;
      await this.perform(item);
    } else {
      this.flushAt = at + this.s.uplinkEveryMs;
      if (this.uplink && this.agent && this.uplink.pending > 0) await this.uplink.flush();
    }
    this.rearm();
  }

  private async perform(item: Item): Promise<void> {
    if (item.kind === "cut") return this.powerOff(item.cut);
    if (item.kind === "restart") {
      const fault = this.s.truth.faults[item.cut.fault]!;
      this.context = fault;
      await this.boot();
      this.context = undefined;
      this.noteTornSurvivor(item.cut, fault);
      return;
    }
    const e = item.event;
    if (e.lost === "power-off") return;
    const agent = this.agent;
    if (!agent) throw new Error(`${this.s.door}: event ${e.id} while the lock is off`);
    this.context = e;
    try {
      if (e.lost === "power-cut") {
        this.observer.arm();
        const cut = this.s.cuts.find((c) => c.tornEvent === e.id)!;
        await this.input(e);
        if (!this.observer.torn) throw new Error(`${this.s.door}: no entry was written at event ${e.id}`);
        await this.powerOff(cut);
        return;
      }
      await this.input(e);
    } finally {
      this.context = undefined;
    }
  }

  private async input(e: PhysicalEvent): Promise<void> {
    const inputs = this.driver.inputs;
    switch (e.kind) {
      case "badge":
      case "refused": {
        const { accepted } = await inputs.badge(e.badge!);
        if (accepted !== (e.kind === "badge"))
          throw new Error(`${this.s.door}: badge ${e.badge} was ${accepted ? "accepted" : "refused"}`);
        if (accepted && this.heldOf.has(e.access)) this.pendingHeld = this.heldOf.get(e.access);
        return;
      }
      case "door-open":
        return inputs.door(true);
      case "exit-open":
        if (this.heldOf.has(e.access)) this.pendingHeld = this.heldOf.get(e.access);
        return inputs.door(true);
      case "door-close":
        return inputs.door(false);
      case "held-open":
        return; // the agent's own timer writes the entry at the 60-second mark
    }
  }

  /** The power goes: no clean stop; files are left as the cut leaves them. */
  private async powerOff(cut: PlannedCut): Promise<void> {
    const agent = this.agent!;
    this.observer.cut();
    this.gate.power(false);
    this.agent = undefined;
    this.uplink = undefined;
    await agent.stop({ anchor: false }); // releases file handles; no clean-stop anchor (the power is off)
    writeFileSync(join(this.s.dir, "running"), ""); // the marker a clean stop would have removed
    const torn = this.observer.torn;
    const keep = torn ? Math.round((cut.keepFraction ?? 0) * torn.bytes.length) : 0;
    this.observer.settle(keep);
    const fault = this.s.truth.faults[cut.fault]!;
    if (torn) {
      const payload = JSON.parse(torn.bytes.subarray(8).toString("utf8")) as LockEntry;
      fault.torn = {
        chain: payload.chain,
        seq: payload.seq,
        writtenBytes: torn.bytes.length,
        keptBytes: keep,
        survived: keep === torn.bytes.length,
      };
      this.tornEntry = payload;
    }
    this.rearm();
  }

  private tornEntry: LockEntry | undefined;

  /** A torn write that reached the disk whole is a durable entry after all. */
  private noteTornSurvivor(cut: PlannedCut, fault: FaultRecord): void {
    const e = this.tornEntry;
    this.tornEntry = undefined;
    if (!e || !fault.torn?.survived) return;
    const ref = entryRef(e);
    const i = this.durable.findLastIndex((d) => d.chain === e.chain && d.seq < e.seq);
    this.durable.splice(i + 1, 0, ref);
    const ev = this.s.events.find((x) => x.id === cut.tornEvent);
    if (ev) {
      ev.entry = ref;
      delete ev.lost;
    }
  }

  /** End of the run: flush everything (waiting out back-off in virtual time), then stop cleanly. */
  async finish(to: number): Promise<void> {
    const clock = this.s.clock;
    clock.t = Math.max(clock.t, to);
    if (!this.agent || !this.uplink) return;
    await this.agent.tick();
    for (let i = 0; i < 50 && this.uplink.pending > 0; i++) {
      if (this.uplink.retryAt > clock.t) clock.t = this.uplink.retryAt;
      await this.uplink.flush();
    }
    if (this.uplink.pending > 0)
      throw new Error(`${this.s.door}: uplink backlog of ${this.uplink.pending} left`);
    await this.agent.stop();
  }
}
