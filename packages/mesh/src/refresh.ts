// What a running node must sign to keep its names (at start and every gossip round): a pure
// function of the state, the node's key, addresses and configured claims, and the time.
//   - its host record: when it has none, when its addresses or port changed, and (with a host
//     TTL) when the newest attested one is a third of the TTL old and no newer one is pending;
//   - a claim for each configured name it holds no live or pending claim for;
//   - a renewal (`since` = the claim's priority, lease.ts) of each name it holds, configured or
//     not, once the newest attested claim for it is a third of the TTL old;
//   - never a configured name the admin deleted (a tombstone by the admin on one of its
//     claims): it tombstones its other claims for that name signed before the deletion, so the
//     deletion holds; a claim made later on purpose (`chronoseal mesh claim`) is kept and renewed.
// A restart adds nothing that the state already holds, and an earlier claim keeps its place.
import type { Claim, HostRecord, Payload, Tombstone } from "./entries.js";
import { liveClaims, ttlOf } from "./lease.js";
import type { NetworkState } from "./state.js";

export interface RefreshOptions {
  /** The node key (base64). */
  key: string;
  addresses: readonly string[];
  port: number;
  /** Host names the node is configured to claim in this network. */
  claims: readonly string[];
  now: number;
}

type Unsigned<T> = Omit<T, "signatures">;

/** The payloads the node should sign now (writer and last_updated filled in). */
export function refreshDue(state: NetworkState, o: RefreshOptions): Payload[] {
  const ttl = ttlOf(state);
  const renewAfter = ttl / 3;
  const base = { network: state.network, writer: o.key, last_updated: new Date(o.now).toISOString() };
  const out: Payload[] = [];
  const deleted = state.deleted();

  // The host record.
  let newest: { id: string; e: HostRecord } | undefined;
  for (const [id, e] of state.entries) {
    if (e.kind !== "host" || e.writer !== o.key || deleted.has(id)) continue;
    if (
      !newest ||
      e.last_updated > newest.e.last_updated ||
      (e.last_updated === newest.e.last_updated && id > newest.id)
    )
      newest = { id, e };
  }
  const t = newest ? state.timeOf(newest.id) : undefined;
  const expired = newest !== undefined && t !== undefined && ttl > 0 && t + ttl < o.now;
  if (
    !newest ||
    expired ||
    newest.e.port !== o.port ||
    newest.e.addresses.join() !== o.addresses.join() ||
    (ttl > 0 && t !== undefined && o.now - t >= renewAfter)
  )
    out.push({
      ...base,
      kind: "host",
      addresses: [...o.addresses],
      port: o.port,
    } satisfies Unsigned<HostRecord>);

  // Claims.
  const mine = new Map<string, { id: string; e: Claim }[]>();
  // hostname → when the admin deleted one of our claims for it (the latest such tombstone)
  const byAdmin = new Map<string, string>();
  const adminTombstones = new Map<string, string>(); // target id → last_updated
  for (const e of state.entries.values())
    if (e.kind === "tombstone" && e.writer === state.network) adminTombstones.set(e.target, e.last_updated);
  for (const [id, e] of state.entries) {
    if (e.kind !== "claim" || e.writer !== o.key) continue;
    const at = adminTombstones.get(id);
    if (at !== undefined && at > (byAdmin.get(e.hostname) ?? "")) byAdmin.set(e.hostname, at);
    if (deleted.has(id)) continue;
    const list = mine.get(e.hostname) ?? [];
    list.push({ id, e });
    mine.set(e.hostname, list);
  }
  const live = liveClaims(state, o.now, deleted);
  const configured = new Set(o.claims);
  for (const hostname of new Set([...configured, ...mine.keys()])) {
    let held = mine.get(hostname) ?? [];
    const deletedAt = byAdmin.get(hostname);
    if (deletedAt !== undefined) {
      for (const c of held)
        if (c.e.last_updated <= deletedAt)
          out.push({ ...base, kind: "tombstone", target: c.id } satisfies Unsigned<Tombstone>);
      held = held.filter((c) => c.e.last_updated > deletedAt);
    }
    const keep = new Set(held.map((c) => c.id));
    const ours = (live.get(hostname) ?? []).filter((c) => keep.has(c.id));
    const pending = held.filter((c) => state.timeOf(c.id) === undefined);
    if (ours.length) {
      if (ttl === 0) continue;
      const best = Math.min(...ours.map((c) => c.priority));
      const latest = Math.max(...ours.map((c) => c.time));
      const since = new Date(best).toISOString();
      if (o.now - latest >= renewAfter && !pending.some((c) => c.e.since === since))
        out.push({ ...base, kind: "claim", hostname, since } satisfies Unsigned<Claim>);
    } else if (
      configured.has(hostname) &&
      deletedAt === undefined &&
      !pending.some((c) => c.e.since === undefined)
    )
      out.push({ ...base, kind: "claim", hostname } satisfies Unsigned<Claim>);
  }
  return out;
}
