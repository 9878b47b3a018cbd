// The driver interface: what a lock's hardware (or a simulator) gives the agent — a clock, badge
// reads and door-sensor changes — and what the agent gives back. Real hardware, the built-in
// simulated driver and the hardware simulator all plug in the same way:
//
//   const agent = await LockAgent.start({ driver, … });   // calls driver.attach(agent inputs)
//   driver: inputs.badge("04A2…") → { accepted }          // the reader saw a badge
//           inputs.door(true | false)                      // the door sensor changed
//   runtime: await agent.tick() at agent.nextWakeup()      // timers (60-second rule, anchors)
//
// Time is only ever read from driver.now(), so a simulator can run the agent in virtual time.

/** What the agent offers a driver. Calls may overlap; the agent orders them. */
export interface LockInputs {
  /** A badge was read. Resolves once the decision is made and any entry is durable. */
  badge(badgeId: string): Promise<{ accepted: boolean }>;
  /** The door sensor changed (true = open). */
  door(open: boolean): Promise<void>;
  /** Timers: call at (or after) nextWakeup(). */
  tick(): Promise<void>;
}

export interface LockDriver {
  /** Device clock, epoch milliseconds (may drift or jump; entries record it as is). */
  now(): number;
  /** Connects the hardware's events to the agent (called once by LockAgent.start). */
  attach?(inputs: LockInputs): void;
  /** Disconnects (called by LockAgent.stop). */
  detach?(): void;
  /** Releases the door strike after an accepted badge (hardware drivers; optional). */
  unlock?(ms: number): void;
}

/** A settable clock for tests and simulations. */
export class VirtualClock {
  constructor(public t: number = Date.UTC(2025, 0, 6, 8)) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
  set(t: number): void {
    this.t = t;
  }
}
