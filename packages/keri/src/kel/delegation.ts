// Delegation is proven by the delegator: its accepted log must contain an event whose seal list
// holds exactly {i, s, d} of the delegated event. The delegate's attached seal source couples
// (-G: sn + SAID of the delegator's event) say where to look first; they prove nothing alone.
import type { SealSource } from "../cesr/attachments.js";
import type { Anchor, KelResult } from "./types.js";

function sealIndex(
  seals: readonly Readonly<Record<string, unknown>>[],
  seal: { i: string; s: string; d: string },
): number {
  return seals.findIndex((s) => {
    const keys = Object.keys(s);
    return (
      keys.length === 3 &&
      keys[0] === "i" &&
      keys[1] === "s" &&
      keys[2] === "d" &&
      s.i === seal.i &&
      s.s === seal.s &&
      s.d === seal.d
    );
  });
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
