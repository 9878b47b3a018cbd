// Retention on the device: chains beyond `retainPeriods` (the open one included) end with a
// signed `expired` anchor (durable in anchors.log before anything is deleted — it is also the
// uplink's queue of expiries), their pseudonym key destroyed, and their log deleted — or, while an
// uplink still has to deliver some of the chain's entries, left to the uplink, which deletes it
// once the collector acknowledged the expiry (uplink-state.ts). After a power cut following the
// expired anchor, that anchor is reused, never a second one signed.
import { existsSync } from "node:fs";
import { formatTimestamp, type KeyPair } from "@chronoseal/core";
import type { AgentListener } from "./agent-options.js";
import type { DeviceAnchors } from "./anchor-log.js";
import { anchorHash, signAnchor } from "./anchors.js";
import { chainLogPath } from "./chain.js";
import type { StorageObserver } from "./files.js";
import { type Manifest, writeManifest } from "./manifest.js";
import type { PeriodKeys } from "./pseudonym.js";
import { deleteChainLog, uplinkNeeds } from "./uplink-state.js";

export interface RetentionContext {
  dir: string;
  door: string;
  keyPair: KeyPair;
  retainPeriods?: number | undefined;
  periodKey?: Uint8Array | undefined;
  storageObserver?: StorageObserver | undefined;
  manifest: Manifest;
  anchorsLog: DeviceAnchors;
  keys: PeriodKeys;
  /** Device time. */
  now: number;
  listeners: Iterable<AgentListener>;
}

/** Ends the chains past retention (see the header), then sweeps logs no uplink needs any more. */
export async function expireChains(c: RetentionContext): Promise<void> {
  const keep = c.retainPeriods ?? 3;
  if (!Number.isSafeInteger(keep) || keep < 1)
    throw new RangeError(`retainPeriods: expected ≥ 1, got ${keep}`);
  const live = c.manifest.chains.filter((r) => r.status !== "expired");
  for (const rec of live.slice(0, Math.max(0, live.length - keep))) {
    if (rec.status !== "closed") continue;
    const chain = `${c.door}/${rec.period}`;
    const latest = c.anchorsLog.latest.get(chain);
    if (!latest) continue;
    let { note, anchor: a } = latest;
    const made = a.kind !== "expired"; // else a power cut came after the expired anchor
    if (made) {
      a = { ...latest.anchor, kind: "expired", prevAnchor: latest.hash, time: formatTimestamp(c.now) };
      note = signAnchor(a, c.door, c.keyPair.secretKey);
      await c.anchorsLog.add({ chain, anchor: a, hash: anchorHash(note), note }, Promise.resolve());
    }
    if (!c.periodKey) c.keys.destroy(rec.period);
    rec.status = "expired";
    writeManifest(c.dir, c.manifest, c.storageObserver);
    if (!uplinkNeeds(c.dir, chain, a.lastSeq)) deleteChainLog(c.dir, rec.period, c.storageObserver);
    if (made) for (const l of c.listeners) l.anchor?.(note, a);
    for (const l of c.listeners) l.expired?.(chain, note);
  }
  // Logs of expired chains that no uplink needs any more (e.g. left by a power cut).
  for (const rec of c.manifest.chains) {
    if (rec.status !== "expired" || !existsSync(chainLogPath(c.dir, rec.period))) continue;
    const chain = `${c.door}/${rec.period}`;
    const lastSeq = c.anchorsLog.latest.get(chain)?.anchor.lastSeq ?? Number.MAX_SAFE_INTEGER;
    if (!uplinkNeeds(c.dir, chain, lastSeq)) deleteChainLog(c.dir, rec.period, c.storageObserver);
  }
}
