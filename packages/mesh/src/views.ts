// Views derived from the network state: active host names (first-attested-wins with renewals
// keeping their place, overrides, tombstones, TTL expiry at time `now`: lease.ts), host records
// (last writer wins per node), section values, and the dns.json lines of one network. Pending
// (unattested) claims are listed but never win.
import type { HostRecord } from "./entries.js";
import { isExpired, liveClaims } from "./lease.js";
import type { NetworkState } from "./state.js";

export interface HostnameView {
  hostname: string;
  /** The node key that holds the name (the admin key for an override to fixed addresses). */
  owner: string;
  claim?: string;
  /** The claim's trusted time, and its priority in a conflict (`since` of a renewal). */
  time?: number;
  since?: number;
  /** An override to fixed addresses. */
  ips?: string[];
}

export interface NamesView {
  active: HostnameView[];
  pending: { hostname: string; owner: string; claim: string }[];
}

/** Host records: the newest per node (last_updated, ties by id), tombstones and expiry applied. */
export function hostRecords(state: NetworkState, now: number): Map<string, HostRecord> {
  const deleted = state.deleted();
  const out = new Map<string, { id: string; e: HostRecord }>();
  for (const [id, e] of state.entries) {
    if (e.kind !== "host" || deleted.has(id) || isExpired(state, id, now)) continue;
    const cur = out.get(e.writer);
    if (!cur || e.last_updated > cur.e.last_updated || (e.last_updated === cur.e.last_updated && id > cur.id))
      out.set(e.writer, { id, e });
  }
  return new Map([...out].map(([k, v]) => [k, v.e]));
}

/**
 * Which node holds each host name: overrides, then the live claim with the best priority (the
 * earliest trusted time, or `since` of a renewal; ties by id). Pending claims are listed unless
 * their writer already holds the name (a renewal waiting for its attestation).
 */
export function hostnames(state: NetworkState, now: number): NamesView {
  const deleted = state.deleted();
  const live = liveClaims(state, now, deleted);
  const overrides = state.settings()?.overrides ?? {};
  const active: HostnameView[] = [];
  const pending: NamesView["pending"] = [];
  for (const [hostname, to] of Object.entries(overrides))
    active.push(
      Array.isArray(to) ? { hostname, owner: state.network, ips: [...to] } : { hostname, owner: to },
    );
  for (const [hostname, claims] of live) {
    if (overrides[hostname] !== undefined) continue;
    const winner = claims.reduce((a, b) =>
      b.priority < a.priority || (b.priority === a.priority && b.id < a.id) ? b : a,
    );
    active.push({
      hostname,
      owner: winner.claim.writer,
      claim: winner.id,
      time: winner.time,
      ...(winner.priority !== winner.time ? { since: winner.priority } : {}),
    });
  }
  for (const [id, e] of state.entries) {
    if (e.kind !== "claim" || deleted.has(id) || state.timeOf(id) !== undefined) continue;
    if (live.get(e.hostname)?.some((c) => c.claim.writer === e.writer)) continue;
    pending.push({ hostname: e.hostname, owner: e.writer, claim: id });
  }
  active.sort((a, b) => (a.hostname < b.hostname ? -1 : 1));
  pending.sort((a, b) =>
    a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : a.claim < b.claim ? -1 : 1,
  );
  return { active, pending };
}

export interface DnsLine {
  hostname: string;
  ip: string;
}

/**
 * The dns.json lines of one network: `<name>.<tld>` → each address of the owner's host record
 * (or the override's fixed addresses).
 */
export function dnsLines(state: NetworkState, now: number): DnsLine[] {
  const tld = state.settings()?.tld ?? "";
  const records = hostRecords(state, now);
  const out: DnsLine[] = [];
  for (const n of hostnames(state, now).active) {
    const ips = n.ips ?? records.get(n.owner)?.addresses ?? [];
    for (const ip of ips) out.push({ hostname: tld ? `${n.hostname}.${tld}` : n.hostname, ip });
  }
  return out;
}

/** dns.json in the CoreDNS plugin's shape: one `{hostname, ips}` line per name. */
export function groupDns(lines: readonly DnsLine[]): { hostname: string; ips: string[] }[] {
  const by = new Map<string, string[]>();
  for (const l of lines) {
    const ips = by.get(l.hostname) ?? [];
    ips.push(l.ip);
    by.set(l.hostname, ips);
  }
  return [...by].map(([hostname, ips]) => ({ hostname, ips }));
}

/**
 * Across networks: for each hostname the network with the lowest priority number wins
 * (ties by network key).
 */
export function mergeDns(networks: { priority: number; network: string; lines: DnsLine[] }[]): DnsLine[] {
  const sorted = [...networks].sort((a, b) => a.priority - b.priority || (a.network < b.network ? -1 : 1));
  const taken = new Set<string>();
  const out: DnsLine[] = [];
  for (const n of sorted) {
    const names = new Set<string>();
    for (const l of n.lines) {
      if (taken.has(l.hostname)) continue;
      out.push(l);
      names.add(l.hostname);
    }
    for (const h of names) taken.add(h);
  }
  return out.sort((a, b) =>
    a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : a.ip < b.ip ? -1 : 1,
  );
}

export interface SectionItem {
  id: string;
  key: string;
  value: unknown;
  writer: string;
  /** Trusted attestation time (undefined: pending). */
  time?: number;
}

/**
 * The records of a section under its policy:
 * - `append-only`: every record ever written by an authorized writer, in attested order
 *   (pending ones last, by id); tombstones do not apply and nothing expires.
 * - `lww`: per key the newest record (last_updated, ties by id); tombstones apply.
 * - `first-attested-wins`: per key the earliest attested record (ties by id); pending ones are
 *   not shown; tombstones apply.
 * - `latest-per-writer`: per (writer, key) the newest record (last_updated, ties by id) — the
 *   state keeps no other — sorted by key, then writer; tombstones apply.
 */
export function sectionRecords(state: NetworkState, section: string): SectionItem[] {
  const policy = state.settings()?.sections?.[section]?.policy ?? "append-only";
  const deleted = policy === "append-only" ? new Set<string>() : state.deleted();
  const items: (SectionItem & { last_updated: string })[] = [];
  for (const [id, e] of state.entries) {
    if (e.kind !== "record" || e.section !== section || deleted.has(id)) continue;
    const time = state.timeOf(id);
    items.push({
      id,
      key: e.key,
      value: e.value,
      writer: e.writer,
      last_updated: e.last_updated,
      ...(time === undefined ? {} : { time }),
    });
  }
  const byTime = (a: SectionItem, b: SectionItem) =>
    (a.time ?? Number.POSITIVE_INFINITY) - (b.time ?? Number.POSITIVE_INFINITY) || (a.id < b.id ? -1 : 1);
  const strip = ({ last_updated: _, ...rest }: SectionItem & { last_updated: string }): SectionItem => rest;
  if (policy === "append-only") return items.sort(byTime).map(strip);
  const best = new Map<string, SectionItem & { last_updated: string }>();
  for (const it of items) {
    const slot = policy === "latest-per-writer" ? `${it.key}\n${it.writer}` : it.key;
    const cur = best.get(slot);
    if (policy === "lww" || policy === "latest-per-writer") {
      if (
        !cur ||
        it.last_updated > cur.last_updated ||
        (it.last_updated === cur.last_updated && it.id > cur.id)
      )
        best.set(slot, it);
    } else if (it.time !== undefined && (!cur || byTime(it, cur) < 0)) best.set(slot, it);
  }
  const order = (a: SectionItem, b: SectionItem) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : 0;
  return [...best.values()].sort(order).map(strip);
}
