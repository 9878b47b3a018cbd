// Ingest: checks a submitted batch against the device registry and the stored chains — shape,
// device signatures (one batch verification for the whole request), chaining onto the stored
// head — and stores it atomically. Resubmitting stored entries is idempotent (they are counted as
// duplicates and skipped); anything else that does not fit rejects the whole batch and leaves the
// store unchanged.
import { ChronosealError, isPublicKeyBase64, toBase64, verifySigners } from "@chronoseal/core";
import { ENTRY_CONTEXT, entryHashes, entryShapeError, type LockEntry } from "@chronoseal/lock";
import { type CollectorStore, StoreConflictError, type StoredEntry } from "./store.js";

export type IngestCode =
  | "ERR_MALFORMED"
  | "ERR_DUPLICATE"
  | "ERR_UNKNOWN_DEVICE"
  | "ERR_SIGNATURE"
  | "ERR_UNCHAINED"
  | "ERR_CONFLICT"
  | "ERR_TOO_MANY";

export class IngestError extends ChronosealError {
  constructor(
    code: IngestCode,
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

/** Checks and stores a batch (see the header); throws IngestError with an HTTP status. */
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
  const seen = new Set<string>();
  batch.forEach((e, i) => {
    const why = entryShapeError(e);
    if (why) throw new IngestError("ERR_MALFORMED", `entries[${i}]: ${why}`, 400, i);
    const entry = e as LockEntry;
    // A registered key that is not canonical base64 could never match a signature: the door is
    // as good as unknown (the collector's configuration checks keys at startup).
    if (!isPublicKeyBase64(devices.get(entry.door)))
      throw new IngestError("ERR_UNKNOWN_DEVICE", `entries[${i}]: unknown door ${entry.door}`, 403, i);
    const key = `${entry.chain}#${entry.seq}`;
    if (seen.has(key)) throw new IngestError("ERR_DUPLICATE", `entries[${i}]: ${key} appears twice`, 400, i);
    seen.add(key);
  });
  const entries = batch as LockEntry[];
  if (entries.length === 0) return { accepted: 0, duplicates: 0 };

  // One batch verification of the device signatures of the request: per entry, the door's key
  // under the signing rule (core's verifySigners — the auditor asks exactly the same question).
  const packed = entryHashes(entries, { shaped: true });
  const hashes = entries.map((_, i) => toBase64(packed.subarray(i * 32, i * 32 + 32)));
  const verdicts = verifySigners(
    entries.map((e, i) => ({ hash: hashes[i]!, key: devices.get(e.door)!, signatures: e.signatures })),
    { context: ENTRY_CONTEXT },
  );
  verdicts.forEach((v, i) => {
    if (!v.valid)
      throw new IngestError(
        "ERR_SIGNATURE",
        `entries[${i}]: the device signature does not verify (${v.reason}: ${v.detail})`,
        422,
        i,
      );
  });

  // Chain onto the stored heads, in order; skip exact resubmissions.
  const order = entries
    .map((_e, i) => i)
    .sort((a, b) => {
      const x = entries[a]!;
      const y = entries[b]!;
      return x.chain < y.chain ? -1 : x.chain > y.chain ? 1 : x.seq - y.seq;
    });
  const heads = new Map(
    [...(await store.heads([...new Set(entries.map((e) => e.chain))]))].map(([c, h]) => [
      c,
      { seq: h.seq, hash: h.hash },
    ]),
  );
  const stored = new Map<string, Map<number, string>>();
  const rows: StoredEntry[] = [];
  let duplicates = 0;
  for (const i of order) {
    const e = entries[i]!;
    const hash = hashes[i]!;
    const head = heads.get(e.chain) ?? { seq: -1, hash: "" };
    if (e.seq <= head.seq) {
      let known = stored.get(e.chain);
      if (!known) {
        const mine = entries.filter((x) => x.chain === e.chain && x.seq <= head.seq).map((x) => x.seq);
        known = await store.hashes(e.chain, Math.min(...mine), Math.max(...mine));
        stored.set(e.chain, known);
      }
      if (known.get(e.seq) === hash) {
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
    if (e.seq !== head.seq + 1 || e.prev !== head.hash)
      throw new IngestError(
        "ERR_UNCHAINED",
        `entries[${i}]: ${e.chain}#${e.seq} does not extend the chain (stored head ${head.seq})`,
        409,
        i,
      );
    rows.push({ chain: e.chain, seq: e.seq, door: e.door, time: e.time, hash, entry: e });
    heads.set(e.chain, { seq: e.seq, hash });
  }
  if (rows.length > 0) {
    try {
      await store.append(rows);
    } catch (e) {
      if (e instanceof StoreConflictError)
        throw new IngestError("ERR_CONFLICT", `stored concurrently by another request: ${e.message}`, 409);
      throw e;
    }
  }
  return { accepted: rows.length, duplicates };
}
