// An in-process gossip simulation (virtual rounds, seeded): every round each node syncs with
// `fanout` random peers (push-pull, digest first, then only what differs — by item summaries,
// protocol 2 of sync.ts, or by whole buckets); every message is lost with probability `loss`,
// and a partition can split the nodes for a number of rounds. Attestor nodes attest after each
// round. Used by tests and the convergence and sync-bytes benchmarks.
import type { NetworkState, StateJSON } from "./state.js";
import {
  attestAll,
  type Digest,
  differingBuckets,
  digest,
  itemsFor,
  type Reconciliation,
  reconcile,
  type Summaries,
  slice,
  summaries,
} from "./sync.js";

export interface SimOptions {
  fanout?: number;
  loss?: number;
  seed?: number;
  /** Rounds during which nodes [0, n/2) and [n/2, n) cannot talk. */
  partitionRounds?: number;
  maxRounds?: number;
  attestors?: { index: number; publicKey: string; secretKey: Uint8Array }[];
  now?: number;
  /**
   * What is exchanged after the digests: `items` (default) — item summaries of the differing
   * buckets, then only the missing items (protocol 2 in sync.ts); `buckets` — every entry of the
   * differing buckets, both ways.
   */
  protocol?: "items" | "buckets";
  /**
   * The peers node i contacts in a round (default: `fanout` uniformly random nodes; picking itself
   * skips that contact). For fixed topologies and for measuring a single exchange.
   */
  peers?: (i: number, round: number, random: () => number) => readonly number[];
}

export interface SimResult {
  /** Rounds after the partition healed until every digest was equal (-1: did not converge). */
  rounds: number;
  /** Messages sent (each request and each answer; lost ones included). */
  messages: number;
  /** Bytes of every message sent (JSON): digests, summaries, entries. */
  bytes: number;
}

const sizes = new WeakMap<object, number>();
/** JSON bytes of an object that never changes (an entry, an attestation map), memoized. */
function fixedSize(x: object): number {
  let n = sizes.get(x);
  if (n === undefined) {
    n = Buffer.byteLength(JSON.stringify(x));
    sizes.set(x, n);
  }
  return n;
}

function summariesSize(x: Summaries): number {
  let n = 2;
  let first = true;
  for (const [b, list] of Object.entries(x)) {
    n += (first ? 0 : 1) + b.length + 5 + Math.max(0, list.length - 1);
    for (const s of list) n += s.length + 2;
    first = false;
  }
  return n;
}

function stateSize(x: StateJSON): number {
  let n = `{"version":1,"network":${JSON.stringify(x.network)},"entries":[],"attestations":{}}`.length;
  n += Math.max(0, x.entries.length - 1);
  for (const e of x.entries) n += fixedSize(e);
  const ids = Object.keys(x.attestations);
  n += Math.max(0, ids.length - 1);
  for (const id of ids) n += id.length + 3 + fixedSize(x.attestations[id]!);
  return n;
}

/** Bytes of a message's JSON (JSON.stringify(x) in UTF-8), without stringifying whole states. */
export function messageSize(
  x: StateJSON | Reconciliation | { summaries: Summaries } | { buckets: number[] },
): number {
  if ("entries" in x) return stateSize(x);
  if ("give" in x) return 17 + stateSize(x.give) + summariesSize(x.want);
  if ("summaries" in x) return 14 + summariesSize(x.summaries);
  return Buffer.byteLength(JSON.stringify(x));
}

const empty = (s: StateJSON) => s.entries.length === 0 && Object.keys(s.attestations).length === 0;

export function simulate(nodes: NetworkState[], o: SimOptions = {}): SimResult {
  let rng = (o.seed ?? 1) >>> 0 || 1;
  const random = () => {
    rng ^= rng << 13;
    rng ^= rng >>> 17;
    rng ^= rng << 5;
    return (rng >>> 0) / 2 ** 32;
  };
  const cache = new Map<NetworkState, { rev: number; d: Digest; size: number }>();
  const dig = (s: NetworkState) => {
    const c = cache.get(s);
    if (c && c.rev === s.revision) return c;
    const d = digest(s);
    const fresh = { rev: s.revision, d, size: Buffer.byteLength(JSON.stringify(d)) };
    cache.set(s, fresh);
    return fresh;
  };
  const n = nodes.length;
  const fanout = o.fanout ?? 3;
  const loss = o.loss ?? 0;
  const partition = o.partitionRounds ?? 0;
  const byItem = (o.protocol ?? "items") === "items";
  let messages = 0;
  let bytes = 0;
  /** Sends a message of `size` bytes; false when it is lost. */
  const deliver = (size: number): boolean => {
    messages++;
    bytes += size;
    return random() >= loss;
  };
  const send = (x: Parameters<typeof messageSize>[0]): boolean => deliver(messageSize(x));
  const attest = () => {
    for (const a of o.attestors ?? []) attestAll(nodes[a.index]!, a, o.now ?? Date.now());
  };
  const pick = (i: number, round: number): readonly number[] =>
    o.peers ? o.peers(i, round, random) : Array.from({ length: fanout }, () => Math.floor(random() * n));

  /** a asks b for its digest (request and answer), then they exchange what differs. */
  const exchange = (a: NetworkState, b: NetworkState) => {
    const theirs = dig(b);
    if (!deliver(0) || !deliver(theirs.size)) return;
    const diff = differingBuckets(dig(a).d, theirs.d);
    if (diff.length === 0) return;
    if (!byItem) {
      // Pull the differing buckets (request, answer), push ours (computed before merging).
      const toA = slice(b, diff);
      const toB = slice(a, diff);
      if (!send({ buckets: diff }) || !send(toA)) return;
      a.merge(toA);
      if (send(toB)) b.merge(toB);
      return;
    }
    const mine = summaries(a, diff);
    if (!send({ summaries: mine })) return;
    const r = reconcile(b, mine);
    if (!send(r)) return;
    a.merge(r.give);
    const push = itemsFor(a, r.want);
    if (!empty(push) && send(push)) b.merge(push);
  };

  attest();
  for (let round = 1; round <= (o.maxRounds ?? 200) + partition; round++) {
    for (let i = 0; i < n; i++) {
      for (const j of pick(i, round)) {
        if (j === i || j < 0 || j >= n) continue;
        if (round <= partition && i < n / 2 !== j < n / 2) continue;
        exchange(nodes[i]!, nodes[j]!);
      }
    }
    attest();
    if (round > partition) {
      const root = dig(nodes[0]!).d.root;
      if (nodes.every((s) => dig(s).d.root === root)) return { rounds: round - partition, messages, bytes };
    }
  }
  return { rounds: -1, messages, bytes };
}
