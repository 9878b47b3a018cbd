// Signature compaction for stored or exported logs: a device signature on entry k vouches, through
// the hash chain, for every earlier entry of the chain. So an archive needs only the newest
// signature before each anchor (the entry at each anchor's last sequence number) plus the
// signatures of the unanchored tail; the others can be dropped and an auditor with
// `compaction: true` still proves every entry. Streams: one entry in, one entry out.
import type { LockEntry } from "./entry.js";

/**
 * Drops the signatures of entries that an anchored later signature covers. `boundaries` maps a
 * chain to the last sequence numbers of its anchors (see anchorBoundaries).
 */
export async function* compactSignatures(
  entries: AsyncIterable<LockEntry> | Iterable<LockEntry>,
  boundaries: ReadonlyMap<string, ReadonlySet<number>>,
): AsyncGenerator<LockEntry> {
  for await (const e of entries) {
    const b = boundaries.get(e.chain);
    if (!b || e.signatures === undefined || b.has(e.seq)) {
      yield e;
      continue;
    }
    let newest = -1;
    for (const q of b) if (q > newest) newest = q;
    if (e.seq > newest) {
      yield e; // unanchored tail: keep its signatures
      continue;
    }
    const { signatures: _dropped, ...rest } = e;
    yield rest;
  }
}

/** Per chain, the last sequence numbers of its anchors (from opened anchors). */
export function anchorBoundaries(
  anchors: Iterable<{ chain: string; lastSeq: number }>,
): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const a of anchors) {
    const set = out.get(a.chain) ?? new Set<number>();
    set.add(a.lastSeq);
    out.set(a.chain, set);
  }
  return out;
}
