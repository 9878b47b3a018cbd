// Ingest: checks a submitted batch against the device registry and the stored chains — shape,
// device signatures (one batch verification per request), chaining onto the stored head — and
// stores it atomically. Resubmitting stored entries is idempotent; anything else that does not
// fit is rejected whole, leaving the store unchanged.
import { ChronosealError, verifyDocuments } from "@chronoseal/core";
import { ENTRY_CONTEXT, entryHash, entryShapeError, type LockEntry } from "@chronoseal/lock";
import type { CollectorStore, StoredEntry } from "./store.js";

export class IngestError extends ChronosealError {
  constructor(
    code:
      | "ERR_MALFORMED"
      | "ERR_UNKNOWN_DEVICE"
      | "ERR_SIGNATURE"
      | "ERR_UNCHAINED"
      | "ERR_CONFLICT"
      | "ERR_TOO_MANY",
    message: string,
    readonly status: number,
    readonly index?: number,
  ) {
    super(code, message);
    this.name = "IngestError";
  }
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

export const MAX_BATCH = 10_000;

export async function ingest(
  store: CollectorStore,
  devices: ReadonlyMap<string, string>,
  batch: unknown,
): Promise<IngestResult> {
  if (!Array.isArray(batch))
    throw new IngestError("ERR_MALFORMED", "body: expected a JSON array of entries", 400);
  if (batch.length > MAX_BATCH)
    throw new IngestError(
      "ERR_TOO_MANY",
      `at most ${MAX_BATCH} entries per request, got ${batch.length}`,
      413,
    );
  batch.forEach((e, i) => {
    const why = entryShapeError(e);
    if (why) throw new IngestError("ERR_MALFORMED", `entries[${i}]: ${why}`, 400, i);
    const entry = e as LockEntry;
    if (!devices.has(entry.door))
      throw new IngestError("ERR_UNKNOWN_DEVICE", `entries[${i}]: unknown door ${entry.door}`, 403, i);
    if (!entry.chain.startsWith(`${entry.door}/`))
      throw new IngestError(
        "ERR_MALFORMED",
        `entries[${i}]: chain does not belong to door ${entry.door}`,
        400,
        i,
      );
  });
  const entries = batch as LockEntry[];
  // One batch verification for every signature of the request.
  const byDoor = new Map<string, number[]>();
  entries.forEach((e, i) => {
    byDoor.set(e.door, [...(byDoor.get(e.door) ?? []), i]);
  });
  for (const [door, idx] of byDoor) {
    const reports = verifyDocuments(
      idx.map((i) => entries[i]!),
      { trusted: [devices.get(door)!], context: ENTRY_CONTEXT, now: Number.MAX_SAFE_INTEGER - 1 },
    );
    const bad = reports.findIndex((r) => r.time === undefined);
    if (bad >= 0)
      throw new IngestError(
        "ERR_SIGNATURE",
        `entries[${idx[bad]}]: device signature does not verify`,
        422,
        idx[bad],
      );
  }
  // Chain onto the stored heads, in order; skip exact resubmissions.
  const heads = new Map<string, { seq: number; hash: string }>();
  const rows: StoredEntry[] = [];
  let duplicates = 0;
  const sorted = entries
    .map((e, i) => ({ e, i, hash: entryHash(e) }))
    .sort((a, b) => (a.e.chain < b.e.chain ? -1 : a.e.chain > b.e.chain ? 1 : a.e.seq - b.e.seq));
  for (const { e, i, hash } of sorted) {
    if (!heads.has(e.chain)) {
      const h = await store.head(e.chain);
      heads.set(e.chain, h ? { seq: h.seq, hash: h.hash } : { seq: -1, hash: "" });
    }
    const head = heads.get(e.chain)!;
    if (e.seq <= head.seq) {
      const stored =
        rows.find((r) => r.chain === e.chain && r.seq === e.seq)?.hash ??
        (await store.hashAt(e.chain, e.seq));
      if (stored === hash) {
        duplicates++;
        continue;
      }
      throw new IngestError(
        "ERR_CONFLICT",
        `entries[${i}]: ${e.chain}#${e.seq} differs from the stored entry`,
        409,
        i,
      );
    }
    if (e.seq !== head.seq + 1 || e.prev !== head.hash) {
      throw new IngestError(
        "ERR_UNCHAINED",
        `entries[${i}]: ${e.chain}#${e.seq} does not extend the chain (head ${head.seq})`,
        409,
        i,
      );
    }
    rows.push({ chain: e.chain, seq: e.seq, door: e.door, time: e.time, hash, entry: e });
    heads.set(e.chain, { seq: e.seq, hash });
  }
  if (rows.length) await store.append(rows);
  return { accepted: rows.length, duplicates };
}
