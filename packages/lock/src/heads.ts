// When and how the agent publishes heads (see anchors.ts): a head is due `every` ms after the
// oldest entry no anchor or head covers, and after the previous head — so no entry stays
// uncovered longer than `every` (plus a tick), a busy lock publishes one head per interval and an
// idle one none. A failed publication is retried after min(every, 10 s). Heads are signed when
// due, published once the entries they cover are durable, and never written to the device.
import { formatTimestamp } from "@chronoseal/core";
import { type Anchor, type AnchorSink, signAnchor } from "./anchors.js";
import type { ChainLog } from "./chain.js";

const DEFAULT_HEAD_INTERVAL = 300_000;

export class Heads {
  /** Device time of the newest published head, and when to retry after a failure. */
  private at = Number.NEGATIVE_INFINITY;
  private retryAt = 0;
  /** Device time of the oldest entry no anchor or head covers (undefined: none). */
  private uncoveredSince: number | undefined;
  /** The last publication error (cleared by a success). */
  error: Error | undefined;

  constructor(
    private readonly sink: AnchorSink,
    private readonly every = DEFAULT_HEAD_INTERVAL,
  ) {
    if (!Number.isSafeInteger(every) || every < 0)
      throw new RangeError(`headInterval: expected ms ≥ 0, got ${every}`);
  }

  /** An entry was written at `now`. */
  entry(now: number): void {
    this.uncoveredSince ??= now;
  }

  /** An anchor now covers every entry. */
  anchored(): void {
    this.uncoveredSince = undefined;
  }

  /** After a boot: whether entries are unanchored (counted from now). */
  restore(unanchored: boolean, now: number): void {
    this.uncoveredSince = unanchored ? now : undefined;
  }

  /** When the next head is due (undefined: nothing uncovered, heads off, or no head sink). */
  dueAt(): number | undefined {
    if (!this.sink.publishHead || this.every === 0 || this.uncoveredSince === undefined) return undefined;
    return Math.max(this.at + this.every, this.uncoveredSince + this.every, this.retryAt);
  }

  /**
   * Signs a head of `chain` at device time `now` and publishes it once its entries are durable.
   * `uncovered()` is asked afterwards whether entries written meanwhile are still uncovered.
   */
  async publish(
    chain: ChainLog,
    o: { prevAnchor: string; now: number; door: string; secretKey: Uint8Array; uncovered: () => boolean },
  ): Promise<{ note: string; anchor: Anchor; error?: Error }> {
    const anchor: Anchor = {
      chain: chain.chain,
      kind: "head",
      size: chain.size,
      root: chain.root(),
      lastSeq: chain.size - 1,
      prevAnchor: o.prevAnchor,
      time: formatTimestamp(o.now),
    };
    const note = signAnchor(anchor, o.door, o.secretKey);
    await chain.log.durable();
    try {
      await this.sink.publishHead!(note);
      this.at = o.now;
      this.uncoveredSince = chain.size > anchor.size && o.uncovered() ? o.now : undefined;
      this.error = undefined;
      return { note, anchor };
    } catch (e) {
      this.error = e instanceof Error ? e : new Error(String(e));
      this.retryAt = o.now + Math.min(this.every, 10_000);
      return { note, anchor, error: this.error };
    }
  }
}
