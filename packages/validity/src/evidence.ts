// The evidence: every message imported (KERI key events and receipts, TEL events, ACDCs,
// status replies) and every schema document, kept by content and attachments (a stripped or
// re-signed copy is stored beside the first, never instead of it), indexed by what it is about.
// Import refuses only what cannot be identified: bytes that are not CESR/JSON, bodies whose
// SAID does not verify, message types validity does not use. Everything else is kept, whether
// or not it is authenticated; authentication is decided from the whole set (KelView, Resolver),
// so no arrival order can make one copy shadow another.
import { parseJson } from "@chronoseal/core";
import { CesrError, type CesrMessage, digest, parseCesr, verifyAcdc } from "@chronoseal/keri";
import { EvidenceError, StoreError } from "./errors.js";
import { KelView } from "./kel-view.js";
import { parseSchemaDocument, type SchemaDocument } from "./schema.js";
import { type EvidenceKind, MemoryStorage, type Storage, type StoredEvidence } from "./storage.js";
import { isTelIlk } from "./tel.js";
import { VerdictCache } from "./verdicts.js";

const KEL_ILKS = new Set(["icp", "rot", "ixn", "dip", "drt", "rct"]);
const utf8 = new TextEncoder();

export interface ImportItem {
  /** Position of the item in this import (message or JSON document). */
  readonly index: number;
  /** Byte offset of the message in its stream (CESR input). */
  readonly offset: number | undefined;
  readonly kind: EvidenceKind | undefined;
  readonly ilk: string | undefined;
  readonly said: string | undefined;
  readonly status: "stored" | "duplicate" | "rejected";
  readonly reason: string | undefined;
}

export interface ImportReport {
  readonly items: readonly ImportItem[];
  readonly stored: number;
  readonly duplicates: number;
  readonly rejected: number;
}

interface Candidate {
  readonly index: number;
  readonly offset: number | undefined;
  readonly bytes: Uint8Array;
  readonly message?: CesrMessage;
  readonly schema?: SchemaDocument;
  readonly error?: string;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function firstByte(bytes: Uint8Array): number | undefined {
  for (const b of bytes) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b;
  return undefined;
}

function startsWithVersion(bytes: Uint8Array): boolean {
  let i = 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  return Buffer.from(bytes.subarray(i, i + 6)).toString("latin1") === '{"v":"';
}

/** Splits an input into candidate items: CESR messages, or JSON documents. */
function candidatesOf(input: unknown): Candidate[] {
  if (typeof input === "string") return candidatesOf(utf8.encode(input));
  if (input instanceof Uint8Array && Object.getPrototypeOf(input) !== Uint8Array.prototype)
    return candidatesOf(new Uint8Array(input.buffer, input.byteOffset, input.byteLength)); // e.g. a Buffer
  if (input instanceof Uint8Array) {
    const b = firstByte(input);
    if (b === undefined) return [];
    if (startsWithVersion(input) || b === 0x2d) {
      let messages: CesrMessage[];
      try {
        messages = parseCesr(input);
      } catch (e) {
        if (e instanceof CesrError)
          throw new EvidenceError(`not a valid CESR stream: ${e.message}`, { cause: e });
        throw e;
      }
      return messages.map((m) => ({
        index: m.index,
        offset: m.offset,
        bytes: input.subarray(m.offset, m.end),
        message: m,
      }));
    }
    if (b === 0x7b || b === 0x5b) {
      let value: unknown;
      try {
        value = parseJson(new TextDecoder("utf-8", { fatal: true }).decode(input));
      } catch (e) {
        throw new EvidenceError(`neither a CESR stream nor JSON: ${(e as Error).message}`, { cause: e });
      }
      return candidatesOf(value);
    }
    throw new EvidenceError(
      `neither a CESR stream nor JSON (first byte 0x${b.toString(16).padStart(2, "0")})`,
    );
  }
  const docs = Array.isArray(input) ? input : [input];
  return docs.map((doc, index): Candidate => {
    if (doc === null || typeof doc !== "object" || Array.isArray(doc))
      return { index, offset: undefined, bytes: new Uint8Array(0), error: "expected a JSON object" };
    const obj = doc as Record<string, unknown>;
    if (typeof obj.v === "string") {
      // A KERI/ACDC body written as JSON: its compact serialization in its own field order.
      const bytes = utf8.encode(JSON.stringify(obj));
      try {
        const [m, ...rest] = parseCesr(bytes);
        if (!m || rest.length) return { index, offset: undefined, bytes, error: "expected one message body" };
        return { index, offset: undefined, bytes, message: m };
      } catch (e) {
        return { index, offset: undefined, bytes, error: (e as Error).message };
      }
    }
    if ("$id" in obj) {
      const bytes = utf8.encode(JSON.stringify(obj));
      try {
        return { index, offset: undefined, bytes, schema: parseSchemaDocument(obj) };
      } catch (e) {
        return { index, offset: undefined, bytes, error: (e as Error).message };
      }
    }
    return {
      index,
      offset: undefined,
      bytes: new Uint8Array(0),
      error: 'not KERI/ACDC evidence (no "v" version string) nor a schema (no "$id")',
    };
  });
}

/** What a message is, or why it is refused. */
function classify(m: CesrMessage): { kind: EvidenceKind } | { error: string } {
  if (m.version.protocol === "ACDC") {
    const check = verifyAcdc(m.raw);
    if (!check.ok) {
      const bad = check.sections.find((s) => s.kind === "block" && !s.check?.ok);
      const why = !check.said.ok ? check.said.message : `section ${bad?.path} SAID does not verify`;
      return { error: `ACDC SAID does not verify: ${why}` };
    }
    return { kind: "acdc" };
  }
  const ilk = m.ilk;
  if (ilk === undefined) return { error: "a KERI message without a type (t)" };
  if (ilk !== "rct" && !m.said.ok) return { error: `${ilk} SAID does not verify: ${m.said.message}` };
  if (KEL_ILKS.has(ilk)) return { kind: "kel" };
  if (isTelIlk(ilk)) return { kind: "tel" };
  if (ilk === "rpy") return { kind: "reply" };
  return { error: `message type ${JSON.stringify(ilk)} is not evidence validity uses` };
}

function said(m: CesrMessage): string | undefined {
  if (m.said.ok) return m.said.said;
  return typeof m.body.d === "string" ? m.body.d : undefined;
}

export class Evidence {
  private revision = 0;
  private readonly digests = new Set<string>();
  readonly kel: CesrMessage[] = [];
  /** Registry events (vcp, vrt) by registry identifier. */
  readonly registryEvents = new Map<string, CesrMessage[]>();
  /** Credential TEL events (iss, rev, bis, brv) by credential SAID. */
  readonly credentialEvents = new Map<string, CesrMessage[]>();
  /** ACDC copies by SAID. */
  readonly acdcs = new Map<string, CesrMessage[]>();
  /** Status replies by the credential they are about. */
  readonly replies = new Map<string, CesrMessage[]>();
  readonly schemas = new Map<string, SchemaDocument>();
  /** Messages stored but not attributable to anything (kept, reported). */
  readonly unfiled: CesrMessage[] = [];
  readonly verdicts = new VerdictCache();
  private readonly bytes = new WeakMap<CesrMessage, Uint8Array>();
  private kelView: { revision: number; view: KelView } | undefined;
  private kelRevision = 0;

  constructor(readonly storage: Storage = new MemoryStorage()) {
    for (const row of storage.load()) {
      try {
        this.file(row, this.parseRow(row));
      } catch (e) {
        if (e instanceof StoreError) throw e;
        throw new StoreError(
          `stored evidence ${row.digest} (${row.kind}) no longer parses: ${(e as Error).message}`,
          {
            cause: e,
          },
        );
      }
      this.digests.add(row.digest);
    }
  }

  /** Changes whenever evidence is added: derived state is keyed by it. */
  get version(): number {
    return this.revision;
  }

  get size(): number {
    return this.digests.size;
  }

  private parseRow(row: StoredEvidence): CesrMessage | SchemaDocument {
    if (row.kind === "schema")
      return parseSchemaDocument(parseJson(new TextDecoder("utf-8", { fatal: true }).decode(row.bytes)));
    const [m, ...rest] = parseCesr(row.bytes, { layout: row.layout });
    if (!m || rest.length) throw new StoreError(`stored evidence ${row.digest} is not exactly one message`);
    return m;
  }

  private file(row: StoredEvidence, item: CesrMessage | SchemaDocument): void {
    if (row.kind === "schema") {
      const s = item as SchemaDocument;
      if (!this.schemas.has(s.said)) this.schemas.set(s.said, s);
      return;
    }
    const m = item as CesrMessage;
    this.bytes.set(m, row.bytes);
    const body = m.body;
    switch (row.kind) {
      case "kel":
        this.kel.push(m);
        this.kelRevision++;
        return;
      case "tel":
        if (m.ilk === "vcp" || m.ilk === "vrt") push(this.registryEvents, String(body.i), m);
        else push(this.credentialEvents, String(body.i), m);
        return;
      case "acdc":
        push(this.acdcs, String(body.d), m);
        return;
      case "reply": {
        const a = body.a;
        const about =
          a && typeof a === "object" && !Array.isArray(a) ? (a as Record<string, unknown>).i : undefined;
        if (typeof about === "string") push(this.replies, about, m);
        else this.unfiled.push(m);
        return;
      }
    }
  }

  /**
   * Imports a CESR stream (bytes or text), JSON text, or parsed JSON (a document or a list).
   * Throws EvidenceError when the input as a whole cannot be read; otherwise reports each item.
   */
  import(input: Uint8Array | string | unknown): ImportReport {
    const items: ImportItem[] = [];
    const rows: { row: StoredEvidence; item: CesrMessage | SchemaDocument }[] = [];
    const fresh = new Set<string>();
    for (const c of candidatesOf(input)) {
      const m = c.message;
      const base = {
        index: c.index,
        offset: c.offset,
        ilk: m?.ilk ?? (m ? "acdc" : c.schema ? "schema" : undefined),
        said: m ? said(m) : c.schema?.said,
      };
      if (c.error) {
        items.push({ ...base, kind: undefined, status: "rejected", reason: c.error });
        continue;
      }
      let kind: EvidenceKind;
      if (c.schema) kind = "schema";
      else {
        const cls = classify(m as CesrMessage);
        if ("error" in cls) {
          items.push({ ...base, kind: undefined, status: "rejected", reason: cls.error });
          continue;
        }
        kind = cls.kind;
      }
      const id = digest(c.bytes);
      if (this.digests.has(id) || fresh.has(id)) {
        items.push({ ...base, kind, status: "duplicate", reason: undefined });
        continue;
      }
      fresh.add(id);
      const bytes = Uint8Array.prototype.slice.call(c.bytes); // our own copy
      const item = c.schema ?? (m as CesrMessage);
      rows.push({ row: { digest: id, kind, bytes, layout: m?.layout ?? "current" }, item });
      items.push({ ...base, kind, status: "stored", reason: undefined });
    }
    this.storage.insert(rows.map((r) => r.row));
    for (const { row, item } of rows) {
      this.digests.add(row.digest);
      this.file(row, item);
    }
    if (rows.length) this.revision++;
    const count = (s: ImportItem["status"]) => items.filter((i) => i.status === s).length;
    return { items, stored: count("stored"), duplicates: count("duplicate"), rejected: count("rejected") };
  }

  /** Key state from one replay of every stored key event (cached until key events change). */
  kels(): KelView {
    if (this.kelView?.revision !== this.kelRevision)
      this.kelView = { revision: this.kelRevision, view: new KelView(this.kel, this.verdicts) };
    return this.kelView.view;
  }

  /** The stored bytes (body and attachments) of a message. */
  bytesOf(m: CesrMessage): Uint8Array {
    const b = this.bytes.get(m);
    if (!b) throw new Error("bytesOf: not a message of this evidence");
    return b;
  }

  /** The stored key events and receipts of `prefix` and of every delegator above it. */
  kelClosure(prefix: string): CesrMessage[] {
    const prefixes = new Set<string>();
    let cur: string | undefined = prefix;
    while (cur !== undefined && !prefixes.has(cur)) {
      prefixes.add(cur);
      const c: string = cur;
      const dip: CesrMessage | undefined = this.kel.find((m) => m.ilk === "dip" && m.body.i === c);
      cur = typeof dip?.body.di === "string" ? dip.body.di : undefined;
    }
    return this.kel.filter((m) => prefixes.has(String(m.body.i)));
  }

  /** Every stored message (for proofs and exports). */
  allMessages(): CesrMessage[] {
    return [
      ...this.kel,
      ...[...this.registryEvents.values()].flat(),
      ...[...this.credentialEvents.values()].flat(),
      ...[...this.acdcs.values()].flat(),
      ...[...this.replies.values()].flat(),
      ...this.unfiled,
    ];
  }
}
