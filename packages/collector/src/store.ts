// The collector's storage interface: append-only rows of lock entries keyed by (chain, seq),
// with the entry hash, door and device time for queries. SQLite and PostgreSQL implement it and
// pass one shared test suite.
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
  fromSeq?: number;
  toSeq?: number;
}

export interface ChainHead {
  chain: string;
  door: string;
  seq: number;
  hash: string;
}

export interface CollectorStore {
  /** The last stored entry of a chain. */
  head(chain: string): Promise<ChainHead | undefined>;
  /** The stored hash at (chain, seq). */
  hashAt(chain: string, seq: number): Promise<string | undefined>;
  /** Appends entries atomically (all or none); they must extend their chains. */
  append(rows: readonly StoredEntry[]): Promise<void>;
  /** Entries by door / chain / sequence range, ordered by chain then seq. */
  query(q: EntryQuery): AsyncIterable<LockEntry>;
  chains(): Promise<ChainHead[]>;
  count(): Promise<number>;
  close(): Promise<void>;
}
