// Where evidence is kept: every distinct message (its exact bytes, body and attachments) once,
// identified by the digest of those bytes, so a copy with other attachments (more signatures,
// fewer, none) is kept beside the first, never instead of it. SQLite (better-sqlite3, WAL,
// synchronous FULL: a stored row survives a crash) or memory. Rows are only ever added.
import Database from "better-sqlite3";
import { StoreError } from "./errors.js";

export type EvidenceKind = "kel" | "tel" | "acdc" | "reply" | "schema";

export interface StoredEvidence {
  /** Blake3-256 of the bytes, hex: the row's identity. */
  readonly digest: string;
  readonly kind: EvidenceKind;
  /** A CESR message (body and attachments), or a schema document's compact JSON. */
  readonly bytes: Uint8Array;
  /** CESR layout of the message's primitives, as learned when it was first parsed. */
  readonly layout: "current" | "2022";
}

export interface Storage {
  /** Every stored row, in insertion order. */
  load(): StoredEvidence[];
  /** Adds rows (all or none). */
  insert(rows: readonly StoredEvidence[]): void;
  close(): void;
}

export class MemoryStorage implements Storage {
  private readonly rows: StoredEvidence[] = [];
  load(): StoredEvidence[] {
    return [...this.rows];
  }
  insert(rows: readonly StoredEvidence[]): void {
    this.rows.push(...rows);
  }
  close(): void {}
}

const KINDS = new Set<string>(["kel", "tel", "acdc", "reply", "schema"]);
const FORMAT = "chronoseal-keri-evidence-1";

export class SqliteStorage implements Storage {
  private readonly db: Database.Database;
  private readonly put: Database.Statement;

  constructor(readonly path: string) {
    try {
      this.db = new Database(path);
    } catch (e) {
      throw new StoreError(`evidence store ${path}: ${(e as Error).message}`, { cause: e });
    }
    try {
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = FULL");
      const old = this.db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'evidence'")
        .get();
      if (old)
        throw new StoreError(
          `evidence store ${path} holds the retired private format (table "evidence"); import real KERI/ACDC evidence into a new store`,
        );
      this.db.exec(
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);" +
          "CREATE TABLE IF NOT EXISTS keri_evidence (id INTEGER PRIMARY KEY, digest TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, layout TEXT NOT NULL, bytes BLOB NOT NULL);",
      );
      const format = this.db.prepare("SELECT value FROM meta WHERE key = 'format'").get() as
        | { value: string }
        | undefined;
      if (!format) this.db.prepare("INSERT INTO meta (key, value) VALUES ('format', ?)").run(FORMAT);
      else if (format.value !== FORMAT)
        throw new StoreError(`evidence store ${path} has format ${format.value}, expected ${FORMAT}`);
      this.put = this.db.prepare(
        "INSERT OR IGNORE INTO keri_evidence (digest, kind, layout, bytes) VALUES (?, ?, ?, ?)",
      );
    } catch (e) {
      this.db.close();
      throw e;
    }
  }

  load(): StoredEvidence[] {
    const rows = this.db
      .prepare("SELECT digest, kind, layout, bytes FROM keri_evidence ORDER BY id")
      .all() as {
      digest: string;
      kind: string;
      layout: string;
      bytes: Buffer;
    }[];
    return rows.map((r) => {
      if (!KINDS.has(r.kind) || (r.layout !== "current" && r.layout !== "2022"))
        throw new StoreError(
          `evidence store ${this.path}: row ${r.digest} has unknown kind/layout ${r.kind}/${r.layout}`,
        );
      return {
        digest: r.digest,
        kind: r.kind as EvidenceKind,
        layout: r.layout,
        bytes: new Uint8Array(r.bytes),
      };
    });
  }

  insert(rows: readonly StoredEvidence[]): void {
    if (rows.length === 0) return;
    this.db.transaction(() => {
      for (const r of rows) this.put.run(r.digest, r.kind, r.layout, Buffer.from(r.bytes));
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
