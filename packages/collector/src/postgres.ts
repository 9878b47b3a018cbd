// PostgreSQL storage (pg), for fleets that outgrow one machine. Appends run in one transaction;
// queries stream with a cursor-like LIMIT/OFFSET paging by (chain, seq).

import type { LockEntry } from "@chronoseal/lock";
import pg from "pg";
import type { ChainHead, CollectorStore, EntryQuery, StoredEntry } from "./store.js";

export class PostgresStore implements CollectorStore {
  private constructor(private readonly pool: pg.Pool) {}

  static async connect(url: string, table = "entries"): Promise<PostgresStore> {
    if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new RangeError(`table: invalid name ${table}`);
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (
      chain TEXT NOT NULL, seq BIGINT NOT NULL, door TEXT NOT NULL, time TEXT NOT NULL,
      hash TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (chain, seq))`);
    await pool.query(`CREATE INDEX IF NOT EXISTS ${table}_door ON ${table} (door, chain, seq)`);
    const s = new PostgresStore(pool);
    s.table = table;
    return s;
  }

  private table = "entries";

  async head(chain: string): Promise<ChainHead | undefined> {
    const r = await this.pool.query(
      `SELECT chain, door, seq, hash FROM ${this.table} WHERE chain = $1 ORDER BY seq DESC LIMIT 1`,
      [chain],
    );
    const row = r.rows[0];
    return row ? { chain: row.chain, door: row.door, seq: Number(row.seq), hash: row.hash } : undefined;
  }

  async hashAt(chain: string, seq: number): Promise<string | undefined> {
    const r = await this.pool.query(`SELECT hash FROM ${this.table} WHERE chain = $1 AND seq = $2`, [
      chain,
      seq,
    ]);
    return r.rows[0]?.hash;
  }

  async append(rows: readonly StoredEntry[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      for (let i = 0; i < rows.length; i += 500) {
        const part = rows.slice(i, i + 500);
        const values: (string | number)[] = [];
        const tuples = part.map((r, k) => {
          values.push(r.chain, r.seq, r.door, r.time, r.hash, JSON.stringify(r.entry));
          const b = k * 6;
          return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`;
        });
        await client.query(
          `INSERT INTO ${this.table} (chain, seq, door, time, hash, body) VALUES ${tuples.join(", ")}`,
          values,
        );
      }
      await client.query("COMMIT");
    } catch (e) {
      await client.query("ROLLBACK");
      throw e;
    } finally {
      client.release();
    }
  }

  async *query(q: EntryQuery): AsyncIterable<LockEntry> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (sql: string, v: string | number) => {
      args.push(v);
      where.push(sql.replace("?", `$${args.length}`));
    };
    if (q.door !== undefined) add("door = ?", q.door);
    if (q.chain !== undefined) add("chain = ?", q.chain);
    if (q.fromSeq !== undefined) add("seq >= ?", q.fromSeq);
    if (q.toSeq !== undefined) add("seq <= ?", q.toSeq);
    // Keyset paging keeps memory bounded for long exports.
    let after: [string, number] | undefined;
    for (;;) {
      const conds = [...where];
      const a = [...args];
      if (after) {
        a.push(after[0], after[1]);
        conds.push(`(chain, seq) > ($${a.length - 1}, $${a.length})`);
      }
      const r = await this.pool.query(
        `SELECT chain, seq, body FROM ${this.table} ${conds.length ? `WHERE ${conds.join(" AND ")}` : ""} ORDER BY chain, seq LIMIT 2000`,
        a,
      );
      for (const row of r.rows) yield JSON.parse(row.body) as LockEntry;
      if (r.rows.length < 2000) return;
      const last = r.rows[r.rows.length - 1];
      after = [last.chain, Number(last.seq)];
    }
  }

  async chains(): Promise<ChainHead[]> {
    const r = await this.pool.query(
      `SELECT DISTINCT ON (chain) chain, door, seq, hash FROM ${this.table} ORDER BY chain, seq DESC`,
    );
    return r.rows.map((row) => ({ chain: row.chain, door: row.door, seq: Number(row.seq), hash: row.hash }));
  }

  async count(): Promise<number> {
    const r = await this.pool.query(`SELECT COUNT(*)::int AS n FROM ${this.table}`);
    return r.rows[0].n;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
