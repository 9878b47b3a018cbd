// A simple built-in driver for running the agent without hardware: the device clock is the
// host clock, and badge reads and door movements are drawn from a seeded generator. (The
// hardware simulator package models whole fleets with faults; this is the default for
// apps/lock-agent.)
import type { LockAgent, LockDriver } from "./agent.js";

export interface SimulatedDriverOptions {
  /** Mean ms between badge reads (default 5000). */
  badgeEveryMs?: number;
  /** How long the door stays open after a badge (default 4000 ms; every tenth opening, 70 s). */
  holdOpenMs?: number;
  seed?: number;
}

export class SimulatedDriver implements LockDriver {
  private state: number;
  private nextBadge: number;
  private closeAt: number | undefined;
  private openings = 0;

  constructor(private readonly o: SimulatedDriverOptions = {}) {
    this.state = (o.seed ?? 1) >>> 0 || 1;
    this.nextBadge = this.now() + this.interval();
  }

  now(): number {
    return Date.now();
  }

  private random(): number {
    // xorshift32
    this.state ^= this.state << 13;
    this.state ^= this.state >>> 17;
    this.state ^= this.state << 5;
    return (this.state >>> 0) / 2 ** 32;
  }

  private interval(): number {
    return Math.max(50, -Math.log(1 - this.random()) * (this.o.badgeEveryMs ?? 5000));
  }

  /** Advances the simulated hardware to now: badge reads, doors opening and closing. */
  async step(agent: LockAgent): Promise<void> {
    const now = this.now();
    if (this.closeAt !== undefined && now >= this.closeAt) {
      this.closeAt = undefined;
      await agent.door(false);
    }
    if (now >= this.nextBadge && this.closeAt === undefined) {
      const user = `badge-${Math.floor(this.random() * 50)}`;
      await agent.badge(user);
      await agent.door(true);
      this.openings++;
      this.closeAt = now + (this.openings % 10 === 0 ? 70_000 : (this.o.holdOpenMs ?? 4000));
      this.nextBadge = now + this.interval();
    }
  }
}
