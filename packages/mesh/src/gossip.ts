// Anti-entropy with one peer for one network (the client side of the sync routes):
//   1. the peer's digest (404: the peer is not in this network);
//   2. most buckets differ (a new or long-partitioned node): whole states both ways;
//   3. otherwise protocol 2: item summaries of the differing buckets; the peer answers with what
//      we lack and names what it lacks, which we push;
//   4. a peer without the reconcile route (404) gets protocol 1: whole buckets both ways.
// Everything a peer sends is schema-checked and merged through ingest (signatures verified).

import { PeerStatusError, requestJson } from "./peer-client.js";
import { checkDataJson } from "./schema.js";
import type { IngestReport, NetworkState } from "./state.js";
import { checkSummaries, type Digest, differingBuckets, digest, itemsFor, slice, summaries } from "./sync.js";

/** Largest sync body, either way (16 MiB). */
export const MAX_BODY = 16 << 20;
/** More differing buckets than this: exchange whole states. */
const WHOLE_STATE_ABOVE = 192;

export interface SyncReport {
  /** Entries and attestations merged from the peer, and what ingest refused. */
  merged: IngestReport[];
}

function merge(s: NetworkState, json: unknown, out: SyncReport): void {
  const data = checkDataJson(json);
  if (data.network !== s.network) throw new Error("peer sent another network's state");
  out.merged.push(s.merge(data));
}

async function push(base: string, json: unknown, onBytes?: OnBytes): Promise<void> {
  try {
    await requestJson(`${base}/push`, "push", {
      body: json,
      timeoutMs: 10_000,
      limit: MAX_BODY,
      ...(onBytes ? { onBytes } : {}),
    });
  } catch (e) {
    // 422: the peer refused every entry (it counts them); not a failure of the exchange.
    if (!(e instanceof PeerStatusError && e.status === 422)) throw e;
  }
}

/** Told the bytes sent and received by each request of an exchange (metrics). */
type OnBytes = (sent: number, received: number) => void;

/** Syncs one network with the peer at `url`; throws when the exchange fails. */
export async function syncWith(
  url: string,
  s: NetworkState,
  o: { onBytes?: OnBytes } = {},
): Promise<SyncReport> {
  const out: SyncReport = { merged: [] };
  const b = o.onBytes ? { onBytes: o.onBytes } : {};
  const base = `${url}/v1/networks/${encodeURIComponent(s.network)}`;
  const theirs = (await requestJson(`${base}/digest`, "digest", {
    timeoutMs: 3000,
    limit: 64 << 10,
    allow404: true,
    ...b,
  })) as Digest | undefined;
  if (theirs === undefined) return out; // the peer is not in this network
  if (!Array.isArray(theirs?.buckets) || theirs.buckets.length !== 256)
    throw new Error("digest: malformed answer");
  const diff = differingBuckets(digest(s), theirs);
  if (diff.length === 0) return out;
  if (diff.length > WHOLE_STATE_ABOVE) {
    merge(s, await requestJson(`${base}/state`, "state", { timeoutMs: 10_000, limit: MAX_BODY, ...b }), out);
    await push(base, s.toJSON(), o.onBytes);
    return out;
  }
  const answer = (await requestJson(`${base}/reconcile`, "reconcile", {
    body: { summaries: summaries(s, diff) },
    timeoutMs: 10_000,
    limit: MAX_BODY,
    allow404: true,
    ...b,
  })) as { give?: unknown; want?: unknown } | undefined;
  if (answer === undefined) {
    // protocol 1: the peer lacks the reconcile route
    const body = { buckets: diff };
    merge(
      s,
      await requestJson(`${base}/slice`, "slice", { body, timeoutMs: 10_000, limit: MAX_BODY, ...b }),
      out,
    );
    await push(base, slice(s, diff), o.onBytes);
    return out;
  }
  merge(s, answer?.give, out);
  const want = checkSummaries(answer?.want ?? {});
  if (Object.keys(want).length) await push(base, itemsFor(s, want), o.onBytes);
  return out;
}
