// Delegation is proven by the delegator: its accepted log must contain an event whose seal list
// holds exactly {i, s, d} of the delegated event. The delegate's attached seal source couples
// (-G: sn + SAID of the delegator's event) say where to look first; they prove nothing alone.
import type { SealSource } from "../cesr/attachments.js";
import type { Anchor, KelResult } from "./types.js";

/** An event seal is exactly {i, s, d} (in that order), three strings. */
export function isEventSeal(s: Readonly<Record<string, unknown>>): s is { i: string; s: string; d: string } {
  const keys = Object.keys(s);
  return (
    keys.length === 3 &&
    keys[0] === "i" &&
    keys[1] === "s" &&
    keys[2] === "d" &&
    typeof s.i === "string" &&
    typeof s.s === "string" &&
    typeof s.d === "string"
  );
}

/** The key an event seal is indexed by: `${i}|${s}|${d}`. */
export function eventSealKey(seal: { i: string; s: string; d: string }): string {
  return `${seal.i}|${seal.s}|${seal.d}`;
}

function sealIndex(
  seals: readonly Readonly<Record<string, unknown>>[],
  seal: { i: string; s: string; d: string },
): number {
  return seals.findIndex((s) => isEventSeal(s) && s.i === seal.i && s.s === seal.s && s.d === seal.d);
}

/**
 * Every event seal of `events` (by default the log's accepted events), keyed by eventSealKey:
 * where each is anchored. When a seal appears more than once, the first (lowest sequence
 * number, then position in the list) is kept, as findAnchor would find it.
 */
export function anchorIndex(
  log: KelResult,
  events: readonly {
    sn: bigint;
    said: string;
    ilk: Anchor["ilk"];
    event: { seals: readonly Readonly<Record<string, unknown>>[] };
  }[] = log.accepted,
): Map<string, Anchor> {
  const out = new Map<string, Anchor>();
  const sorted = [...events].sort((a, b) => (a.sn < b.sn ? -1 : a.sn > b.sn ? 1 : 0));
  for (const e of sorted) {
    e.event.seals.forEach((s, sealIndex) => {
      if (!isEventSeal(s)) return;
      const key = eventSealKey(s);
      if (!out.has(key)) out.set(key, { prefix: log.prefix, sn: e.sn, said: e.said, ilk: e.ilk, sealIndex });
    });
  }
  return out;
}

/** The accepted event of `delegator` that anchors `seal`, preferring the attached sources. */
export function findAnchor(
  delegator: KelResult,
  seal: { i: string; s: string; d: string },
  sources: readonly SealSource[] = [],
): Anchor | undefined {
  for (const src of sources) {
    const e = delegator.accepted.find((a) => a.sn === src.sn && a.said === src.digest);
    if (!e) continue;
    const index = sealIndex(e.event.seals, seal);
    if (index >= 0) return { prefix: delegator.prefix, sn: e.sn, said: e.said, ilk: e.ilk, sealIndex: index };
  }
  for (const e of delegator.accepted) {
    const index = sealIndex(e.event.seals, seal);
    if (index >= 0) return { prefix: delegator.prefix, sn: e.sn, said: e.said, ilk: e.ilk, sealIndex: index };
  }
  return undefined;
}
