// Results of replaying key event logs: per identifier, the accepted events and the key state
// they lead to, the events that wait for something (and exactly what), the events superseded
// by a recovery rotation, rejected events with their reason, and duplicity evidence.
import type { KeyEvent, KeyEventIlk } from "./event.js";
import type { KeyState } from "./state.js";

/** Where a message came from: its position in the input and its byte offset in its stream. */
export interface Source {
  readonly message: number;
  readonly offset: number;
}

/** Where a delegated event is anchored in its delegator's log. */
export interface Anchor {
  readonly prefix: string;
  readonly sn: bigint;
  readonly said: string;
  readonly ilk: KeyEventIlk;
  /** Position of the seal in the anchoring event's "a" list. */
  readonly sealIndex: number;
}

export type WaitingFor =
  /** The prior event (sn - 1, SAID) is not in the evidence. */
  | { readonly kind: "prior-event"; readonly sn: bigint; readonly said: string }
  /** The prior event is present but not accepted (it waits itself, or is disputed). */
  | { readonly kind: "prior-pending"; readonly said: string }
  /** No inception for this identifier is in the evidence. */
  | { readonly kind: "inception" }
  /** Not enough verified controller signatures for the signing threshold. */
  | {
      readonly kind: "signatures";
      readonly verified: number;
      readonly threshold: string | number | unknown[];
    }
  /** A rotation's signatures do not expose enough pre-rotated keys for the prior next threshold. */
  | {
      readonly kind: "prior-next-signatures";
      readonly exposed: number;
      readonly threshold: string | number | unknown[];
    }
  /** Fewer verified witness receipts than the witness threshold. */
  | { readonly kind: "witness-receipts"; readonly verified: number; readonly toad: number }
  /** The delegator's log is not in the evidence at all. */
  | { readonly kind: "delegator-log"; readonly delegator: string }
  /** The delegator's log is present but its inception is not accepted. */
  | { readonly kind: "delegator-pending"; readonly delegator: string }
  /** The delegator's accepted log does not (yet) anchor this event with a seal {i, s, d}. */
  | {
      readonly kind: "delegation-anchor";
      readonly delegator: string;
      readonly seal: { i: string; s: string; d: string };
    }
  /** The event sits on one branch of an unresolved fork (see the log's duplicity evidence). */
  | { readonly kind: "duplicity"; readonly sn: bigint };

export interface EventRecord {
  readonly said: string;
  readonly sn: bigint;
  readonly ilk: KeyEventIlk;
  readonly event: KeyEvent;
  readonly sources: readonly Source[];
  /** Indices of verified controller signatures, exposed prior-next ondices, verified witnesses. */
  readonly signatures: {
    readonly verified: number[];
    readonly exposed: number[];
    readonly witnessed: number[];
    readonly ignored: string[];
  };
  readonly anchor: Anchor | undefined;
  /** First-seen datetimes attached by the stream's producer (informational, not trusted). */
  readonly firstSeen: readonly string[];
}

export interface AcceptedEvent extends EventRecord {
  /** Key state right after this event. */
  readonly state: KeyState;
}

export interface PendingEvent extends EventRecord {
  readonly waitingFor: readonly WaitingFor[];
}

export type RejectionCode =
  | "ERR_KEL_SAID" // the body's SAID does not verify
  | "ERR_KEL_MALFORMED" // the body is not a well-formed key event
  | "ERR_KEL_STATE" // inconsistent with the state before it (cuts, traits, delegation kind…)
  | "ERR_KEL_SEQUENCE" // the prior event named by "p" is not at sn - 1
  | "ERR_KEL_UNSIGNED" // no controller signature verifies
  | "ERR_KEL_DELEGATION_REFUSED"; // the delegator's configuration forbids delegation ("DND")

export interface RejectedEvent {
  readonly said: string | undefined;
  readonly sn: bigint | undefined;
  readonly ilk: string | undefined;
  readonly sources: readonly Source[];
  readonly code: RejectionCode;
  readonly reason: string;
}

/** Two or more valid events at one sequence number that no recovery rule resolves. */
export interface Duplicity {
  readonly sn: bigint;
  /** The accepted event they all follow. */
  readonly prior: string;
  readonly events: readonly EventRecord[];
}

export type KelStatus = "accepted" | "pending" | "duplicitous" | "rejected";

export interface KelResult {
  readonly prefix: string;
  readonly status: KelStatus;
  /** Key state after the last accepted event (absent until the inception is accepted). */
  readonly state: KeyState | undefined;
  readonly accepted: readonly AcceptedEvent[];
  readonly pending: readonly PendingEvent[];
  readonly superseded: readonly EventRecord[];
  readonly rejected: readonly RejectedEvent[];
  readonly duplicity: readonly Duplicity[];
  /** For a log without an accepted inception: what its inception waits for. */
  readonly waitingFor: readonly WaitingFor[];
}
