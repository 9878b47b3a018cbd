// Device signatures of many entries with one verifyBatch call. The auditor knows exactly which
// signature counts — the door's device key, context `lock-entry` — so it checks that one directly
// under the signing rule (`chronoseal-v1:lock-entry:<signed_at>:<entry hash>`) instead of judging
// every signature of a generic map; other signers are ignored. Same verdicts as core's
// verifySignatureMaps for the device key (a test checks this), with less work per entry.
import { verifyBatch } from "@chronoseal/core";
import { ENTRY_CONTEXT, type LockEntry } from "../entry.js";

export interface SignedItem {
  entry: LockEntry;
  /** base64 entry hash. */
  hash: string;
  /** The door's device key: base64 (the map key) and raw bytes. */
  key: string;
  publicKey: Uint8Array;
}

const encoder = new TextEncoder();
const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** True per item when its device signature verifies. */
export function verifyDeviceSignatures(items: readonly SignedItem[]): boolean[] {
  const out = new Array<boolean>(items.length).fill(false);
  const batch: { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[] = [];
  const index: number[] = [];
  items.forEach((item, i) => {
    const map = item.entry.signatures as Record<string, unknown> | undefined;
    const sig = map && typeof map === "object" ? map[item.key] : undefined;
    if (!sig || typeof sig !== "object") return;
    const { signed_at, signature, context } = sig as Record<string, unknown>;
    if (typeof signed_at !== "string" || !CANONICAL_TIME.test(signed_at)) return;
    if (typeof signature !== "string" || signature.length !== 88) return;
    if (context !== undefined && context !== ENTRY_CONTEXT) return;
    const bytes = Buffer.from(signature, "base64");
    if (bytes.length !== 64) return;
    batch.push({
      publicKey: item.publicKey,
      signature: bytes,
      message: encoder.encode(`chronoseal-v1:${ENTRY_CONTEXT}:${signed_at}:${item.hash}`),
    });
    index.push(i);
  });
  if (batch.length === 0) return out;
  const verdicts = verifyBatch(batch);
  index.forEach((i, k) => {
    out[i] = verdicts[k] === true;
  });
  return out;
}
