// The evidence store: credentials, key events, transaction events and status replies, kept in
// SQLite whatever their status (a revoked credential is still stored; status is a separate
// question). Evidence whose prerequisites have not arrived is escrowed — stored and listed with
// what it waits for — and re-evaluated on every arrival; nothing is dropped. validate() reads
// the store through a ValidationContext that caches verified signatures and replayed logs.

import { ChronosealError, parseJson } from "@chronoseal/core";
import Database from "better-sqlite3";
import { type EvidenceView, kindOf, MemoryEvidence } from "./evidence.js";
import { sealKey } from "./kel.js";
import { hasValidSaid } from "./said.js";
import type { Credential, Evidence, KeyEvent, StatusReply, TelEvent } from "./types.js";
import { type ValidateOptions, ValidationContext, type Verdict, validate } from "./validate.js";

export class EvidenceError extends ChronosealError {
  constructor(message: string) {
    super("ERR_EVIDENCE", message);
    this.name = "EvidenceError";
  }
}

export interface AddResult {
  said: string;
  status: "accepted" | "escrowed" | "duplicate";
  /** What escrowed evidence waits for. */
  missing: string[];
}

export interface CredentialStatus {
  credential: string;
  state: "unknown" | "issued" | "revoked";
  issuedAt?: string;
  revokedAt?: string;
  /** Whether the issue / revoke events are anchored in the issuer's key event log. */
  anchored: { issue: boolean; revoke?: boolean };
}

function shapeCheck(doc: unknown): Evidence {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    throw new EvidenceError("evidence: expected a JSON object");
  const d = doc as Record<string, unknown>;
  if (typeof d.d !== "string" || (typeof d.i !== "string" && d.t !== "rpy"))
    throw new EvidenceError("evidence: missing d / i fields");
  if (!hasValidSaid(d))
    throw new EvidenceError(`evidence ${String(d.d).slice(0, 48)}: SAID does not match its content`);
  return doc as Evidence;
}

export class EvidenceStore implements EvidenceView {
  private readonly db: Database.Database;
  private readonly mem = new MemoryEvidence();
  private readonly all = new Map<string, Evidence>();
  readonly context: ValidationContext;

  /** Opens (or creates) a store; ":memory:" for a throwaway one. */
  constructor(path = ":memory:") {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.exec(
      "CREATE TABLE IF NOT EXISTS evidence (said TEXT PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL, added INTEGER NOT NULL)",
    );
    for (const row of this.db.prepare("SELECT body FROM evidence ORDER BY added").iterate() as Iterable<{
      body: string;
    }>) {
      const doc = parseJson(row.body) as Evidence;
      this.all.set(doc.d, doc);
      this.mem.add(doc);
    }
    this.context = new ValidationContext(this);
  }

  close(): void {
    this.db.close();
  }

  /** Stores a piece of evidence (typed error if malformed or its SAID is wrong). */
  add(input: unknown): AddResult {
    const doc = shapeCheck(typeof input === "string" ? parseJson(input) : input);
    if (this.all.has(doc.d)) return { said: doc.d, status: "duplicate", missing: [] };
    this.db
      .prepare("INSERT INTO evidence (said, kind, body, added) VALUES (?, ?, ?, ?)")
      .run(doc.d, kindOf(doc), JSON.stringify(doc), this.all.size);
    this.all.set(doc.d, doc);
    this.mem.add(doc);
    const missing = this.missingFor(doc);
    return { said: doc.d, status: missing.length ? "escrowed" : "accepted", missing };
  }

  addAll(docs: readonly unknown[]): AddResult[] {
    return this.db.transaction(() => docs.map((d) => this.add(d)))();
  }

  /** What a stored piece of evidence still waits for (empty when nothing). */
  private missingFor(doc: Evidence): string[] {
    switch (kindOf(doc)) {
      case "key-event": {
        const e = doc as KeyEvent;
        if (e.s === 0) return [];
        const prior = this.keyEvents(e.i).find((x) => x.s === e.s - 1);
        return prior ? [] : [`kel:${e.i}@${e.s - 1}`];
      }
      case "tel-event": {
        const e = doc as TelEvent;
        const c = this.credential(e.i);
        if (!c) return [`credential:${e.i}`];
        const anchored = this.keyEvents(c.i).some(
          (k) => k.t === "ixn" && k.a.some((s) => sealKey(s) === sealKey({ i: e.i, s: e.s, d: e.d })),
        );
        return anchored ? [] : [`anchor:${e.d}`];
      }
      case "credential": {
        const c = doc as Credential;
        const out: string[] = [];
        if (this.keyEvents(c.i).length === 0) out.push(`kel:${c.i}@0`);
        if (!this.telEvents(c.d).some((t) => t.t === "iss")) out.push(`tel:${c.d}#iss`);
        return out;
      }
      default: {
        const r = doc as StatusReply;
        return this.credential(r.credential) ? [] : [`credential:${r.credential}`];
      }
    }
  }

  /** Evidence currently in escrow, with what each waits for (re-evaluated now). */
  escrowed(): { said: string; missing: string[] }[] {
    const out: { said: string; missing: string[] }[] = [];
    for (const doc of this.all.values()) {
      const missing = this.missingFor(doc);
      if (missing.length) out.push({ said: doc.d, missing });
    }
    return out;
  }

  get size(): number {
    return this.all.size;
  }

  credential(said: string) {
    return this.mem.credential(said);
  }
  keyEvents(aid: string) {
    return this.mem.keyEvents(aid);
  }
  telEvents(said: string) {
    return this.mem.telEvents(said);
  }
  replies(said: string) {
    return this.mem.replies(said);
  }
  version(aid: string) {
    return this.mem.version(aid);
  }

  /** The credential's stored status, independent of any validOn time. */
  status(said: string): CredentialStatus {
    const c = this.credential(said);
    const tel = this.telEvents(said);
    const iss = tel.find((t) => t.t === "iss");
    const rev = tel.find((t) => t.t === "rev");
    const anchoredIn = (e: TelEvent) =>
      c !== undefined &&
      this.keyEvents(c.i).some(
        (k) => k.t === "ixn" && k.a.some((s) => sealKey(s) === sealKey({ i: e.i, s: e.s, d: e.d })),
      );
    if (!iss) return { credential: said, state: "unknown", anchored: { issue: false } };
    const out: CredentialStatus = {
      credential: said,
      state: rev ? "revoked" : "issued",
      issuedAt: iss.dt,
      anchored: { issue: anchoredIn(iss) },
    };
    if (rev) {
      out.revokedAt = rev.dt;
      out.anchored.revoke = anchoredIn(rev);
    }
    return out;
  }

  /** Was `said` validly issued (with every link it depends on) as of validOn? */
  validate(said: string, options: ValidateOptions): Verdict {
    return validate(said, options, this.context);
  }
}
