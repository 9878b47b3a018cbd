// The lock agent's options, its listeners, and the error a decommissioned door's start ends in.
import { ChronosealError, type KeyPair } from "@chronoseal/core";
import type { Anchor, AnchorSink } from "./anchors.js";
import type { LockDriver } from "./driver.js";
import type { LockEntry } from "./entry.js";
import type { StorageObserver } from "./files.js";
import type { RetentionPeriods } from "./periods.js";

export const HELD_OPEN_MS = 60_000;

/** The door was decommissioned: its agent does not run again (`final` is the final anchor's hash). */
export class DecommissionedError extends ChronosealError {
  constructor(
    readonly door: string,
    readonly final: string | undefined,
  ) {
    super(
      "ERR_LOCK_DECOMMISSIONED",
      `door ${door} is decommissioned${final ? ` (final anchor ${final})` : ""}: its agent does not run again`,
    );
    this.name = "DecommissionedError";
  }
}

export interface AgentListener {
  /** A durable entry (in chain order). */
  entry?(entry: LockEntry): void;
  /** An anchor written locally (publication follows). */
  anchor?(note: string, anchor: Anchor): void;
  /** A chain past retention was deleted; `note` is the signed `expired` anchor. */
  expired?(chain: string, note: string): void;
  /** A head was published (or, with `error`, could not be: it is retried). */
  head?(note: string, anchor: Anchor, error?: Error): void;
}

export interface AgentOptions {
  /** Device storage directory. */
  dir: string;
  /** Door serial ([A-Za-z0-9._:-], ≤ 64). */
  door: string;
  keyPair: KeyPair;
  driver: LockDriver;
  anchors: AnchorSink;
  /** Pins the chain's period label (no automatic rotation; call rotate()). */
  period?: string;
  /** Automatic rotation when `period` is not given (default: UTC months). */
  periods?: RetentionPeriods;
  /** Chains kept on the device, the open one included (default 3); older ones are deleted. */
  retainPeriods?: number;
  /** One fixed pseudonym key for every period (tests, demos); default: per-period keys in <dir>/keys. */
  periodKey?: Uint8Array;
  /** Anchor after this many entries (default 100). */
  anchorEvery?: number;
  /** Anchor after this long without one (ms, default 1 h): a heartbeat when idle. */
  anchorInterval?: number;
  /**
   * While entries are unanchored, publish a signed head at most this often (ms, default 5 min;
   * 0: never) through `anchors.publishHead`: a collector can then hide at most this long a tail.
   */
  headInterval?: number;
  /** A door opening this soon after an accepted badge belongs to it (ms, default 10 s). */
  unlockMs?: number;
  /**
   * Access decision (default: every badge is accepted); may be async (see authorize.ts for the
   * allowlist and module hooks). Refused badges leave no entry.
   */
  authorize?: (badgeId: string) => boolean | Promise<boolean>;
  /** The anchor hash the first chain links to (a lock replacing another one). */
  previousChainAnchor?: string;
  onEntry?: (entry: LockEntry) => void;
  onAnchor?: (note: string, anchor: Anchor) => void;
  onExpired?: (chain: string, note: string) => void;
  /** Sees every storage write step (power-cut tests, the hardware simulator). */
  storageObserver?: StorageObserver;
}
