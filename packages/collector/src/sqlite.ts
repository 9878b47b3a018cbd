// SQLite storage (better-sqlite3): the embedded default. WAL mode; appends in one transaction.

import type { LockEntry } from "@chronoseal/lock";
import Database from "better-sqlite3";
import type { ChainHead, CollectorStore, EntryQuery, StoredEntry } from "./store.js";

export class SqliteStore implements CollectorStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;

  constructor(path = ":memory:") {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = FULL");
    this.db.exec(`CREATE TABLE IF NOT EXISTS entries (
      chain TEXT NOT NULL, seq INTEGER NOT NULL, door TEXT NOT NULL, time TEXT NOT NULL,
      hash TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (chain, seq))`);
    this.db.exec("CREATE INDEX IF NOT EXISTS entries_door ON entries (door, chain, seq)");
    this.insert = this.db.prepare(
      "INSERT INTO entries (chain, seq, door, time, hash, body) VALUES (?, ?, ?, ?, ?, ?)",
    );
  }

  async head(chain: string): Promise<ChainHead | undefined> {
    const r = this.db
      .prepare("SELECT chain, door, seq, hash FROM entries WHERE chain = ? ORDER BY seq DESC LIMIT 1")
      .get(chain) as ChainHead | undefined;
    return r;
  }

  async hashAt(chain: string, seq: number): Promise<string | undefined> {
    const r = this.db.prepare("SELECT hash FROM entries WHERE chain = ? AND seq = ?").get(chain, seq) as
      | { hash: string }
      | undefined;
    return r?.hash;
  }

  async append(rows: readonly StoredEntry[]): Promise<void> {
    this.db.transaction(() => {
      for (const r of rows) this.insert.run(r.chain, r.seq, r.door, r.time, r.hash, JSON.stringify(r.entry));
    })();
  }

  async *query(q: EntryQuery): AsyncIterable<LockEntry> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.door !== undefined) {
      where.push("door = ?");
      args.push(q.door);
    }
    if (q.chain !== undefined) {
      where.push("chain = ?");
      args.push(q.chain);
    }
    if (q.fromSeq !== undefined) {
      where.push("seq >= ?");
      args.push(q.fromSeq);
    }
    if (q.toSeq !== undefined) {
      where.push("seq <= ?");
      args.push(q.toSeq);
    }
    const sql = `SELECT body FROM entries ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY chain, seq`;
    for (const row of this.db.prepare(sql).iterate(...args) as Iterable<{ body: string }>)
      yield JSON.parse(row.body) as LockEntry;
  }

  async chains(): Promise<ChainHead[]> {
    return this.db
      .prepare(
        "SELECT e.chain, e.door, e.seq, e.hash FROM entries e JOIN (SELECT chain, MAX(seq) AS m FROM entries GROUP BY chain) h ON e.chain = h.chain AND e.seq = h.m ORDER BY e.chain",
      )
      .all() as ChainHead[];
  }

  async count(): Promise<number> {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM entries").get() as { n: number }).n;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
