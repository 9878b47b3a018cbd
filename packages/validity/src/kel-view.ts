// Key state as validation needs it, from one replay of every key event log in the evidence:
// where each seal is anchored (accepted events), where it would be anchored once a log's
// delegation resolves ("provisional": fully signed and witnessed events that wait only for a
// delegator), the delegation chain of an identifier, the establishment event in force at a
// sequence number, and — for a log or event that waits — exactly which evidence is missing.
import {
  type AcceptedEvent,
  type Anchor,
  anchorIndex,
  type CesrMessage,
  type EventRecord,
  eventSealKey,
  type KelReplay,
  type KelResult,
  type PendingEvent,
  replayKels,
  type WaitingFor,
} from "@chronoseal/keri";
import type { Missing } from "./missing.js";
import type { VerdictCache } from "./verdicts.js";

/** Waits that a delegator's evidence alone can resolve. */
const DELEGATION_WAITS = new Set(["delegator-log", "delegator-pending", "delegation-anchor"]);

export interface LogView {
  readonly result: KelResult;
  readonly anchors: Map<string, Anchor>;
  /** Anchors of accepted and provisional events. */
  readonly provisionalAnchors: Map<string, Anchor>;
  /** SAIDs of pending events that wait only for delegation (and their provisional priors). */
  readonly provisional: Set<string>;
}

export class KelView {
  readonly replay: KelReplay;
  private readonly views = new Map<string, LogView>();

  constructor(messages: readonly CesrMessage[], verifier: VerdictCache) {
    this.replay = replayKels(messages, { verify: verifier.verify });
  }

  log(prefix: string): LogView | undefined {
    const cached = this.views.get(prefix);
    if (cached) return cached;
    const result = this.replay.get(prefix);
    if (!result) return undefined;
    const provisional = new Set<string>();
    const accepted = new Set(result.accepted.map((e) => e.said));
    const pending = [...result.pending].sort((a, b) => (a.sn < b.sn ? -1 : a.sn > b.sn ? 1 : 0));
    const provisionalEvents: PendingEvent[] = [];
    for (const p of pending) {
      const ok = p.waitingFor.every(
        (w) =>
          DELEGATION_WAITS.has(w.kind) ||
          (w.kind === "prior-pending" && (accepted.has(w.said) || provisional.has(w.said))),
      );
      if (ok) {
        provisional.add(p.said);
        provisionalEvents.push(p);
      }
    }
    const anchors = anchorIndex(result);
    const provisionalAnchors = anchorIndex(result, [...result.accepted, ...provisionalEvents]);
    const view = { result, anchors, provisionalAnchors, provisional };
    this.views.set(prefix, view);
    return view;
  }

  /** Where `seal` is anchored in `prefix`'s log (accepted events; provisional too when asked). */
  anchor(
    prefix: string,
    seal: { i: string; s: string; d: string },
    provisional: boolean,
  ): Anchor | undefined {
    const view = this.log(prefix);
    if (!view) return undefined;
    const key = eventSealKey(seal);
    return (provisional ? view.provisionalAnchors : view.anchors).get(key);
  }

  /** The pending (not provisional) event of `prefix` that seals `seal`, if any. */
  pendingSealer(prefix: string, seal: { i: string; s: string; d: string }): PendingEvent | undefined {
    const view = this.log(prefix);
    if (!view) return undefined;
    const key = eventSealKey(seal);
    return view.result.pending.find((p) =>
      p.event.seals.some((s) => typeof s.i === "string" && eventSealKey(s as typeof seal) === key),
    );
  }

  /** The accepted establishment event in force at accepted sequence number `sn`. */
  establishmentAt(prefix: string, sn: bigint): AcceptedEvent | undefined {
    const log = this.replay.get(prefix);
    if (!log) return undefined;
    let est: AcceptedEvent | undefined;
    for (const e of log.accepted) {
      if (e.sn > sn) break;
      if (e.ilk !== "ixn") est = e;
    }
    return est;
  }

  /** Accepted (or provisional) inception of `prefix` with its delegator, if delegated. */
  delegatorOf(prefix: string, provisional: boolean): { known: boolean; delegator: string | undefined } {
    const view = this.log(prefix);
    if (!view) return { known: false, delegator: undefined };
    const icp = view.result.accepted[0];
    if (icp) return { known: true, delegator: icp.state.delegator };
    if (provisional) {
      const dip = view.result.pending.find((p) => p.sn === 0n && view.provisional.has(p.said));
      if (dip) return { known: true, delegator: dip.event.delegator };
    }
    return { known: false, delegator: undefined };
  }

  /** True when `prefix` is `ancestor` or delegated (transitively, with proven anchors) by it. */
  isDelegateOf(prefix: string, ancestor: string, provisional: boolean): boolean {
    const seen = new Set<string>();
    let cur: string | undefined = prefix;
    while (cur !== undefined && !seen.has(cur)) {
      if (cur === ancestor) return true;
      seen.add(cur);
      const d = this.delegatorOf(cur, provisional);
      if (!d.known) return false;
      cur = d.delegator;
    }
    return false;
  }

  /** Duplicity evidence of `prefix`'s log or of any delegator above it. */
  duplicity(prefix: string): KelResult[] {
    const out: KelResult[] = [];
    const seen = new Set<string>();
    let cur: string | undefined = prefix;
    while (cur !== undefined && !seen.has(cur)) {
      seen.add(cur);
      const log = this.replay.get(cur);
      if (!log) break;
      if (log.duplicity.length > 0) out.push(log);
      cur = log.accepted[0]?.state.delegator ?? log.pending.find((p) => p.sn === 0n)?.event.delegator;
    }
    return out;
  }

  /** Why `prefix`'s log (or one of its events) is not accepted: the missing evidence. */
  explainLog(prefix: string): Missing[] {
    const log = this.replay.get(prefix);
    if (!log)
      return [{ kind: "kel", id: prefix, detail: `the key event log of ${prefix} is not in the evidence` }];
    if (log.state) return [];
    if (log.waitingFor.length === 0)
      return [
        { kind: "kel", id: prefix, detail: `no valid inception of ${prefix} (its events were rejected)` },
      ];
    const icp = log.pending.find((p) => p.sn === 0n);
    return this.explain(prefix, icp, log.waitingFor);
  }

  /** The missing evidence behind `waits` of `event` (in `prefix`'s log), followed to its roots. */
  explain(prefix: string, event: EventRecord | undefined, waits: readonly WaitingFor[]): Missing[] {
    const out: Missing[] = [];
    const seen = new Set<string>();
    const stack: { prefix: string; event: EventRecord | undefined; wait: WaitingFor }[] = waits.map((w) => ({
      prefix,
      event,
      wait: w,
    }));
    while (stack.length) {
      const { prefix: p, event: ev, wait: w } = stack.pop() as (typeof stack)[number];
      const key = `${p}|${ev?.said}|${JSON.stringify(w, (_k, v) => (typeof v === "bigint" ? v.toString(16) : v))}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const what = !ev
        ? `the log of ${p}`
        : ev.said === p
          ? `the inception (${ev.ilk}) of ${p}`
          : `${ev.ilk} ${ev.said} (sn ${ev.sn.toString(16)} of ${p})`;
      switch (w.kind) {
        case "prior-event":
          out.push({
            kind: "kel-event",
            id: w.said,
            detail: `event sn ${w.sn.toString(16)} of ${p}, prior of ${what}`,
          });
          break;
        case "prior-pending": {
          const prior = this.replay.get(p)?.pending.find((x) => x.said === w.said);
          if (prior) for (const pw of prior.waitingFor) stack.push({ prefix: p, event: prior, wait: pw });
          break;
        }
        case "inception":
          out.push({ kind: "kel", id: p, detail: `a valid inception of ${p}` });
          break;
        case "signatures":
        case "prior-next-signatures":
          out.push({ kind: "signatures", id: ev?.said ?? p, detail: `controller signatures on ${what}` });
          break;
        case "witness-receipts":
          out.push({
            kind: "receipts",
            id: ev?.said ?? p,
            detail: `witness receipts on ${what} (${w.verified} of ${w.toad})`,
          });
          break;
        case "delegator-log":
          out.push({
            kind: "kel",
            id: w.delegator,
            detail: `the key event log of ${w.delegator}, delegator of ${p} (needed to accept ${what})`,
          });
          break;
        case "delegator-pending": {
          const dlog = this.replay.get(w.delegator);
          const dicp = dlog?.pending.find((x) => x.sn === 0n);
          for (const dw of dlog?.waitingFor ?? []) stack.push({ prefix: w.delegator, event: dicp, wait: dw });
          break;
        }
        case "delegation-anchor":
          out.push({
            kind: "delegation-anchor",
            id: w.seal.d,
            detail: `delegator ${w.delegator} to anchor ${what} with seal ${JSON.stringify(w.seal)}`,
          });
          break;
        case "duplicity":
          break; // reported as duplicity, not as missing evidence
      }
    }
    return out;
  }
}
