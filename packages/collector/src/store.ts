// The collector's storage interface: append-only rows of lock entries keyed by (chain, seq), with
// the entry hash, door and device time for queries. SQLite and PostgreSQL implement it and pass
// one shared compliance suite (src/testing/storage-suite.ts, exported as
// @chronoseal/collector/testing).
import { ChronosealError } from "@chronoseal/core";
import type { LockEntry } from "@chronoseal/lock";

export interface StoredEntry {
  chain: string;
  seq: number;
  door: string;
  time: string;
  hash: string;
  entry: LockEntry;
}

export interface EntryQuery {
  door?: string;
  chain?: string;
  /** Sequence number range (inclusive). */
  fromSeq?: number;
  toSeq?: number;
  /** Device time range (inclusive, RFC 3339 UTC with milliseconds). */
  since?: string;
  until?: string;
}

export interface ChainHead {
  chain: string;
  door: string;
  seq: number;
  hash: string;
}

/** An append collided with a stored (chain, seq): nothing was stored. */
export class StoreConflictError extends ChronosealError {
  constructor(message: string) {
    super("ERR_STORE_CONFLICT", message);
    this.name = "StoreConflictError";
  }
}

/**
 * A store cannot be opened: `ERR_DRIVER_MISSING` (the driver package is not installed: the
 * MissingDriverError subclass), `ERR_DRIVER` (the driver or its native addon does not load) or `ERR_STORAGE` (the file or database cannot be opened or reached).
 * The message is one line naming what failed (a PostgreSQL URL without its password).
 */
export class StoreOpenError extends ChronosealError {
  constructor(
    code: "ERR_DRIVER" | "ERR_DRIVER_MISSING" | "ERR_STORAGE",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = "StoreOpenError";
  }
}

export interface CollectorStore {
  /** The last stored entry of each named chain (chains without entries are absent). */
  heads(chains: readonly string[]): Promise<Map<string, ChainHead>>;
  /** Stored hashes of a chain's entries with from ≤ seq ≤ to. */
  hashes(chain: string, from: number, to: number): Promise<Map<number, string>>;
  /** Appends entries atomically (all or none); StoreConflictError if one (chain, seq) exists. */
  append(rows: readonly StoredEntry[]): Promise<void>;
  /** Entries by door / chain / sequence range / time range, ordered by chain then seq; streamed. */
  query(q: EntryQuery): AsyncIterable<LockEntry>;
  /** Heads of all chains (or of one door / chain), ordered by chain. */
  chains(q?: { door?: string; chain?: string }): Promise<ChainHead[]>;
  /** Deletes a chain's entries (retention); returns how many were deleted. */
  deleteChain(chain: string): Promise<number>;
  count(): Promise<number>;
  /**
   * Resolves when the store can serve (a real round trip: SELECT 1, and for a file that the path
   * still names the file opened); rejects with the reason otherwise. For readiness checks.
   */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Rows fetched per page when streaming a query. */
export const PAGE = 1000;

/** SQL conditions for a query (placeholders made by `param`), shared by both stores. */
export function conditions(q: EntryQuery, param: (value: string | number) => string): string[] {
  const where: string[] = [];
  if (q.door !== undefined) where.push(`door = ${param(q.door)}`);
  if (q.chain !== undefined) where.push(`chain = ${param(q.chain)}`);
  if (q.fromSeq !== undefined) where.push(`seq >= ${param(q.fromSeq)}`);
  if (q.toSeq !== undefined) where.push(`seq <= ${param(q.toSeq)}`);
  if (q.since !== undefined) where.push(`time >= ${param(q.since)}`);
  if (q.until !== undefined) where.push(`time <= ${param(q.until)}`);
  return where;
}
