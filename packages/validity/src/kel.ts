// Key event logs: replays an identifier's events into its key state at every sequence number,
// checking self-addressing ids, the prior-event links, pre-rotation commitments and (through the
// caller's signature oracle) the signing thresholds. The result says how far the log is proven
// and, when it stops early, why (a missing event, a bad signature, a fork).
import { createHash } from "node:crypto";
import { hasValidSaid } from "./said.js";
import type { KeyEvent, Seal } from "./types.js";

/** Answers "does `doc` carry ≥ threshold valid signatures by `keys` in `context`?". */
export type SignatureOracle = (
  doc: object,
  context: string,
  keys: readonly string[],
  threshold: number,
) => boolean;

export interface KeyState {
  sn: number;
  keys: readonly string[];
  threshold: number;
  next: readonly string[];
  nextThreshold: number;
}

export interface KelState {
  aid: string;
  /** Events proven so far, indexed by sequence number (contiguous from 0). */
  events: KeyEvent[];
  /** Key state in force at each proven sequence number. */
  states: KeyState[];
  /** Where each seal is anchored: key `${i}:${s}:${d}` → sequence number of the anchoring event. */
  anchors: Map<string, number>;
  delegator?: string;
  /** Why the proven prefix ends (undefined when every stored event is proven). */
  stop?: { sn: number; reason: "missing" | "signature-invalid" | "malformed" | "duplicity"; detail: string };
}

export function sealKey(seal: Seal): string {
  return `${seal.i}:${seal.s}:${seal.d}`;
}

/** base64 SHA-256 of a base64 public key's bytes: the pre-rotation commitment to a next key. */
export function keyDigest(key: string): string {
  return createHash("sha256").update(Buffer.from(key, "base64")).digest("base64");
}

function validKeyList(k: unknown, kt: unknown): k is string[] {
  return (
    Array.isArray(k) &&
    k.length > 0 &&
    k.every((x) => typeof x === "string" && x.length > 0) &&
    Number.isInteger(kt) &&
    (kt as number) >= 1 &&
    (kt as number) <= k.length
  );
}

/** Replays the stored events of `aid` (any order, duplicates allowed) into a KelState. */
export function replayKel(aid: string, stored: readonly KeyEvent[], sigOk: SignatureOracle): KelState {
  const bySn = new Map<number, KeyEvent[]>();
  for (const e of stored) {
    if (e.i !== aid || !Number.isSafeInteger(e.s) || e.s < 0) continue;
    const list = bySn.get(e.s) ?? [];
    if (!list.some((x) => x.d === e.d)) list.push(e);
    bySn.set(e.s, list);
  }
  const st: KelState = { aid, events: [], states: [], anchors: new Map() };
  let prev: KeyEvent | undefined;
  let state: KeyState | undefined;
  for (let sn = 0; ; sn++) {
    const candidates = bySn.get(sn);
    if (!candidates) {
      if ([...bySn.keys()].some((s) => s > sn))
        st.stop = { sn, reason: "missing", detail: `kel:${aid}@${sn}` };
      break;
    }
    const proven = candidates.filter((e) => checkEvent(e, sn, prev, state, aid, sigOk) === undefined);
    if (proven.length > 1) {
      st.stop = {
        sn,
        reason: "duplicity",
        detail: `two valid events at ${aid}@${sn}: ${proven.map((e) => e.d).join(", ")}`,
      };
      break;
    }
    const e = proven[0];
    if (!e) {
      const why = checkEvent(candidates[0]!, sn, prev, state, aid, sigOk)!;
      st.stop = { sn, reason: why.reason, detail: why.detail };
      break;
    }
    if (e.t === "icp" || e.t === "rot") {
      state = { sn, keys: e.k, threshold: e.kt, next: e.n, nextThreshold: e.nt };
      if (e.t === "icp" && e.di) st.delegator = e.di;
    } else {
      state = { ...state!, sn };
      for (const seal of e.a) st.anchors.set(sealKey(seal), sn);
    }
    st.events.push(e);
    st.states.push(state);
    prev = e;
  }
  return st;
}

type Failure = { reason: "signature-invalid" | "malformed"; detail: string };

function checkEvent(
  e: KeyEvent,
  sn: number,
  prev: KeyEvent | undefined,
  state: KeyState | undefined,
  aid: string,
  sigOk: SignatureOracle,
): Failure | undefined {
  const where = `${aid}@${sn}`;
  if (!hasValidSaid(e)) return { reason: "malformed", detail: `${where}: SAID does not match the event` };
  if (sn === 0) {
    if (e.t !== "icp") return { reason: "malformed", detail: `${where}: first event must be an inception` };
    if (e.d !== aid)
      return { reason: "malformed", detail: `${where}: identifier is not the inception's SAID` };
  } else {
    if (e.t === "icp") return { reason: "malformed", detail: `${where}: inception after sequence 0` };
    if (e.p !== prev?.d) return { reason: "malformed", detail: `${where}: prior-event digest does not link` };
  }
  if (e.t === "icp" || e.t === "rot") {
    if (!validKeyList(e.k, e.kt) || !Array.isArray(e.n) || !Number.isInteger(e.nt)) {
      return { reason: "malformed", detail: `${where}: bad key list or threshold` };
    }
    if (e.t === "rot") {
      const committed = new Set(state!.next);
      if (!e.k.every((k) => committed.has(keyDigest(k))) || e.k.length < state!.nextThreshold) {
        return { reason: "malformed", detail: `${where}: rotation keys were not pre-committed` };
      }
    }
    if (!sigOk(e, "key-event", e.k, e.kt))
      return { reason: "signature-invalid", detail: `${where}: not signed by its keys` };
    return undefined;
  }
  if (
    !Array.isArray(e.a) ||
    !e.a.every((s) => s && typeof s.i === "string" && Number.isInteger(s.s) && typeof s.d === "string")
  ) {
    return { reason: "malformed", detail: `${where}: bad seal list` };
  }
  if (!sigOk(e, "key-event", state!.keys, state!.threshold)) {
    return { reason: "signature-invalid", detail: `${where}: not signed by the current keys` };
  }
  return undefined;
}
