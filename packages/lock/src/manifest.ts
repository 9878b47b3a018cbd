// The device manifest (`<dir>/chains.json`, replaced atomically): the door, the chains in the
// order they were opened with their status, the final anchor of each closed chain, and whether
// the device was decommissioned (written before the final chain is closed, so a power cut in
// the middle of decommissioning does not open a new chain on the next boot).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ChronosealError } from "@chronoseal/core";
import { atomicWrite, type StorageObserver } from "./files.js";

export type ChainStatus = "open" | "closed" | "expired";

export interface ChainRecord {
  period: string;
  status: ChainStatus;
  /** Hash of the chain's final anchor (once closed). */
  final?: string;
}

export interface Manifest {
  v: 1;
  door: string;
  decommissioned: boolean;
  /** Hash of an anchor of another device the first chain links to (a replaced lock). */
  previousChainAnchor?: string;
  chains: ChainRecord[];
}

export class ManifestError extends ChronosealError {
  constructor(message: string) {
    super("ERR_LOCK_MANIFEST", message);
    this.name = "ManifestError";
  }
}

function manifestPath(dir: string): string {
  return join(dir, "chains.json");
}

export function readManifest(dir: string): Manifest | undefined {
  const path = manifestPath(dir);
  if (!existsSync(path)) return undefined;
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch (e) {
    throw new ManifestError(`${path}: ${(e as Error).message}`);
  }
  if (m?.v !== 1 || typeof m.door !== "string" || !Array.isArray(m.chains))
    throw new ManifestError(`${path}: not a lock manifest`);
  return m;
}

export function writeManifest(dir: string, m: Manifest, observer?: StorageObserver): void {
  atomicWrite(manifestPath(dir), `${JSON.stringify(m, null, 2)}\n`, { observer });
}
