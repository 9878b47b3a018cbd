// Attestation and anti-entropy. An attestor node signs (context `attestation`) every entry it
// holds but has not attested yet. Sync compares digests first — a root hash and 256 bucket
// hashes over (entry id, attestation map) — and exchanges only the entries of buckets that
// differ; a whole-state exchange is the fallback. The transport is the caller's: the in-process
// simulation and the daemon's HTTP both use these functions.
import { canonicalize, sha256, toBase64 } from "@chronoseal/core";
import { attestEntry } from "./entries.js";
import type { NetworkState, StateJSON } from "./state.js";

/** Attests every unattested entry with the attestor's key; returns how many were signed. */
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
  for (const id of state.entries.keys()) {
    if (state.attestations.get(id)?.[attestor.publicKey]) continue;
    const [key, entry] = attestEntry(id, attestor.secretKey, now);
    attestations[id] = { [key]: entry };
    n++;
  }
  if (n) state.ingest([], attestations);
  return n;
}

const utf8 = new TextEncoder();

function bucketOf(id: string): number {
  // ids are base64 SHA-256: the first character carries 6 bits, the second 2 more.
  const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".indexOf(id[0] ?? "A");
  const b = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".indexOf(id[1] ?? "A");
  return ((a << 2) | (b >> 4)) & 0xff;
}

export interface Digest {
  root: string;
  buckets: string[];
}

function itemKey(state: NetworkState, id: string): string {
  const att = state.attestations.get(id);
  return `${id}:${att ? canonicalize(att) : ""}`;
}

export function digest(state: NetworkState): Digest {
  const lists: string[][] = Array.from({ length: 256 }, () => []);
  for (const id of state.entries.keys()) lists[bucketOf(id)]!.push(itemKey(state, id));
  const buckets = lists.map((l) => (l.length ? toBase64(sha256(utf8.encode(l.sort().join("\n")))) : ""));
  return { root: toBase64(sha256(utf8.encode(buckets.join(",")))), buckets };
}

/** Buckets whose hashes differ. */
export function differingBuckets(a: Digest, b: Digest): number[] {
  if (a.root === b.root) return [];
  const out: number[] = [];
  for (let i = 0; i < 256; i++) if (a.buckets[i] !== b.buckets[i]) out.push(i);
  return out;
}

/** The part of the state in the given buckets, as a partial data.json. */
export function slice(state: NetworkState, buckets: readonly number[]): StateJSON {
  const want = new Set(buckets);
  const entries: StateJSON["entries"] = [];
  const attestations: StateJSON["attestations"] = {};
  for (const id of [...state.entries.keys()].sort()) {
    if (!want.has(bucketOf(id))) continue;
    entries.push(state.entries.get(id)!);
    const m = state.attestations.get(id);
    if (m && Object.keys(m).length) attestations[id] = m;
  }
  return { version: 1, network: state.network, entries, attestations };
}
