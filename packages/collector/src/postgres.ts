// PostgreSQL storage (pg), for fleets that outgrow one machine. Appends run in one transaction
// (multi-row inserts); a (chain, seq) collision — another collector instance stored it first — is
// a StoreConflictError and rolls everything back. Queries stream with keyset paging. The driver
// (pg, an optional peer dependency) is loaded by connect() (driver.ts), so a SQLite collector runs
// without it; a missing driver is a MissingDriverError, an unreachable database a StoreOpenError.
import type { LockEntry } from "@chronoseal/lock";
import type pg from "pg";
import { loadPg, MissingDriverError } from "./driver.js";
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

/** `pg`, loaded on first use: not installed → MissingDriverError; fails to load → StoreOpenError. */
async function driver(): Promise<typeof pg> {
  try {
    return await loadPg();
  } catch (e) {
    if (e instanceof MissingDriverError) throw e;
    throw new StoreOpenError(
      "ERR_DRIVER",
      `the PostgreSQL driver (pg) does not load: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable URL)";
  }
}

const NAME_RE = /^[a-z_][a-z0-9_]{0,62}$/;

export class PostgresStore implements CollectorStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly table: string,
  ) {}

  /** Connects and creates the table (default `entries`) if needed. */
  static async connect(url: string, table = "entries"): Promise<PostgresStore> {
    if (!NAME_RE.test(table)) throw new RangeError(`table: invalid name ${JSON.stringify(table)}`);
    const { Pool } = await driver();
    const pool = new Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000 });
    // An idle client's error (the server restarted) must not crash the process: the next query
    // fails and is answered as an error.
    pool.on("error", () => {});
    try {
      await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (
        chain TEXT COLLATE "C" NOT NULL, seq BIGINT NOT NULL, door TEXT COLLATE "C" NOT NULL,
        time TEXT COLLATE "C" NOT NULL,
        hash TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (chain, seq))`);
      await pool.query(`CREATE INDEX IF NOT EXISTS ${table}_door ON ${table} (door, chain, seq)`);
      await pool.query(`CREATE INDEX IF NOT EXISTS ${table}_time ON ${table} (time)`);
    } catch (e) {
      await pool.end().catch(() => {});
      const err = e as NodeJS.ErrnoException;
      throw new StoreOpenError(
        "ERR_STORAGE",
        `PostgreSQL ${redact(url)}: ${err.message || err.code || "cannot connect"}`.replace(/\s*\n\s*/g, " "),
        { cause: e },
      );
    }
    return new PostgresStore(pool, table);
  }

  private static head(row: { chain: string; door: string; seq: string | number; hash: string }): ChainHead {
    return { chain: row.chain, door: row.door, seq: Number(row.seq), hash: row.hash };
  }

  async heads(chains: readonly string[]): Promise<Map<string, ChainHead>> {
    const out = new Map<string, ChainHead>();
    if (chains.length === 0) return out;
    const r = await this.pool.query(
      `SELECT DISTINCT ON (chain) chain, door, seq, hash FROM ${this.table}
       WHERE chain = ANY($1::text[]) ORDER BY chain, seq DESC`,
      [chains],
    );
    for (const row of r.rows) out.set(row.chain, PostgresStore.head(row));
    return out;
  }

  async hashes(chain: string, from: number, to: number): Promise<Map<number, string>> {
    const r = await this.pool.query(
      `SELECT seq, hash FROM ${this.table} WHERE chain = $1 AND seq >= $2 AND seq <= $3`,
      [chain, from, to],
    );
    return new Map(r.rows.map((row) => [Number(row.seq), row.hash as string]));
  }

  async append(rows: readonly StoredEntry[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      for (let i = 0; i < rows.length; i += 1000) {
        const part = rows.slice(i, i + 1000);
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
      await client.query("ROLLBACK").catch(() => {});
      if ((e as { code?: string }).code === "23505")
        throw new StoreConflictError(
          `an entry with this (chain, seq) is stored already: ${(e as Error).message}`,
        );
      throw e;
    } finally {
      client.release();
    }
  }

  async *query(q: EntryQuery): AsyncIterable<LockEntry> {
    let after: [string, number] | undefined;
    for (;;) {
      const args: (string | number)[] = [];
      const param = (v: string | number) => {
        args.push(v);
        return `$${args.length}`;
      };
      const where = conditions(q, param);
      if (after) where.push(`(chain, seq) > (${param(after[0])}, ${param(after[1])})`);
      const r = await this.pool.query(
        `SELECT chain, seq, body FROM ${this.table} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY chain, seq LIMIT ${PAGE}`,
        args,
      );
      for (const row of r.rows) yield JSON.parse(row.body) as LockEntry;
      if (r.rows.length < PAGE) return;
      const last = r.rows[r.rows.length - 1];
      after = [last.chain, Number(last.seq)];
    }
  }

  async chains(q: { door?: string; chain?: string } = {}): Promise<ChainHead[]> {
    const args: string[] = [];
    const where = conditions(q, (v) => {
      args.push(String(v));
      return `$${args.length}`;
    });
    const r = await this.pool.query(
      `SELECT DISTINCT ON (chain) chain, door, seq, hash FROM ${this.table}
       ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY chain, seq DESC`,
      args,
    );
    return r.rows.map(PostgresStore.head);
  }

  async deleteChain(chain: string): Promise<number> {
    const r = await this.pool.query(`DELETE FROM ${this.table} WHERE chain = $1`, [chain]);
    return r.rowCount ?? 0;
  }

  async count(): Promise<number> {
    const r = await this.pool.query(`SELECT COUNT(*)::int AS n FROM ${this.table}`);
    return r.rows[0].n;
  }

  /** Drops the table (tests). */
  async drop(): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS ${this.table}`);
  }

  async ping(): Promise<void> {
    try {
      await this.pool.query("SELECT 1");
    } catch (e) {
      throw new Error(`PostgreSQL: ${(e as Error).message}`);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
