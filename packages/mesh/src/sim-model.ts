// The gossip simulation at scale: the same rounds, peer choices, message losses and message sizes
// as simulate() (sim.ts, protocol 2: digest, item summaries, missing items, push), but each node's
// state is a bit set of item indices instead of a NetworkState, so 10,000 nodes fit in memory
// (simulate() keeps a full state per node: ~100 million map slots at N = 10,000). It draws the
// same random numbers in the same order, so with the same seed and items it gives exactly the
// rounds, messages and bytes of simulate() (checked in test/sim-model.test.ts). No attestors.

export interface ModelItem {
  /** Digest bucket of the item's id (bucketOf). */
  bucket: number;
  /** Bytes of the entry's JSON (as messageSize counts it). */
  bytes: number;
}

export interface ModelOptions {
  fanout?: number;
  loss?: number;
  seed?: number;
  maxRounds?: number;
  /** The network key (its length is part of every partial data.json). */
  network: string;
}

export interface ModelResult {
  rounds: number;
  messages: number;
  bytes: number;
}

const SUMMARY = 16;

/**
 * Runs the model: `items` are the entries that exist, `initial[i]` the item indices node i starts
 * with. Returns the rounds until every node holds every item (-1: not within maxRounds).
 */
export function simulateModel(
  items: readonly ModelItem[],
  initial: readonly number[][],
  o: ModelOptions,
): ModelResult {
  let rng = (o.seed ?? 1) >>> 0 || 1;
  const random = () => {
    rng ^= rng << 13;
    rng ^= rng >>> 17;
    rng ^= rng << 5;
    return (rng >>> 0) / 2 ** 32;
  };
  const n = initial.length;
  const m = items.length;
  const words = (m + 31) >>> 5;
  const sets = initial.map(() => new Uint32Array(words));
  const has = (s: Uint32Array, x: number) => (s[x >>> 5]! & (1 << (x & 31))) !== 0;
  // Per node and bucket: item count and an xor of item tags (two sets differ in a bucket iff these do).
  const tag = Uint32Array.from({ length: m }, (_, i) => Math.imul(i + 1, 0x9e3779b1) ^ 0x5bd1e995);
  const count = initial.map(() => new Uint32Array(256));
  const xor = initial.map(() => new Uint32Array(256));
  const byBucket: number[][] = Array.from({ length: 256 }, () => []);
  items.forEach((it, i) => {
    byBucket[it.bucket]!.push(i);
  });
  const held = new Uint32Array(n);
  const add = (i: number, x: number) => {
    const s = sets[i]!;
    if (has(s, x)) return;
    s[x >>> 5]! |= 1 << (x & 31);
    const b = items[x]!.bucket;
    count[i]![b]!++;
    xor[i]![b]! ^= tag[x]!;
    held[i]!++;
  };
  initial.forEach((list, i) => {
    for (const x of list) add(i, x);
  });
  const header = `{"version":1,"network":${JSON.stringify(o.network)},"entries":[],"attestations":{}}`.length;
  const stateSize = (xs: number[]) =>
    header + Math.max(0, xs.length - 1) + xs.reduce((a, x) => a + items[x]!.bytes, 0);
  const digestSize = (i: number) => {
    let len = 9 + 44 + 13 + 255 + 2;
    for (let b = 0; b < 256; b++) len += count[i]![b]! ? 46 : 2;
    return len;
  };
  /** summariesSize() of sim.ts for lists of the given lengths per bucket. */
  const summariesSize = (lists: [number, number][]) => {
    let len = 2;
    lists.forEach(([b, k], j) => {
      len += (j === 0 ? 0 : 1) + String(b).length + 5 + Math.max(0, k - 1) + k * (SUMMARY + 2);
    });
    return len;
  };
  let messages = 0;
  let bytes = 0;
  const loss = o.loss ?? 0;
  const deliver = (size: number) => {
    messages++;
    bytes += size;
    return random() >= loss;
  };
  const exchange = (a: number, b: number) => {
    if (!deliver(0) || !deliver(digestSize(b))) return;
    const diff: number[] = [];
    for (let k = 0; k < 256; k++)
      if (count[a]![k] !== count[b]![k] || xor[a]![k] !== xor[b]![k]) diff.push(k);
    if (diff.length === 0) return;
    if (!deliver(14 + summariesSize(diff.map((k) => [k, count[a]![k]!])))) return;
    const give: number[] = [];
    const want: number[] = [];
    const wantLists: [number, number][] = [];
    for (const k of diff) {
      let lacking = 0;
      for (const x of byBucket[k]!) {
        const inA = has(sets[a]!, x);
        const inB = has(sets[b]!, x);
        if (inB && !inA) give.push(x);
        else if (inA && !inB) {
          want.push(x);
          lacking++;
        }
      }
      if (lacking) wantLists.push([k, lacking]);
    }
    if (!deliver(17 + stateSize(give) + summariesSize(wantLists))) return;
    for (const x of give) add(a, x);
    if (want.length && deliver(stateSize(want))) for (const x of want) add(b, x);
  };
  const fanout = o.fanout ?? 3;
  for (let round = 1; round <= (o.maxRounds ?? 200); round++) {
    for (let i = 0; i < n; i++) {
      const peers = Array.from({ length: fanout }, () => Math.floor(random() * n));
      for (const j of peers) if (j !== i && j >= 0 && j < n) exchange(i, j);
    }
    if (held.every((h) => h === m)) return { rounds: round, messages, bytes };
  }
  return { rounds: -1, messages, bytes };
}
