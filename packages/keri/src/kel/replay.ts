// Replays key event logs from a set of messages, independent of their order. Per identifier:
// derive each candidate's key state along its own chain of prior events, verify every
// signature of every log in one batch, then walk the tree of events from the inception,
// accepting at each sequence number the one valid event, letting a rotation supersede
// interaction events (recovery), and recording duplicity when two valid events at one sequence
// number cannot be told apart. Delegated events count only when the delegator's accepted log
// anchors them; logs are resolved delegators first.
import type { CesrMessage } from "../cesr/stream.js";
import { KeriError } from "../errors.js";
import { type Candidate, collectCandidates, type LogInput } from "./candidates.js";
import { findAnchor } from "./delegation.js";
import { isEstablishment } from "./event.js";
import type { KeyState } from "./state.js";
import { applyEvent, refusesDelegation } from "./state.js";
import type {
  AcceptedEvent,
  Duplicity,
  EventRecord,
  KelResult,
  PendingEvent,
  RejectedEvent,
  WaitingFor,
} from "./types.js";
import { type BatchVerifier, checkSignatures } from "./verify.js";

export interface KelReplay {
  /** Results per identifier prefix, in first-seen order of the prefixes. */
  readonly logs: ReadonlyMap<string, KelResult>;
  /** The replayed result for `prefix`, or undefined when no event of it was given. */
  get(prefix: string): KelResult | undefined;
  /** Key state of `prefix` right after its accepted event at `sn`. */
  stateAt(prefix: string, sn: bigint): KeyState | undefined;
}

function compare(a: Candidate, b: Candidate): number {
  if (a.event.sn !== b.event.sn) return a.event.sn < b.event.sn ? -1 : 1;
  return a.event.said < b.event.said ? -1 : a.event.said > b.event.said ? 1 : 0;
}

/** Derives each candidate's state before and after it along its chain of prior events. */
function deriveStates(log: LogInput): Candidate[] {
  const sorted = [...log.candidates.values()].sort(compare);
  for (const c of sorted) {
    const ev = c.event;
    try {
      if (ev.ilk === "icp" || ev.ilk === "dip") {
        c.after = applyEvent(undefined, ev);
        continue;
      }
      const parent = log.candidates.get(ev.prior as string);
      if (!parent) {
        c.orphan = "missing";
        continue;
      }
      if (parent.event.sn !== ev.sn - 1n) {
        c.invalid = {
          code: "ERR_KEL_SEQUENCE",
          reason: `prior event ${ev.prior} has sequence number ${parent.event.sn}, expected ${ev.sn - 1n}`,
        };
        continue;
      }
      if (!parent.after) {
        c.orphan = "pending";
        continue;
      }
      c.before = parent.after;
      c.after = applyEvent(parent.after, ev);
    } catch (e) {
      if (!(e instanceof KeriError)) throw e;
      c.invalid = { code: "ERR_KEL_STATE", reason: e.message };
    }
  }
  return sorted;
}

/** What a candidate still needs apart from delegation (signatures, exposure, receipts). */
function ownWaits(c: Candidate): WaitingFor[] {
  const waits: WaitingFor[] = [];
  const check = c.check;
  if (!check || !c.after) return waits;
  const est = isEstablishment(c.event.ilk);
  const kt = est ? c.after.kt : (c.before as KeyState).kt;
  if (!kt.satisfy(check.verified))
    waits.push({ kind: "signatures", verified: check.verified.size, threshold: kt.sith });
  if (est && c.before && !c.before.nt.satisfy(check.exposed)) {
    waits.push({ kind: "prior-next-signatures", exposed: check.exposed.size, threshold: c.before.nt.sith });
  }
  if (check.witnessed.size < c.after.toad)
    waits.push({ kind: "witness-receipts", verified: check.witnessed.size, toad: c.after.toad });
  return waits;
}

function record(c: Candidate, anchor?: EventRecord["anchor"]): EventRecord {
  const check = c.check;
  return {
    said: c.event.said,
    sn: c.event.sn,
    ilk: c.event.ilk,
    event: c.event,
    sources: c.sources,
    signatures: {
      verified: check ? [...check.verified].sort((a, b) => a - b) : [],
      exposed: check ? [...check.exposed].sort((a, b) => a - b) : [],
      witnessed: check ? [...check.witnessed].sort((a, b) => a - b) : [],
      ignored: check ? [...check.ignored] : [],
    },
    anchor,
    firstSeen: c.firstSeen.map((f) => f.dt),
  };
}

/** Orders prefixes so that each delegator comes before its delegates. */
function delegationOrder(logs: Map<string, LogInput>): string[] {
  const delegatorOf = (prefix: string): string | undefined => {
    for (const c of logs.get(prefix)?.candidates.values() ?? [])
      if (c.event.ilk === "dip") return c.event.delegator;
    return undefined;
  };
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  for (const start of logs.keys()) {
    // Iterative walk up the delegation chain (chains may be long; cycles stop the walk).
    const chain: string[] = [];
    let p: string | undefined = start;
    while (p !== undefined && logs.has(p) && !state.has(p)) {
      state.set(p, "visiting");
      chain.push(p);
      p = delegatorOf(p);
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const q = chain[i] as string;
      state.set(q, "done");
      order.push(q);
    }
  }
  return order;
}

export interface ReplayOptions {
  /** Verifies the one batch of signatures (default: core verifyBatch, strict mode). */
  readonly verify?: BatchVerifier;
}

/** Replays every key event log in `messages` (any order, duplicates merged). */
export function replayKels(messages: readonly CesrMessage[], options: ReplayOptions = {}): KelReplay {
  const inputs = collectCandidates(messages);
  const all: Candidate[] = [];
  const sortedByLog = new Map<string, Candidate[]>();
  for (const [prefix, log] of inputs) {
    const sorted = deriveStates(log);
    sortedByLog.set(prefix, sorted);
    all.push(...sorted);
  }
  const verifiable = all.filter((c) => c.after !== undefined && c.invalid === undefined);
  const checks = checkSignatures(
    verifiable.map((c) => ({
      event: c.event,
      before: c.before,
      after: c.after as KeyState,
      controllerSigs: c.controllerSigs,
      witnessSigs: c.witnessSigs,
      receipts: c.receipts,
    })),
    options.verify,
  );
  verifiable.forEach((c, i) => {
    c.check = checks[i];
    if (c.check && c.check.verified.size === 0) {
      const why = c.check.ignored.length ? `: ${c.check.ignored.join("; ")}` : "";
      c.invalid = { code: "ERR_KEL_UNSIGNED", reason: `no controller signature verifies${why}` };
    }
  });
  const results = new Map<string, KelResult>();
  for (const prefix of delegationOrder(inputs)) {
    results.set(
      prefix,
      resolveLog(inputs.get(prefix) as LogInput, sortedByLog.get(prefix) as Candidate[], inputs, results),
    );
  }
  const ordered = new Map<string, KelResult>();
  for (const prefix of inputs.keys()) ordered.set(prefix, results.get(prefix) as KelResult);
  return {
    logs: ordered,
    get: (prefix) => ordered.get(prefix),
    stateAt(prefix, sn) {
      return ordered.get(prefix)?.accepted.find((e) => e.sn === sn)?.state;
    },
  };
}

function resolveLog(
  log: LogInput,
  sorted: Candidate[],
  inputs: Map<string, LogInput>,
  resolved: Map<string, KelResult>,
): KelResult {
  const children = new Map<string, Candidate[]>();
  for (const c of sorted) {
    if (c.event.prior === undefined) continue;
    const list = children.get(c.event.prior) ?? [];
    list.push(c);
    children.set(c.event.prior, list);
  }
  const anchors = new Map<Candidate, EventRecord["anchor"]>();
  const delegationWaits = new Map<Candidate, WaitingFor[]>();
  const delegation = (c: Candidate): WaitingFor[] => {
    if (c.event.ilk !== "dip" && c.event.ilk !== "drt") return [];
    const cached = delegationWaits.get(c);
    if (cached) return cached;
    const delegator = (c.event.ilk === "dip" ? c.event.delegator : c.before?.delegator) as string;
    const seal = { i: c.event.prefix, s: c.event.sn.toString(16), d: c.event.said };
    let waits: WaitingFor[] = [];
    const dlog = resolved.get(delegator);
    if (!inputs.has(delegator)) waits = [{ kind: "delegator-log", delegator }];
    else if (!dlog?.state) waits = [{ kind: "delegator-pending", delegator }];
    else if (refusesDelegation(dlog.state)) {
      c.invalid = {
        code: "ERR_KEL_DELEGATION_REFUSED",
        reason: `delegator ${delegator} is configured "DND" (do not delegate)`,
      };
    } else {
      const anchor = findAnchor(dlog, seal, c.sealSources);
      if (anchor) anchors.set(c, anchor);
      else waits = [{ kind: "delegation-anchor", delegator, seal }];
    }
    delegationWaits.set(c, waits);
    return waits;
  };
  const valid = (c: Candidate): boolean => {
    if (c.invalid || c.check === undefined || ownWaits(c).length > 0) return false;
    // delegation() may reject the event (a "DND" delegator): check `invalid` again after it.
    return delegation(c).length === 0 && !c.invalid;
  };
  const signedEst = (c: Candidate) =>
    !c.invalid &&
    c.check !== undefined &&
    isEstablishment(c.event.ilk) &&
    ownWaits(c).every((w) => w.kind === "witness-receipts");
  const subtree = (root: Candidate): Candidate[] => {
    const out: Candidate[] = [];
    const stack = [root];
    while (stack.length) {
      const c = stack.pop() as Candidate;
      out.push(c);
      stack.push(...(children.get(c.event.said) ?? []));
    }
    return out;
  };

  const accepted: AcceptedEvent[] = [];
  const superseded = new Set<Candidate>();
  const disputed = new Map<Candidate, bigint>();
  const duplicity: Duplicity[] = [];
  const acceptedSet = new Set<Candidate>();
  const accept = (c: Candidate) => {
    acceptedSet.add(c);
    accepted.push({ ...record(c, anchors.get(c)), state: c.after as KeyState });
  };
  const fork = (sn: bigint, prior: string, events: Candidate[]) => {
    duplicity.push({ sn, prior, events: events.map((e) => record(e, anchors.get(e))) });
    for (const e of events) for (const d of subtree(e)) disputed.set(d, sn);
  };

  const inceptions = sorted.filter((c) => c.event.ilk === "icp" || c.event.ilk === "dip");
  const validInceptions = inceptions.filter(valid);
  let node: Candidate | undefined;
  if (validInceptions.length > 1) fork(0n, "", validInceptions);
  else node = validInceptions[0];
  if (node) accept(node);
  while (node) {
    const kids = (children.get(node.event.said) ?? []).filter(valid);
    if (kids.length === 0) break;
    let winner: Candidate | undefined;
    if (kids.length === 1) winner = kids[0];
    else {
      const ests = kids.filter((k) => isEstablishment(k.event.ilk));
      const ixns = kids.filter((k) => !isEstablishment(k.event.ilk));
      const ixnBranchRotated = ixns.some((k) => subtree(k).some(signedEst));
      if (!ixnBranchRotated && ests.length === 1) winner = ests[0];
      else if (!ixnBranchRotated && ests.length > 1 && ests.every((k) => k.event.ilk === "drt")) {
        // Delegated recovery: the rotation anchored later in the delegator's log wins.
        winner = [...ests].sort((a, b) => laterAnchor(anchors.get(b), anchors.get(a)))[0];
      }
      if (!winner) {
        fork(node.event.sn + 1n, node.event.said, kids);
        break;
      }
      for (const k of kids) if (k !== winner) for (const d of subtree(k)) superseded.add(d);
    }
    node = winner as Candidate;
    accept(node);
  }

  const pending: PendingEvent[] = [];
  const rejected: RejectedEvent[] = [...log.rejected];
  const supersededRecords: EventRecord[] = [];
  for (const c of sorted) {
    if (acceptedSet.has(c)) continue;
    if (c.invalid) {
      rejected.push({
        said: c.event.said,
        sn: c.event.sn,
        ilk: c.event.ilk,
        sources: c.sources,
        code: c.invalid.code,
        reason: c.invalid.reason,
      });
      continue;
    }
    if (superseded.has(c)) {
      supersededRecords.push(record(c, anchors.get(c)));
      continue;
    }
    pending.push({
      ...record(c, anchors.get(c)),
      waitingFor: waitsOf(c, log, acceptedSet, disputed, ownWaits, delegation),
    });
  }
  const state = accepted.length ? accepted[accepted.length - 1]?.state : undefined;
  const status: KelResult["status"] = duplicity.length
    ? "duplicitous"
    : state
      ? "accepted"
      : pending.length > 0 || (inceptions.length === 0 && sorted.length > 0)
        ? "pending"
        : "rejected";
  let waitingFor: WaitingFor[] = [];
  if (status === "pending") {
    // What the log's inception waits for; with no usable inception, for a (valid) one.
    const inc = pending.find((p) => p.ilk === "icp" || p.ilk === "dip");
    waitingFor = inc ? [...inc.waitingFor] : [{ kind: "inception" }];
  }
  return {
    prefix: log.prefix,
    status,
    state,
    accepted,
    pending,
    superseded: supersededRecords,
    rejected,
    duplicity,
    waitingFor,
  };
}

function waitsOf(
  c: Candidate,
  log: LogInput,
  acceptedSet: Set<Candidate>,
  disputed: Map<Candidate, bigint>,
  own: (c: Candidate) => WaitingFor[],
  delegation: (c: Candidate) => WaitingFor[],
): WaitingFor[] {
  const waits: WaitingFor[] = [];
  const forkAt = disputed.get(c);
  if (forkAt !== undefined) waits.push({ kind: "duplicity", sn: forkAt });
  if (c.orphan === "missing")
    waits.push({ kind: "prior-event", sn: c.event.sn - 1n, said: c.event.prior as string });
  else if (c.event.prior !== undefined) {
    const parent = log.candidates.get(c.event.prior);
    if (parent && !acceptedSet.has(parent)) waits.push({ kind: "prior-pending", said: parent.event.said });
  }
  if (c.check) waits.push(...own(c), ...delegation(c));
  return waits;
}

/** Orders anchors: positive when `a` is later than `b` in the delegator's log. */
function laterAnchor(a: EventRecord["anchor"], b: EventRecord["anchor"]): number {
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  if (a.sn !== b.sn) return a.sn > b.sn ? 1 : -1;
  return a.sealIndex - b.sealIndex;
}
