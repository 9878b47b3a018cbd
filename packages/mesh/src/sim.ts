// An in-process gossip simulation (virtual rounds, seeded): every round each node exchanges
// digests with `fanout` random peers (push-pull), then only the differing buckets; messages are
// lost with probability `loss`, and a partition can split the nodes for a number of rounds.
// Attestor nodes attest after each merge. Used by tests and the convergence benchmark.
import type { NetworkState } from "./state.js";
import { attestAll, type Digest, differingBuckets, digest, slice } from "./sync.js";

export interface SimOptions {
  fanout?: number;
  loss?: number;
  seed?: number;
  /** Rounds during which nodes [0, n/2) and [n/2, n) cannot talk. */
  partitionRounds?: number;
  maxRounds?: number;
  attestors?: { index: number; publicKey: string; secretKey: Uint8Array }[];
  now?: number;
}

export interface SimResult {
  /** Rounds after the partition healed until every digest was equal (-1: did not converge). */
  rounds: number;
  messages: number;
  bytes: number;
}

export function simulate(nodes: NetworkState[], o: SimOptions = {}): SimResult {
  let rng = (o.seed ?? 1) >>> 0 || 1;
  const random = () => {
    rng ^= rng << 13;
    rng ^= rng >>> 17;
    rng ^= rng << 5;
    return (rng >>> 0) / 2 ** 32;
  };
  const cache = new Map<NetworkState, { rev: number; d: Digest }>();
  const dig = (s: NetworkState) => {
    const c = cache.get(s);
    if (c && c.rev === s.revision) return c.d;
    const d = digest(s);
    cache.set(s, { rev: s.revision, d });
    return d;
  };
  const n = nodes.length;
  const fanout = o.fanout ?? 3;
  const loss = o.loss ?? 0;
  const partition = o.partitionRounds ?? 0;
  let messages = 0;
  let bytes = 0;
  const attest = () => {
    for (const a of o.attestors ?? []) attestAll(nodes[a.index]!, a, o.now ?? Date.now());
  };
  attest();
  for (let round = 1; round <= (o.maxRounds ?? 200) + partition; round++) {
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < fanout; f++) {
        const j = Math.floor(random() * n);
        if (j === i) continue;
        if (round <= partition && i < n / 2 !== j < n / 2) continue;
        messages++;
        if (random() < loss) continue;
        const diff = differingBuckets(dig(nodes[i]!), dig(nodes[j]!));
        if (diff.length === 0) continue;
        const toJ = slice(nodes[i]!, diff);
        const toI = slice(nodes[j]!, diff);
        bytes += JSON.stringify(toJ).length + JSON.stringify(toI).length;
        if (random() >= loss) nodes[j]!.merge(toJ);
        if (random() >= loss) nodes[i]!.merge(toI);
      }
    }
    attest();
    if (round > partition) {
      const root = dig(nodes[0]!).root;
      if (nodes.every((s) => dig(s).root === root)) return { rounds: round - partition, messages, bytes };
    }
  }
  return { rounds: -1, messages, bytes };
}
