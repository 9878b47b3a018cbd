// Views derived from the network state: active host names (first-attested-wins, overrides,
// tombstones, TTL expiry at time `now`), host records (last writer wins per node), section values,
// and the dns.json lines of one network. Pending (unattested) claims are listed but never win.
import type { Claim, HostRecord } from "./entries.js";
import type { NetworkState } from "./state.js";

export interface HostnameView {
  hostname: string;
  /** The node key that holds the name. */
  owner: string;
  claim?: string;
  time?: number;
}

export interface NamesView {
  active: HostnameView[];
  pending: { hostname: string; owner: string; claim: string }[];
}

function expired(state: NetworkState, id: string, now: number): boolean {
  const ttl = state.settings()?.host_ttl ?? 0;
  const t = state.timeOf(id);
  return ttl > 0 && t !== undefined && t + ttl < now;
}

/** Host records: the newest per node (last_updated, ties by id), tombstones and expiry applied. */
export function hostRecords(state: NetworkState, now: number): Map<string, HostRecord> {
  const deleted = state.deleted();
  const out = new Map<string, { id: string; e: HostRecord }>();
  for (const [id, e] of state.entries) {
    if (e.kind !== "host" || deleted.has(id) || expired(state, id, now)) continue;
    const cur = out.get(e.writer);
    if (!cur || e.last_updated > cur.e.last_updated || (e.last_updated === cur.e.last_updated && id > cur.id))
      out.set(e.writer, { id, e });
  }
  return new Map([...out].map(([k, v]) => [k, v.e]));
}

/** Which node holds each host name: overrides, then the earliest attested claim (ties by id). */
export function hostnames(state: NetworkState, now: number): NamesView {
  const deleted = state.deleted();
  const byName = new Map<string, { id: string; e: Claim; time: number | undefined }[]>();
  for (const [id, e] of state.entries) {
    if (e.kind !== "claim" || deleted.has(id) || expired(state, id, now)) continue;
    const list = byName.get(e.hostname) ?? [];
    list.push({ id, e, time: state.timeOf(id) });
    byName.set(e.hostname, list);
  }
  const overrides = state.settings()?.overrides ?? {};
  const active: HostnameView[] = [];
  const pending: NamesView["pending"] = [];
  for (const [hostname, owner] of Object.entries(overrides)) active.push({ hostname, owner });
  for (const [hostname, claims] of byName) {
    const attested = claims
      .filter((c) => c.time !== undefined)
      .sort((a, b) => a.time! - b.time! || (a.id < b.id ? -1 : 1));
    const winner = attested[0];
    if (winner && overrides[hostname] === undefined)
      active.push({ hostname, owner: winner.e.writer, claim: winner.id, time: winner.time! });
    for (const c of claims)
      if (c.time === undefined) pending.push({ hostname, owner: c.e.writer, claim: c.id });
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

/** The dns.json lines of one network: `<name>.<tld>` → each address of the owner's host record. */
export function dnsLines(state: NetworkState, now: number): DnsLine[] {
  const tld = state.settings()?.tld ?? "";
  const records = hostRecords(state, now);
  const out: DnsLine[] = [];
  for (const n of hostnames(state, now).active) {
    const host = records.get(n.owner);
    for (const ip of host?.addresses ?? [])
      out.push({ hostname: tld ? `${n.hostname}.${tld}` : n.hostname, ip });
  }
  return out;
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
