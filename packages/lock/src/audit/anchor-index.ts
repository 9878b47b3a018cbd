// The auditor's view of the anchors: each note verified with its door's device key, duplicates
// dropped, and per chain the anchors in chain order, checked as a hash chain (each anchor links
// the previous one of its chain; a genesis anchor links the previous chain's final anchor; sizes
// never shrink; equal sizes have equal roots). Problems become findings of the chain. Heads are
// kept apart from that hash chain: the newest valid head per chain joins the chain's list (in size
// order) as one more checkpoint the entries must build, and its prev-anchor must be a known anchor.
import { fromBase64, type NoteVerifier, noteVerifier } from "@chronoseal/core";
import {
  ANCHOR_ORIGIN_PREFIX,
  AnchorError,
  type AnchorKind,
  type OpenedAnchor,
  openAnchor,
} from "../anchors.js";
import { AnchorWitnesses, type WitnessPolicy } from "./witnesses.js";

export interface AnchorProblem {
  kind: "bad-anchor" | "unlinked";
  seqs: number[];
  detail: string;
}

export interface ChainAnchors {
  chain: string;
  door: string;
  /** Valid anchors in chain order (expired excluded), and the newest head at its size. */
  list: OpenedAnchor[];
  genesis?: OpenedAnchor;
  final?: OpenedAnchor;
  expired?: OpenedAnchor;
  /** The newest head (also in `list`, at its size). */
  head?: OpenedAnchor;
  problems: AnchorProblem[];
}

const ORDER: Record<AnchorKind, number> = {
  genesis: 0,
  intermediate: 1,
  heartbeat: 1,
  final: 2,
  expired: 3,
  head: 4,
};

export interface AnchorIndex {
  chains: Map<string, ChainAnchors>;
  /** Hashes of every valid anchor (any chain; heads are not anchors). */
  hashes: Set<string>;
  /** Notes that could not be attributed to a known door or did not verify. */
  rejected: { note: string; reason: string }[];
  /** With a witness policy: the verified cosignatures of every copy, per anchor. */
  witnessed?: AnchorWitnesses;
}

function chainOf(note: string): string | undefined {
  const nl = note.indexOf("\n");
  const origin = nl > 0 ? note.slice(0, nl) : "";
  return origin.startsWith(ANCHOR_ORIGIN_PREFIX) ? origin.slice(ANCHOR_ORIGIN_PREFIX.length) : undefined;
}

export function indexAnchors(
  notes: readonly string[],
  deviceKeys: ReadonlyMap<string, string>,
  witnesses?: WitnessPolicy,
): AnchorIndex {
  const witnessed = witnesses ? new AnchorWitnesses(witnesses) : undefined;
  const verifiers = new Map<string, NoteVerifier>();
  const chains = new Map<string, ChainAnchors>();
  const hashes = new Set<string>();
  const seenNotes = new Set<string>();
  const rejected: AnchorIndex["rejected"] = [];
  const byChain = new Map<string, OpenedAnchor[]>();
  const state = (chain: string, door: string): ChainAnchors => {
    let c = chains.get(chain);
    if (!c) {
      c = { chain, door, list: [], problems: [] };
      chains.set(chain, c);
    }
    return c;
  };
  for (const note of notes) {
    if (typeof note !== "string") {
      rejected.push({ note: String(note).slice(0, 80), reason: "not a note" });
      continue;
    }
    const chain = chainOf(note);
    const door = chain?.slice(0, chain.indexOf("/"));
    const key = door ? deviceKeys.get(door) : undefined;
    if (!chain || !door || !key) {
      rejected.push({
        note: note.slice(0, 80),
        reason: chain ? `no device key for ${door}` : "not a lock anchor",
      });
      continue;
    }
    let v = verifiers.get(door);
    if (!v) {
      v = noteVerifier(door, fromBase64(key, `device key of ${door}`, 32));
      verifiers.set(door, v);
    }
    let a: OpenedAnchor;
    try {
      a = openAnchor(note, v);
    } catch (e) {
      const reason = e instanceof AnchorError ? e.message : String(e);
      state(chain, door).problems.push({ kind: "bad-anchor", seqs: [], detail: reason });
      continue;
    }
    if (a.kind !== "head") witnessed?.add(a.hash, note); // every copy: a cosigned copy may come after a bare one
    if (seenNotes.has(a.hash)) continue;
    seenNotes.add(a.hash);
    if (a.kind !== "head") hashes.add(a.hash);
    const list = byChain.get(a.chain) ?? [];
    list.push(a);
    byChain.set(a.chain, list);
  }
  for (const [chain, list] of byChain) {
    const c = state(chain, chain.slice(0, chain.indexOf("/")));
    list.sort((x, y) => x.size - y.size || ORDER[x.kind] - ORDER[y.kind]);
    c.expired = list.find((a) => a.kind === "expired");
    const live = list.filter((a) => a.kind !== "expired" && a.kind !== "head");
    const heads = list.filter((a) => a.kind === "head");
    const genesis = live.filter((a) => a.kind === "genesis");
    if (genesis.length > 1)
      c.problems.push({ kind: "bad-anchor", seqs: [], detail: `${genesis.length} genesis anchors` });
    c.genesis = genesis[0];
    // Walk the links from the genesis anchor (or the smallest anchor when it is missing).
    const byPrev = new Map<string, OpenedAnchor[]>();
    for (const a of live) byPrev.set(a.prevAnchor, [...(byPrev.get(a.prevAnchor) ?? []), a]);
    const ordered: OpenedAnchor[] = [];
    let at: OpenedAnchor | undefined = c.genesis ?? live[0];
    if (!c.genesis && at)
      c.problems.push({ kind: "bad-anchor", seqs: [], detail: "the chain has no genesis anchor" });
    // When the anchors fork (the device signed two continuations), follow the longer branch.
    const depth = new Map<string, number>();
    const children = (a: OpenedAnchor) => (byPrev.get(a.hash) ?? []).filter((x) => x.chain === chain);
    const depthOf = (a: OpenedAnchor): number => {
      let d = depth.get(a.hash);
      if (d !== undefined) return d;
      depth.set(a.hash, 0); // cycle guard
      d = 1 + Math.max(0, ...children(a).map(depthOf));
      depth.set(a.hash, d);
      return d;
    };
    const seen = new Set<string>();
    while (at && !seen.has(at.hash)) {
      seen.add(at.hash);
      const prev = ordered.at(-1);
      if (prev && (at.size < prev.size || (at.size === prev.size && at.root !== prev.root)))
        c.problems.push({
          kind: "bad-anchor",
          seqs: [at.lastSeq],
          detail: `${at.kind} anchor at size ${at.size} contradicts the ${prev.kind} anchor at size ${prev.size}`,
        });
      ordered.push(at);
      const next = children(at).sort((x, y) => depthOf(y) - depthOf(x) || x.size - y.size);
      if (next.length > 1)
        c.problems.push({
          kind: "bad-anchor",
          seqs: next.map((x) => x.lastSeq),
          detail: `anchors fork after size ${at.size}`,
        });
      at = next[0];
    }
    for (const a of live)
      if (!seen.has(a.hash))
        c.problems.push({
          kind: "bad-anchor",
          seqs: [a.lastSeq],
          detail: `${a.kind} anchor at size ${a.size} does not link into the chain's anchors`,
        });
    c.final = ordered.find((a) => a.kind === "final");
    c.list = ordered;
    const head = heads.at(-1); // the largest (sorted by size)
    if (head) {
      for (const h of heads)
        if (h.size === head.size && h.root !== head.root)
          c.problems.push({
            kind: "bad-anchor",
            seqs: [h.lastSeq],
            detail: `two heads at size ${h.size} disagree`,
          });
      const same = ordered.find((a) => a.size === head.size);
      if (same && same.root !== head.root)
        c.problems.push({
          kind: "bad-anchor",
          seqs: [head.lastSeq],
          detail: `the head at size ${head.size} contradicts the ${same.kind} anchor`,
        });
      c.head = head;
      const at = ordered.findIndex((a) => a.size > head.size);
      c.list = at < 0 ? [...ordered, head] : [...ordered.slice(0, at), head, ...ordered.slice(at)];
    }
    if (c.expired && (!c.final || c.expired.prevAnchor !== c.final.hash))
      c.problems.push({
        kind: "bad-anchor",
        seqs: [],
        detail: "expired anchor does not follow the final anchor",
      });
  }
  // A genesis anchor that links to an anchor nobody has: a whole previous chain is unaccounted for.
  // A head that follows an anchor nobody has: that anchor was withheld.
  for (const c of chains.values()) {
    const g = c.genesis;
    if (g?.prevAnchor && !hashes.has(g.prevAnchor))
      c.problems.push({
        kind: "unlinked",
        seqs: [],
        detail: `the genesis anchor links to anchor ${g.prevAnchor}, which is missing`,
      });
    const h = c.head;
    if (h && (h.prevAnchor === "" || !hashes.has(h.prevAnchor)))
      c.problems.push({
        kind: "unlinked",
        seqs: [],
        detail: `the head at size ${h.size} follows anchor ${h.prevAnchor || "-"}, which is missing`,
      });
  }
  return { chains, hashes, rejected, ...(witnessed ? { witnessed } : {}) };
}
