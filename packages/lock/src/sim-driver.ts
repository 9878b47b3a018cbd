// A simple built-in driver for running the agent without hardware: badge reads and door
// movements either replayed from a script or drawn from a seeded generator (exponential gaps
// between badges; the door opens right after an accepted badge and closes after holdOpenMs,
// every holdLongEvery-th opening is held 70 s so the 60-second rule fires). The clock is injected:
// Date.now for apps/lock-agent, a VirtualClock for tests. `step()` performs what is due at the
// clock's time; runVirtual() drives an agent and this driver through virtual time.
import type { LockDriver, LockInputs, VirtualClock } from "./driver.js";

export interface ScriptStep {
  /** Device time (epoch ms) at which it happens. */
  at: number;
  badge?: string;
  door?: boolean;
}

export interface SimulatedDriverOptions {
  /** Device clock (default Date.now). */
  now?: () => number;
  /** Replays these steps (sorted by time) instead of generating events. */
  script?: readonly ScriptStep[];
  /** Mean ms between badge reads (default 5000). */
  badgeEveryMs?: number;
  /** How long the door stays open after a badge (default 4000 ms). */
  holdOpenMs?: number;
  /** Every n-th opening is held 70 s (default 10; 0 never). */
  holdLongEvery?: number;
  /** Size of the badge population (default 50): badges are `badge-<n>`. */
  users?: number;
  seed?: number;
}

export class SimulatedDriver implements LockDriver {
  readonly now: () => number;
  private inputs: LockInputs | undefined;
  private state: number;
  private queue: ScriptStep[] = [];
  private readonly scripted: boolean;
  private openings = 0;
  private nextBadge = 0;

  constructor(private readonly o: SimulatedDriverOptions = {}) {
    this.now = o.now ?? Date.now;
    this.state = (o.seed ?? 1) >>> 0 || 1;
    this.scripted = o.script !== undefined;
    if (o.script) this.queue = [...o.script].sort((a, b) => a.at - b.at);
  }

  attach(inputs: LockInputs): void {
    this.inputs = inputs;
    if (!this.scripted) this.nextBadge = this.now() + this.gap();
  }

  detach(): void {
    this.inputs = undefined;
  }

  private random(): number {
    // xorshift32: deterministic per seed
    this.state ^= this.state << 13;
    this.state ^= this.state >>> 17;
    this.state ^= this.state << 5;
    return (this.state >>> 0) / 2 ** 32;
  }

  private gap(): number {
    return Math.max(50, Math.round(-Math.log(1 - this.random()) * (this.o.badgeEveryMs ?? 5000)));
  }

  /** Device time of the next event (Infinity when the script is done or nothing is attached). */
  nextEventAt(): number {
    if (!this.inputs) return Number.POSITIVE_INFINITY;
    if (this.scripted || this.queue.length > 0)
      return Math.min(
        this.queue[0]?.at ?? Number.POSITIVE_INFINITY,
        this.scripted ? Number.POSITIVE_INFINITY : this.nextBadge,
      );
    return this.nextBadge;
  }

  /** Performs every event due at the clock's current time, in order. */
  async step(): Promise<void> {
    const inputs = this.inputs;
    if (!inputs) return;
    const now = this.now();
    for (;;) {
      const generatedDue = !this.scripted && this.nextBadge <= now;
      const queued = this.queue[0];
      if (queued && queued.at <= now && (!generatedDue || queued.at <= this.nextBadge)) {
        this.queue.shift();
        if (queued.badge !== undefined) await inputs.badge(queued.badge);
        if (queued.door !== undefined) await inputs.door(queued.door);
        continue;
      }
      if (!generatedDue) return;
      const at = this.nextBadge;
      this.nextBadge = at + this.gap();
      const badge = `badge-${Math.floor(this.random() * (this.o.users ?? 50))}`;
      const { accepted } = await inputs.badge(badge);
      if (!accepted) continue;
      await inputs.door(true);
      this.openings++;
      const every = this.o.holdLongEvery ?? 10;
      const hold = every > 0 && this.openings % every === 0 ? 70_000 : (this.o.holdOpenMs ?? 4000);
      this.queue.push({ at: at + hold, door: false });
      this.queue.sort((a, b) => a.at - b.at);
      // no new badge while the door is open
      this.nextBadge = Math.max(this.nextBadge, at + hold + 1);
    }
  }
}

/**
 * Runs an agent and a simulated driver in virtual time until `until` (epoch ms): the clock jumps
 * to the next driver event or agent timer, events are performed, timers ticked.
 */
export async function runVirtual(
  agent: LockInputs & { nextWakeup(): number },
  driver: SimulatedDriver,
  clock: VirtualClock,
  until: number,
): Promise<void> {
  for (;;) {
    const next = Math.min(driver.nextEventAt(), agent.nextWakeup());
    if (next > until) break;
    if (next > clock.now()) clock.set(next);
    await driver.step();
    await agent.tick();
  }
  if (clock.now() < until) clock.set(until);
}
