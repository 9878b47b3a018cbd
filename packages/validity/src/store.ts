// The evidence store: import real KERI/ACDC evidence (CESR streams or JSON) into SQLite or
// memory, validate credentials as of any T, ask a credential's status, and list what waits
// in escrow. Nothing imported is ever dropped: revoked credentials, unauthenticated copies and
// evidence waiting for something all stay, and are re-evaluated whenever evidence arrives.
import { describeWaiting } from "@chronoseal/keri";
import { Evidence, type ImportReport } from "./evidence.js";
import { type Missing, normalizeMissing } from "./missing.js";
import { type CredentialStatus, credentialStatus } from "./status.js";
import { MemoryStorage, SqliteStorage, type Storage } from "./storage.js";
import { resolveTel } from "./tel-resolve.js";
import { type ValidateOptions, Validator, type Verdict } from "./validate.js";

export interface EscrowEntry {
  /** SAID of the waiting message or credential. */
  readonly said: string;
  /** What it is: a key event ilk, a TEL ilk, "acdc", "rpy". */
  readonly what: string;
  readonly reason: string;
  readonly missing: readonly Missing[];
}

export class EvidenceStore {
  readonly evidence: Evidence;
  readonly validator: Validator;

  /** Opens (or creates) a SQLite store at `path`, or an in-memory one (no path or ":memory:"). */
  constructor(path?: string | Storage) {
    const storage =
      typeof path === "object"
        ? path
        : path === undefined || path === ":memory:"
          ? new MemoryStorage()
          : new SqliteStorage(path);
    this.evidence = new Evidence(storage);
    this.validator = new Validator(this.evidence);
  }

  /** Imports a CESR stream, JSON text or parsed JSON; reports what was stored, duplicated or refused. */
  import(input: Uint8Array | string | unknown): ImportReport {
    return this.evidence.import(input);
  }

  validate(said: string, options: ValidateOptions): Verdict {
    return this.validator.validate(said, options);
  }

  status(said: string): CredentialStatus {
    return credentialStatus(this.evidence, said);
  }

  /** Everything stored that waits for something, with exactly what (recomputed now). */
  escrow(): EscrowEntry[] {
    const out: EscrowEntry[] = [];
    const kels = this.evidence.kels();
    for (const log of kels.replay.logs.values()) {
      for (const p of log.pending)
        out.push({
          said: p.said,
          what: p.ilk,
          reason: p.waitingFor.map(describeWaiting).join("; "),
          missing: normalizeMissing(kels.explain(log.prefix, p, p.waitingFor)),
        });
    }
    for (const [said, events] of this.evidence.credentialEvents) {
      const copy = this.evidence.acdcs.get(said)?.[0];
      const expect =
        typeof copy?.body.i === "string" && typeof copy.body.ri === "string"
          ? { issuer: copy.body.i, registry: copy.body.ri }
          : undefined;
      const tel = resolveTel(this.evidence, said, expect, false);
      for (const n of tel.unauthenticated)
        out.push({ said: n.said, what: n.what, reason: n.reason, missing: [] });
      if (!tel.issuance && !tel.fork && events.length)
        out.push({
          said,
          what: "tel",
          reason: "no issuance authenticated yet",
          missing: normalizeMissing(tel.missing),
        });
    }
    for (const said of this.evidence.acdcs.keys()) {
      const f = this.validator.facts(said);
      if (f.strict.kind === "problem" && f.strict.status === "pending")
        out.push({
          said,
          what: "acdc",
          reason: f.strict.reason,
          missing: normalizeMissing(f.strict.missing),
        });
    }
    const key = (e: EscrowEntry) => `${e.said}|${e.what}|${e.reason}`;
    return [...new Map(out.map((e) => [key(e), e])).values()].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  }

  get size(): number {
    return this.evidence.size;
  }

  close(): void {
    this.evidence.storage.close();
  }
}
