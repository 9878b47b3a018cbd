// Attestation and anti-entropy. An attestor node signs (context `attestation`) every entry it
// holds but has not attested yet. Sync compares digests first — a root hash and 256 bucket
// hashes over (entry id, attestation map) — and then exchanges only what differs; a whole-state
// exchange is the fallback. The transport is the caller's: the in-process simulation and the
// daemon's HTTP both use these functions.
//
// Two ways to exchange what differs:
//  - by bucket (`slice`): every entry of every differing bucket, both ways. Simple, but with
//    20,000 entries and 100 changed ones about 100 buckets differ, so ~40% of the state moves.
//  - by item (protocol 2): per differing bucket the initiator sends short item summaries (16
//    base64 characters of SHA-256 over the item key `id:canonical(attestations)`); the responder
//    answers with its items the initiator lacks and the summaries it lacks itself; the initiator
//    pushes those. The same 100 changes then move ~1% of a whole-state exchange.
//
// Protocol 2 between A (initiator) and B (responder), three round trips:
//   1. A: GET  digest                       → B: Digest              (as before)
//      diff = differingBuckets(digest(A), theirs); empty → done.
//   2. A: POST reconcile {summaries: summaries(A, diff)}
//                                           → B: reconcile(B, body.summaries) = {give, want}
//      A merges `give` (a partial data.json, checked like any other).
//   3. A: POST push itemsFor(A, want)        (the existing push route)
// Summaries are 96 bits of a hash: a collision would only hide an item from one peer until its
// bucket changes again; the whole-state fallback covers the rest.
import { canonicalize, sha256, toBase64 } from "@chronoseal/core";
import { attestEntry } from "./entries.js";
import { type ClaimIndex, claimIndex, renewable } from "./lease.js";
import type { NetworkState, StateJSON } from "./state.js";

/**
 * Attests every unattested entry with the attestor's key, except renewals that do not continue
 * a live claim (lease.ts: they stay pending); returns how many were signed.
 */
export function attestAll(
  state: NetworkState,
  attestor: { publicKey: string; secretKey: Uint8Array },
  now: number,
): number {
  const attestations: Record<
    string,
    Record<string, { signed_at: string; signature: string; context?: string }>
  > = {};
  let n = 0;
  let index: ClaimIndex | undefined; // built once, only when a renewal waits
  for (const [id, e] of state.entries) {
    if (state.attestations.get(id)?.[attestor.publicKey]) continue;
    if (e.kind === "claim" && e.since !== undefined) {
      index ??= claimIndex(state);
      if (!renewable(state, id, e, now, index)) continue;
    }
    const [key, entry] = attestEntry(id, attestor.secretKey, now);
    attestations[id] = { [key]: entry };
    n++;
  }
  if (n) state.ingest([], attestations);
  return n;
}

const utf8 = new TextEncoder();

export interface Digest {
  root: string;
  buckets: string[];
}

/** Summaries of items per bucket: bucket index (0..255, as a string key) → sorted summaries. */
export type Summaries = Record<string, string[]>;

/** What a responder of protocol 2 answers to a peer's summaries. */
export interface Reconciliation {
  /** Its items the peer lacks, as a partial data.json. */
  give: StateJSON;
  /** The peer's summaries it lacks, per bucket (the peer pushes those items). */
  want: Summaries;
}

const SUMMARY_LENGTH = 16;
const SUMMARY_RE = /^[A-Za-z0-9+/]{16}$/;

interface Item {
  att: object | undefined;
  key: string;
  summary?: string;
}
interface BucketCache {
  rev: number;
  /** Ids sorted. */
  ids: string[];
  hash: string;
  summaries?: string[];
  bySummary?: Map<string, string>;
}
interface Cache {
  items: Map<string, Item>;
  buckets: (BucketCache | undefined)[];
  digest?: { rev: number; d: Digest };
}

const caches = new WeakMap<NetworkState, Cache>();
const canonicalAtt = new WeakMap<object, string>();

function cacheOf(state: NetworkState): Cache {
  let c = caches.get(state);
  if (!c) {
    c = { items: new Map(), buckets: new Array(256).fill(undefined) };
    caches.set(state, c);
  }
  return c;
}

/** `id:canonical(attestation map)`, memoized per attestation map (maps are replaced, not mutated). */
function item(state: NetworkState, c: Cache, id: string): Item {
  const att = state.attestations.get(id);
  const cur = c.items.get(id);
  if (cur && cur.att === att) return cur;
  let text = "";
  if (att && Object.keys(att).length) {
    const known = canonicalAtt.get(att);
    text = known ?? canonicalize(att);
    if (known === undefined) canonicalAtt.set(att, text);
  }
  const fresh: Item = { att, key: `${id}:${text}` };
  c.items.set(id, fresh);
  return fresh;
}

function summaryOf(it: Item): string {
  it.summary ??= toBase64(sha256(utf8.encode(it.key))).slice(0, SUMMARY_LENGTH);
  return it.summary;
}

function bucketCache(state: NetworkState, c: Cache, b: number): BucketCache {
  const { ids, revision } = state.bucket(b);
  const cur = c.buckets[b];
  if (cur && cur.rev === revision) return cur;
  for (const id of cur?.ids ?? []) if (!state.entries.has(id)) c.items.delete(id);
  const sorted = [...ids].sort();
  const hash = sorted.length
    ? toBase64(sha256(utf8.encode(sorted.map((id) => item(state, c, id).key).join("\n"))))
    : "";
  const fresh: BucketCache = { rev: revision, ids: sorted, hash };
  c.buckets[b] = fresh;
  return fresh;
}

function bucketSummaries(state: NetworkState, c: Cache, b: number): BucketCache {
  const bc = bucketCache(state, c, b);
  if (!bc.summaries) {
    const by = new Map<string, string>();
    for (const id of bc.ids) by.set(summaryOf(item(state, c, id)), id);
    bc.bySummary = by;
    bc.summaries = [...by.keys()].sort();
  }
  return bc;
}

/** The root hash and 256 bucket hashes (recomputed only for buckets that changed). */
export function digest(state: NetworkState): Digest {
  const c = cacheOf(state);
  if (c.digest && c.digest.rev === state.revision) return c.digest.d;
  const buckets = Array.from({ length: 256 }, (_, b) => bucketCache(state, c, b).hash);
  const d = { root: toBase64(sha256(utf8.encode(buckets.join(",")))), buckets };
  c.digest = { rev: state.revision, d };
  return d;
}

/** Buckets whose hashes differ. */
export function differingBuckets(a: Digest, b: Digest): number[] {
  if (a.root === b.root) return [];
  const out: number[] = [];
  for (let i = 0; i < 256; i++) if (a.buckets[i] !== b.buckets[i]) out.push(i);
  return out;
}

function partial(state: NetworkState, ids: string[]): StateJSON {
  ids.sort();
  const entries: StateJSON["entries"] = [];
  const attestations: StateJSON["attestations"] = {};
  for (const id of ids) {
    entries.push(state.entries.get(id)!);
    const m = state.attestations.get(id);
    if (m && Object.keys(m).length) attestations[id] = m;
  }
  return { version: 1, network: state.network, entries, attestations };
}

/** The part of the state in the given buckets, as a partial data.json. */
export function slice(state: NetworkState, buckets: readonly number[]): StateJSON {
  const ids: string[] = [];
  for (const b of new Set(buckets))
    if (Number.isInteger(b) && b >= 0 && b < 256) ids.push(...state.bucket(b).ids);
  return partial(state, ids);
}

/** Protocol 2, step 2 (initiator): the sorted item summaries of the given buckets. */
export function summaries(state: NetworkState, buckets: readonly number[]): Summaries {
  const c = cacheOf(state);
  const out: Summaries = {};
  for (const b of buckets) {
    if (!Number.isInteger(b) || b < 0 || b > 255) throw new RangeError(`bucket: expected 0..255, got ${b}`);
    out[b] = bucketSummaries(state, c, b).summaries!;
  }
  return out;
}

/**
 * Protocol 2, step 2 (responder): compares the peer's summaries with ours, bucket by bucket (only
 * the buckets it lists): our items it lacks, and its summaries we lack.
 */
export function reconcile(state: NetworkState, theirs: Summaries): Reconciliation {
  const c = cacheOf(state);
  const give: string[] = [];
  const want: Summaries = {};
  for (const [key, list] of Object.entries(theirs)) {
    const b = Number(key);
    if (!Number.isInteger(b) || b < 0 || b > 255 || !Array.isArray(list)) continue;
    const bc = bucketSummaries(state, c, b);
    const seen = new Set(list);
    for (const [s, id] of bc.bySummary!) if (!seen.has(s)) give.push(id);
    const lacking = [...seen].filter((s) => !bc.bySummary!.has(s));
    if (lacking.length) want[b] = lacking;
  }
  return { give: partial(state, give), want };
}

/** Protocol 2, step 3: our items with the given summaries, as a partial data.json. */
export function itemsFor(state: NetworkState, want: Summaries): StateJSON {
  const c = cacheOf(state);
  const ids: string[] = [];
  for (const [key, list] of Object.entries(want)) {
    const b = Number(key);
    if (!Number.isInteger(b) || b < 0 || b > 255 || !Array.isArray(list)) continue;
    const by = bucketSummaries(state, c, b).bySummary!;
    for (const s of list) {
      const id = by.get(s);
      if (id !== undefined) ids.push(id);
    }
  }
  return partial(state, [...new Set(ids)]);
}

/**
 * Checks a peer's summaries (a request body of step 2): an object of bucket index (0..255) →
 * array of summaries, at most `maxItems` in all. TypeError/RangeError otherwise.
 */
export function checkSummaries(body: unknown, maxItems = 1_000_000): Summaries {
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new TypeError("summaries: expected an object of bucket → array of summaries");
  let n = 0;
  for (const [key, list] of Object.entries(body)) {
    const b = Number(key);
    if (!/^\d{1,3}$/.test(key) || b > 255)
      throw new RangeError(`summaries: bucket ${key.slice(0, 8)} not in 0..255`);
    if (!Array.isArray(list)) throw new TypeError(`summaries[${b}]: expected an array`);
    n += list.length;
    if (n > maxItems) throw new RangeError(`summaries: more than ${maxItems} items`);
    for (const s of list)
      if (typeof s !== "string" || !SUMMARY_RE.test(s))
        throw new TypeError(`summaries[${b}]: expected ${SUMMARY_LENGTH} base64 characters`);
  }
  return body as Summaries;
}
