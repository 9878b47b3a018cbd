// The simulated lock hardware: a device clock and the attachment point for the agent's inputs.
// The device clock is the lock's true virtual time plus an initial offset, a drift (ppm) and the
// clock jumps the fault plan gives it (forward or back); entries record it as is. attach() hands
// the simulator the agent's badge / door / tick inputs, which the runner drives from the plan.
import type { LockDriver, LockInputs } from "@chronoseal/lock";

export class DeviceClock {
  /** The lock's true virtual time (epoch ms); set by the runner. */
  t: number;
  private readonly jumps: { at: number; ms: number }[];

  constructor(
    readonly from: number,
    /** Offset at `from` (ms). */
    readonly offsetMs: number,
    /** Drift in parts per million (positive: the device clock runs fast). */
    readonly driftPpm: number,
    jumps: readonly { at: number; ms: number }[] = [],
  ) {
    this.t = from;
    this.jumps = [...jumps].sort((a, b) => a.at - b.at);
  }

  /** Device time at true time `t`. */
  at(t: number): number {
    if (!Number.isSafeInteger(t)) throw new RangeError(`time: expected integer milliseconds, got ${t}`);
    let off = this.offsetMs + Math.round(((t - this.from) * this.driftPpm) / 1e6);
    for (const j of this.jumps) if (j.at <= t) off += j.ms;
    return t + off;
  }

  /** Device time now. */
  readonly now = (): number => this.at(this.t);

  /** The earliest true time ≥ `after` at which the device clock reads at least `device`. */
  trueTimeOf(device: number, after: number): number {
    if (this.at(after) >= device) return after;
    let t = after + Math.ceil(device - this.at(after));
    for (let i = 0; i < 4 && this.at(t) < device; i++) t += Math.max(1, Math.ceil(device - this.at(t)));
    // a forward jump in between reaches the time sooner
    for (const j of this.jumps) if (j.at > after && j.at < t && this.at(j.at) >= device) return j.at;
    return t;
  }
}

/** A LockDriver whose clock is a DeviceClock and whose inputs the simulator drives. */
export class SimDriver implements LockDriver {
  private attached: LockInputs | undefined;
  readonly now: () => number;

  constructor(readonly clock: DeviceClock) {
    this.now = clock.now;
  }

  attach(inputs: LockInputs): void {
    this.attached = inputs;
  }

  detach(): void {
    this.attached = undefined;
  }

  /** The agent's inputs (throws when no agent is attached: the lock has no power). */
  get inputs(): LockInputs {
    if (!this.attached) throw new Error("no agent attached (the lock is off)");
    return this.attached;
  }

  get powered(): boolean {
    return this.attached !== undefined;
  }
}
