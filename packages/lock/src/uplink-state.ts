// The uplink's durable state (`<dir>/uplink.json`, replaced atomically) and the retention rule
// that depends on it. The file exists from the moment an Uplink is made for a device directory,
// so it also tells the agent that a collector expects this device's entries: then a chain past
// retention keeps its log (its pseudonym key is destroyed at once) until the uplink has delivered
// the chain's last entry, and the uplink deletes it after the collector acknowledged the expiry.
// Without an uplink the agent deletes an expired chain's log at once.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { AnchorRecord } from "./anchor-log.js";
import { chainLogPath } from "./chain.js";
import { atomicWrite, type StorageObserver } from "./files.js";
import { scanLog } from "./storage.js";

export interface UplinkState {
  /** Per chain, the last sequence number the collector acknowledged. */
  acked: Record<string, number>;
  /** Chains whose expiry the collector acknowledged (their entries are deleted there). */
  expired: string[];
  /** Expiries queued by an older version of the uplink (sent, then dropped). */
  expiries?: { chain: string; note: string }[];
}

export function uplinkStatePath(dir: string): string {
  return join(dir, "uplink.json");
}

/** The uplink's state, or undefined when no uplink was ever made for this directory. */
export function readUplinkState(dir: string): UplinkState | undefined {
  const path = uplinkStatePath(dir);
  if (!existsSync(path)) return undefined;
  let raw: Partial<UplinkState>;
  try {
    raw = JSON.parse(readFileSync(path, "utf8")) as Partial<UplinkState>;
  } catch (e) {
    throw new SyntaxError(`${path}: ${(e as Error).message}`);
  }
  return {
    acked: raw.acked && typeof raw.acked === "object" ? raw.acked : {},
    expired: Array.isArray(raw.expired) ? raw.expired : [],
    ...(Array.isArray(raw.expiries) && raw.expiries.length ? { expiries: raw.expiries } : {}),
  };
}

export function writeUplinkState(dir: string, s: UplinkState): void {
  atomicWrite(uplinkStatePath(dir), JSON.stringify(s));
}

/**
 * True while an uplink still has to deliver entries of `chain` up to `lastSeq`: the chain's log
 * must stay on the device until then.
 */
export function uplinkNeeds(dir: string, chain: string, lastSeq: number): boolean {
  const s = readUplinkState(dir);
  if (!s || s.expired.includes(chain)) return false;
  return (s.acked[chain] ?? -1) < lastSeq;
}

/** Deletes a chain's log file (and any torn tail kept aside next to it). */
export function deleteChainLog(dir: string, period: string, observer?: StorageObserver): void {
  const log = chainLogPath(dir, period);
  let found = false;
  for (const f of readdirSync(dir))
    if (join(dir, f).startsWith(log)) {
      rmSync(join(dir, f), { force: true });
      found = true;
    }
  if (found) observer?.removed(log);
}

/** The device's signed `expired` anchors, by chain (from anchors.log). */
export function expiredAnchors(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  scanLog<AnchorRecord>(join(dir, "anchors.log"), (r) => {
    if (r.anchor?.kind === "expired") out.set(r.chain, r.note);
  });
  return out;
}
