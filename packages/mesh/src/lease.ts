// Host records and claims are leases when the settings give a host TTL: each is live for
// `host_ttl` after its trusted time (its earliest trusted attestation). A running node renews
// them (refresh.ts) well before that, so only the names of stale hosts expire.
//
// A claim keeps its place in a name conflict across renewals: a renewal carries `since`, the
// time from which its writer has held the name without a gap, and a trusted attestor attests a
// renewal only while the writer holds a live claim for the name with exactly that priority
// (renewable()). A claim's priority is its `since` when attested, else its trusted time. A
// writer whose claims lapse (its node stopped for longer than the TTL) loses the name, and a new
// claim starts with a new time.
//
// What is no longer needed is removed (prunable(), applied with NetworkState.forget): expired
// host records and claims, a host record once a newer one of its writer is attested, a claim
// once a later attested claim of its writer for the name has the same or a better priority, and
// pending (never attested) ones older than the TTL by their own last_updated. A claim the admin
// deleted stays (the deletion must stay visible to its node, refresh.ts).
import type { Claim, HostRecord, MeshEntry } from "./entries.js";
import type { NetworkState } from "./state.js";

/** The network's host TTL in ms (0: host records and claims never expire). */
export function ttlOf(state: NetworkState): number {
  const ttl = state.settings()?.host_ttl ?? 0;
  return Number.isSafeInteger(ttl) && ttl > 0 ? ttl : 0;
}

/** Has the lease of an attested entry run out at `now`? (Pending entries do not expire here.) */
export function isExpired(state: NetworkState, id: string, now: number): boolean {
  const ttl = ttlOf(state);
  const t = state.timeOf(id);
  return ttl > 0 && t !== undefined && t + ttl < now;
}

/** A claim's priority in a name conflict: its certified `since`, else its trusted time. */
function priorityOf(state: NetworkState, id: string, claim: Claim): number | undefined {
  const t = state.timeOf(id);
  if (t === undefined) return undefined;
  if (claim.since === undefined) return t;
  const since = Date.parse(claim.since);
  return Number.isFinite(since) && since <= t ? since : t;
}

export interface LiveClaim {
  id: string;
  claim: Claim;
  time: number;
  priority: number;
}

/** Attested, unexpired, undeleted claims, per hostname. */
export function liveClaims(
  state: NetworkState,
  now: number,
  deleted: ReadonlySet<string> = state.deleted(),
): Map<string, LiveClaim[]> {
  const out = new Map<string, LiveClaim[]>();
  for (const [id, e] of state.entries) {
    if (e.kind !== "claim" || deleted.has(id) || isExpired(state, id, now)) continue;
    const time = state.timeOf(id);
    if (time === undefined) continue;
    const list = out.get(e.hostname) ?? [];
    list.push({ id, claim: e, time, priority: priorityOf(state, id, e)! });
    out.set(e.hostname, list);
  }
  return out;
}

/**
 * May a trusted attestor attest this entry now? Everything may be attested except a renewal
 * whose `since` is not the priority of a live claim of the same writer for the same name (the
 * gap is not covered, or the priority is made up): such a claim stays pending.
 */
export function renewable(
  state: NetworkState,
  id: string,
  e: MeshEntry,
  now: number,
  index: ClaimIndex = claimIndex(state),
): boolean {
  if (e.kind !== "claim" || e.since === undefined) return true;
  const since = Date.parse(e.since);
  if (!Number.isFinite(since)) return false;
  for (const pid of index.byName.get(`${e.writer} ${e.hostname}`) ?? []) {
    const p = state.entries.get(pid);
    if (pid === id || p?.kind !== "claim" || index.deleted.has(pid) || isExpired(state, pid, now)) continue;
    if (priorityOf(state, pid, p) === since) return true;
  }
  return false;
}

/** Claims by writer and name, and the deleted ids: built once for many renewable() calls. */
export interface ClaimIndex {
  byName: Map<string, string[]>;
  deleted: Set<string>;
}

export function claimIndex(state: NetworkState): ClaimIndex {
  const byName = new Map<string, string[]>();
  for (const [id, e] of state.entries) {
    if (e.kind !== "claim") continue;
    const k = `${e.writer} ${e.hostname}`;
    const list = byName.get(k);
    if (list) list.push(id);
    else byName.set(k, [id]);
  }
  return { byName, deleted: state.deleted() };
}

/** Ids of host records and claims that are no longer needed at `now` (see the header). */
export function prunable(state: NetworkState, now: number): string[] {
  const ttl = ttlOf(state);
  if (ttl === 0) return [];
  const out: string[] = [];
  const hosts = new Map<string, { id: string; e: HostRecord; t: number }[]>();
  const claims = new Map<string, { id: string; t: number; p: number }[]>();
  const byAdmin = new Set<string>();
  for (const e of state.entries.values())
    if (e.kind === "tombstone" && e.writer === state.network) byAdmin.add(e.target);
  for (const [id, e] of state.entries) {
    if ((e.kind !== "host" && e.kind !== "claim") || byAdmin.has(id)) continue;
    const t = state.timeOf(id);
    if (t === undefined) {
      if (Date.parse(e.last_updated) + ttl < now) out.push(id);
      continue;
    }
    if (t + ttl < now) {
      out.push(id);
      continue;
    }
    if (e.kind === "host") {
      const list = hosts.get(e.writer) ?? [];
      list.push({ id, e, t });
      hosts.set(e.writer, list);
    } else {
      const k = `${e.writer} ${e.hostname}`;
      const list = claims.get(k) ?? [];
      list.push({ id, t, p: priorityOf(state, id, e)! });
      claims.set(k, list);
    }
  }
  // Live host records: all but the newest of each writer (last_updated, ties by id) go.
  for (const list of hosts.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) =>
      a.e.last_updated < b.e.last_updated
        ? -1
        : a.e.last_updated > b.e.last_updated
          ? 1
          : a.id < b.id
            ? -1
            : 1,
    );
    for (const x of list.slice(0, -1)) out.push(x.id);
  }
  // Live claims of one writer for one name: one superseded by a later one with a priority as good.
  for (const list of claims.values()) {
    if (list.length < 2) continue;
    for (const x of list) if (list.some((y) => y !== x && y.t > x.t && y.p <= x.p)) out.push(x.id);
  }
  return out;
}
