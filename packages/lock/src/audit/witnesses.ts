// Witness cosignatures on anchors, for the auditor: with a policy (witness keys — cosignature/v1
// or plain Ed25519 note keys — and how many must cosign), every copy of every anchor note is
// checked against the witness keys, and the verified cosignatures are merged per anchor (by
// anchorHash: a cosigned copy published later is the same anchor), one per witness key. A chain is
// witnessed through the last entry of its newest anchor that `require` witnesses cosigned; a
// witness's cosignature on an anchor vouches for every earlier anchor of the chain too (their trees
// are prefixes of its tree, which the auditor checks entry by entry). Cosignatures dated more than
// `maxFutureMs` ahead of `now` do not count (c2sp.org/tlog-cosignature lets verifiers refuse them).
import { checkNote, type NoteVerifier, toHex } from "@chronoseal/core";
import type { OpenedAnchor } from "../anchors.js";

export interface WitnessPolicy {
  /** The witnesses' verifier keys. */
  keys: readonly NoteVerifier[];
  /** How many distinct witnesses must cosign (default 1). */
  require?: number;
  /** The auditor's clock for cosignature timestamps, ms (default Date.now()). */
  now?: number;
  /** Tolerance for timestamps ahead of `now` (default 10 minutes). */
  maxFutureMs?: number;
}

export interface AnchorWitness {
  name: string;
  /** cosignature/v1: when the witness cosigned, RFC 3339. */
  time?: string;
}

/** Checks a policy; returns how many witnesses are required. */
export function checkWitnessPolicy(p: WitnessPolicy): number {
  if (!p || !Array.isArray(p.keys)) throw new TypeError("witnesses.keys: expected an array of verifier keys");
  const require = p.require ?? 1;
  if (!Number.isInteger(require) || require < 0 || require > p.keys.length)
    throw new RangeError(`witnesses.require: expected an integer in [0, ${p.keys.length}], got ${require}`);
  return require;
}

/** Verified cosignatures per anchor hash, one per witness public key. */
export class AnchorWitnesses {
  private readonly byAnchor = new Map<string, Map<string, AnchorWitness>>();
  constructor(private readonly policy: WitnessPolicy) {}

  /** Adds the verified cosignatures of one copy of the anchor `hash`. */
  add(hash: string, note: string): void {
    let opened: ReturnType<typeof checkNote>;
    try {
      opened = checkNote(note, this.policy.keys, {
        ...(this.policy.now === undefined ? {} : { now: this.policy.now }),
        ...(this.policy.maxFutureMs === undefined ? {} : { maxFutureMs: this.policy.maxFutureMs }),
      });
    } catch {
      return; // a malformed note: openAnchor has refused it already
    }
    if (opened.signatures.length === 0) return;
    let m = this.byAnchor.get(hash);
    if (!m) {
      m = new Map();
      this.byAnchor.set(hash, m);
    }
    for (const s of opened.signatures) {
      const pk = toHex(s.verifier.publicKey);
      const time = s.timestamp === undefined ? undefined : new Date(s.timestamp * 1000).toISOString();
      const had = m.get(pk);
      // Keep the earliest cosignature a witness made on the anchor.
      if (!had || (time !== undefined && (had.time === undefined || time < had.time)))
        m.set(pk, { name: s.name, ...(time === undefined ? {} : { time }) });
    }
  }

  of(hash: string): AnchorWitness[] {
    return [...(this.byAnchor.get(hash)?.values() ?? [])];
  }

  /** Last sequence number of the newest anchor in `list` (chain order) with ≥ require witnesses; −1 if none. */
  witnessedThrough(list: readonly OpenedAnchor[], require: number): number {
    let through = -1;
    for (const a of list)
      if ((this.byAnchor.get(a.hash)?.size ?? 0) >= require) through = Math.max(through, a.lastSeq);
    return through;
  }
}
