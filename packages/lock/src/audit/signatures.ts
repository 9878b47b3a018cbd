// Device signatures of many entries with one verifyBatch call. The auditor knows exactly which
// signature counts — the door's device key, context `lock-entry` — so it asks core's
// verifySigners for that one entry per item (the collector's ingest asks the same question the
// same way, so the two cannot disagree on a signature); other signers are ignored.
import { verifySigners } from "@chronoseal/core";
import { ENTRY_CONTEXT, type LockEntry } from "../entry.js";

export interface SignedItem {
  entry: LockEntry;
  /** base64 entry hash. */
  hash: string;
  /** The door's device key, base64 (the map key). */
  key: string;
}

/** True per item when its device signature verifies. */
export function verifyDeviceSignatures(items: readonly SignedItem[]): boolean[] {
  if (items.length === 0) return [];
  return verifySigners(
    items.map((i) => ({ hash: i.hash, key: i.key, signatures: i.entry.signatures })),
    { context: ENTRY_CONTEXT },
  ).map((v) => v.valid);
}
