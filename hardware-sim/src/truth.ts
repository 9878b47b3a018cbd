// Ground truth: what physically happened in a run (true time, door, badge, kind), every fault the
// simulator injected, every action the adversary took, and every entry the devices wrote durably.
// The auditor never sees this; checkAgainstTruth compares its verdicts against it.
import type { FindingKind, LockEvent } from "@chronoseal/lock";

/** A door-level physical happening. */
export type PhysicalKind = "badge" | "refused" | "door-open" | "exit-open" | "held-open" | "door-close";

/** An entry as the device wrote it (the device's own view, not the collector's). */
export interface EntryRef {
  chain: string;
  seq: number;
  event: LockEvent;
  /** base64 entry hash. */
  hash: string;
  /** Device time as recorded (RFC 3339). */
  time: string;
}

export interface PhysicalEvent {
  /** Index in truth.events (events are sorted by door, then time). */
  id: number;
  /** Groups the steps of one person's passage (door-unique). */
  access: number;
  /** True time, epoch ms. */
  time: number;
  door: string;
  kind: PhysicalKind;
  /** Badge id (hex) for badge and refused events. */
  badge?: string;
  /** The entry the device should write for it (none for refused badges or the opening after a badge). */
  expect?: LockEvent;
  /** What the device durably wrote for it. */
  entry?: EntryRef;
  /** Why nothing was written although something should have been. */
  lost?: "power-cut" | "power-off";
  /** The fault (truth.faults id) that explains `lost`. */
  fault?: number;
}

export type FaultKind = "power-cut" | "clock-jump" | "partition";

export interface FaultRecord {
  id: number;
  door: string;
  kind: FaultKind;
  /** True time the fault began (epoch ms). */
  time: number;
  /** True time it ended (outage over, network back). */
  until?: number;
  /** Clock jumps: how far the device clock moved (ms, negative = back). */
  jumpMs?: number;
  /** Power cuts in the middle of writing an entry: where the record was torn. */
  torn?: { chain: string; seq: number; writtenBytes: number; keptBytes: number; survived: boolean };
  /** The `recovered` entry the device wrote on the next boot (power cuts). */
  recovered?: EntryRef;
  detail: string;
}

export type AdversaryMode = "drop" | "reorder" | "alter" | "replay" | "fork";

export const ADVERSARY_MODES: readonly AdversaryMode[] = ["drop", "reorder", "alter", "replay", "fork"];

/** The finding the auditor must report for each adversary mode. */
export const EXPECTED_FINDING: Readonly<Record<AdversaryMode, FindingKind>> = {
  drop: "dropped",
  reorder: "reordered",
  alter: "altered",
  replay: "replayed",
  fork: "forked",
};

export interface AdversaryAction {
  /** Order in which the proxy took the actions. */
  id: number;
  mode: AdversaryMode;
  door: string;
  chain: string;
  /** The sequence numbers it touched (reorder: the swapped pair). */
  seqs: number[];
  detail: string;
}

export interface GroundTruth {
  seed: number;
  /** True time span of the run (epoch ms). */
  from: number;
  to: number;
  doors: string[];
  /** Doors nobody ever opens. */
  neverOpened: string[];
  events: PhysicalEvent[];
  faults: FaultRecord[];
  adversary: AdversaryAction[];
  /** Every entry the devices wrote durably, per door in chain order. */
  durable: EntryRef[];
  /** Chains deleted by retention (device-signed `expired` anchors). */
  expired: string[];
}
