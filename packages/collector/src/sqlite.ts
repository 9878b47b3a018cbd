// SQLite storage (better-sqlite3): the embedded default. WAL with synchronous = FULL (an
// acknowledged ingest survives a power cut); appends in one transaction; queries stream page by
// page (keyset paging), so a long export never holds the connection while the client reads.
// A file that cannot be opened or written is a StoreOpenError (ERR_STORAGE) naming the path.
import { statSync } from "node:fs";
import type { LockEntry } from "@chronoseal/lock";
import Database from "better-sqlite3";
import {
  type ChainHead,
  type CollectorStore,
  conditions,
  type EntryQuery,
  PAGE,
  StoreConflictError,
  type StoredEntry,
  StoreOpenError,
} from "./store.js";

export class SqliteStore implements CollectorStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly headStmt: Database.Statement;
  /** The opened file's identity (device, inode), to notice it removed or replaced. */
  private readonly identity: string | undefined;

  constructor(private readonly path = ":memory:") {
    let db: Database.Database | undefined;
    try {
      db = new Database(path);
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = FULL");
      db.exec(`CREATE TABLE IF NOT EXISTS entries (
        chain TEXT NOT NULL, seq INTEGER NOT NULL, door TEXT NOT NULL, time TEXT NOT NULL,
        hash TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (chain, seq)) WITHOUT ROWID`);
      db.exec("CREATE INDEX IF NOT EXISTS entries_door ON entries (door, chain, seq)");
      db.exec("CREATE INDEX IF NOT EXISTS entries_time ON entries (time)");
    } catch (e) {
      db?.close();
      const err = e as Error & { code?: string };
      // better-sqlite3 loads its native addon at the first open: a failure there is the driver's.
      if (err.code === "ERR_DLOPEN_FAILED" || /bindings file|NODE_MODULE_VERSION/.test(err.message))
        throw new StoreOpenError(
          "ERR_DRIVER",
          `the SQLite driver (better-sqlite3) does not load: ${err.message}`,
          {
            cause: e,
          },
        );
      throw new StoreOpenError(
        "ERR_STORAGE",
        `SQLite ${path}: ${err.message}${err.code ? ` (${err.code})` : ""}`,
        {
          cause: e,
        },
      );
    }
    this.db = db;
    this.identity = this.fileIdentity();
    this.insert = this.db.prepare(
      "INSERT INTO entries (chain, seq, door, time, hash, body) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.headStmt = this.db.prepare(
      "SELECT chain, door, seq, hash FROM entries WHERE chain = ? ORDER BY seq DESC LIMIT 1",
    );
  }

  async heads(chains: readonly string[]): Promise<Map<string, ChainHead>> {
    const out = new Map<string, ChainHead>();
    for (const c of chains) {
      const row = this.headStmt.get(c) as ChainHead | undefined;
      if (row) out.set(c, row);
    }
    return out;
  }

  async hashes(chain: string, from: number, to: number): Promise<Map<number, string>> {
    const rows = this.db
      .prepare("SELECT seq, hash FROM entries WHERE chain = ? AND seq >= ? AND seq <= ?")
      .all(chain, from, to) as { seq: number; hash: string }[];
    return new Map(rows.map((r) => [r.seq, r.hash]));
  }

  async append(rows: readonly StoredEntry[]): Promise<void> {
    try {
      this.db.transaction(() => {
        for (const r of rows)
          this.insert.run(r.chain, r.seq, r.door, r.time, r.hash, JSON.stringify(r.entry));
      })();
    } catch (e) {
      if ((e as { code?: string }).code === "SQLITE_CONSTRAINT_PRIMARYKEY")
        throw new StoreConflictError(
          `an entry with this (chain, seq) is stored already: ${(e as Error).message}`,
        );
      throw e;
    }
  }

  async *query(q: EntryQuery): AsyncIterable<LockEntry> {
    let after: [string, number] | undefined;
    for (;;) {
      const args: (string | number)[] = [];
      const where = conditions(q, (v) => {
        args.push(v);
        return "?";
      });
      if (after) {
        where.push("(chain > ? OR (chain = ? AND seq > ?))");
        args.push(after[0], after[0], after[1]);
      }
      const rows = this.db
        .prepare(
          `SELECT chain, seq, body FROM entries ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY chain, seq LIMIT ${PAGE}`,
        )
        .all(...args) as { chain: string; seq: number; body: string }[];
      for (const row of rows) yield JSON.parse(row.body) as LockEntry;
      if (rows.length < PAGE) return;
      const last = rows[rows.length - 1]!;
      after = [last.chain, last.seq];
    }
  }

  async chains(q: { door?: string; chain?: string } = {}): Promise<ChainHead[]> {
    const args: string[] = [];
    const where = conditions(q, (v) => {
      args.push(String(v));
      return "?";
    });
    return this.db
      .prepare(
        `SELECT e.chain, e.door, e.seq, e.hash FROM entries e JOIN
         (SELECT chain, MAX(seq) AS m FROM entries ${where.length ? `WHERE ${where.join(" AND ")}` : ""} GROUP BY chain) h
         ON e.chain = h.chain AND e.seq = h.m ORDER BY e.chain`,
      )
      .all(...args) as ChainHead[];
  }

  async deleteChain(chain: string): Promise<number> {
    return this.db.prepare("DELETE FROM entries WHERE chain = ?").run(chain).changes;
  }

  async count(): Promise<number> {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM entries").get() as { n: number }).n;
  }

  private fileIdentity(): string | undefined {
    if (this.path === ":memory:" || this.path === "") return undefined;
    const s = statSync(this.path);
    return `${s.dev}:${s.ino}`;
  }

  async ping(): Promise<void> {
    this.db.prepare("SELECT 1").get();
    if (this.identity === undefined) return;
    let now: string | undefined;
    try {
      now = this.fileIdentity();
    } catch (e) {
      throw new Error(
        `SQLite ${this.path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "the database file was removed" : (e as Error).message}`,
      );
    }
    // Writes would go to a file no path names any more: lost at the next start.
    if (now !== this.identity) throw new Error(`SQLite ${this.path}: the database file was replaced`);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
