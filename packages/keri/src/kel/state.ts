// Key state: what an identifier's log says after a given event — current signing keys and
// threshold, the digests of the pre-rotated next keys and their threshold, witnesses and their
// threshold, the last event and the last establishment event, delegator and traits.
// `applyEvent` derives the state after an event from the state before it (no signatures).
import type { Layout } from "../cesr/matter.js";
import { KeriError } from "../errors.js";
import {
  checkToad,
  type KeyEvent,
  type KeyEventIlk,
  TRAIT_DO_NOT_DELEGATE,
  TRAIT_EST_ONLY,
} from "./event.js";
import type { Threshold } from "./threshold.js";

export interface KeyState {
  readonly prefix: string;
  readonly sn: bigint;
  /** SAID of the last accepted event. */
  readonly said: string;
  readonly ilk: KeyEventIlk;
  readonly lastEst: { readonly sn: bigint; readonly said: string; readonly ilk: KeyEventIlk };
  readonly keys: readonly string[];
  readonly kt: Threshold;
  readonly nextDigests: readonly string[];
  readonly nt: Threshold;
  readonly witnesses: readonly string[];
  readonly toad: number;
  readonly delegator: string | undefined;
  readonly config: readonly string[];
  /** False once the next-key commitment is empty: no rotation can follow. */
  readonly transferable: boolean;
  /** CESR layout of the last establishment event (how its keys and digests decode). */
  readonly layout: Layout;
}

/** State after `event`, given the state before it (undefined for inceptions). */
export function applyEvent(before: KeyState | undefined, event: KeyEvent): KeyState {
  if (event.ilk === "icp" || event.ilk === "dip") {
    return {
      prefix: event.prefix,
      sn: 0n,
      said: event.said,
      ilk: event.ilk,
      lastEst: { sn: 0n, said: event.said, ilk: event.ilk },
      keys: event.keys as string[],
      kt: event.kt as Threshold,
      nextDigests: event.nextDigests as string[],
      nt: event.nt as Threshold,
      witnesses: event.witnesses as string[],
      toad: event.toad as number,
      delegator: event.delegator,
      config: event.config,
      transferable: (event.nextDigests as string[]).length > 0,
      layout: event.layout,
    };
  }
  if (!before) throw new Error("applyEvent: a non-inception needs the prior state");
  if (event.ilk === "ixn") {
    if (before.config.includes(TRAIT_EST_ONLY)) {
      throw new KeriError(
        "ERR_KERI_FIELD",
        'an establishment-only ("EO") identifier cannot have interaction events',
        "$.t",
      );
    }
    return { ...before, sn: event.sn, said: event.said, ilk: "ixn" };
  }
  // rot / drt
  if (!before.transferable)
    throw new KeriError(
      "ERR_KERI_FIELD",
      "the identifier is non-transferable or abandoned: no rotation can follow",
      "$.t",
    );
  if (before.delegator !== undefined && event.ilk !== "drt") {
    throw new KeriError("ERR_KERI_FIELD", "a delegated identifier rotates with drt, not rot", "$.t");
  }
  if (before.delegator === undefined && event.ilk === "drt") {
    throw new KeriError("ERR_KERI_FIELD", "a drt needs a delegated identifier", "$.t");
  }
  const cuts = event.cuts as string[];
  const adds = event.adds as string[];
  for (const [i, c] of cuts.entries()) {
    if (!before.witnesses.includes(c))
      throw new KeriError("ERR_KERI_FIELD", `cut witness ${c} is not a current witness`, `$.br[${i}]`);
  }
  for (const [i, a] of adds.entries()) {
    if (before.witnesses.includes(a) && !cuts.includes(a)) {
      throw new KeriError("ERR_KERI_FIELD", `added witness ${a} is already a witness`, `$.ba[${i}]`);
    }
  }
  const witnesses = [...before.witnesses.filter((w) => !cuts.includes(w)), ...adds];
  checkToad(event.toad as number, witnesses.length);
  return {
    ...before,
    sn: event.sn,
    said: event.said,
    ilk: event.ilk,
    lastEst: { sn: event.sn, said: event.said, ilk: event.ilk },
    keys: event.keys as string[],
    kt: event.kt as Threshold,
    nextDigests: event.nextDigests as string[],
    nt: event.nt as Threshold,
    witnesses,
    toad: event.toad as number,
    transferable: (event.nextDigests as string[]).length > 0,
    layout: event.layout,
  };
}

/** True when the identifier's inception configured "do not delegate". */
export function refusesDelegation(state: KeyState): boolean {
  return state.config.includes(TRAIT_DO_NOT_DELEGATE);
}

/** A JSON-friendly view of a key state (sequence numbers as hex strings, as KERI writes them). */
export function keyStateJson(state: KeyState): Record<string, unknown> {
  return {
    i: state.prefix,
    s: state.sn.toString(16),
    d: state.said,
    et: state.ilk,
    ee: { s: state.lastEst.sn.toString(16), d: state.lastEst.said, t: state.lastEst.ilk },
    kt: state.kt.sith,
    k: state.keys,
    nt: state.nt.sith,
    n: state.nextDigests,
    bt: state.toad.toString(16),
    b: state.witnesses,
    c: state.config,
    di: state.delegator ?? "",
    transferable: state.transferable,
  };
}
