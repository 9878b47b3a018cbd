// Real KERI/ACDC chains for tests: a root issuer (GLEIF-like) → qualified issuer (QVI) → legal
// entity (LE) → role holder (ECR), credentials issued on days 1, 2 and 3 of January 2025 (noon
// UTC), each with its schema, registry, TEL and anchoring KEL events — every message a real
// CESR message, kept per piece so tests can permute, strip or withhold them.
import { sha256 } from "@chronoseal/core";
import { saidify } from "@chronoseal/keri";
import { KeriController } from "../src/index.js";

export const DAY = 86_400_000;
export const day = (n: number, hour = 12) => Date.UTC(2025, 0, n, hour);

const utf8 = new TextEncoder();

/** A deterministic controller (keys derived from `label`). */
export function controller(label: string, delegator?: string): { c: KeriController; icp: Uint8Array } {
  const { controller: c, message } = KeriController.incept({
    seed: sha256(utf8.encode(`chronoseal-test/${label}`)),
    ...(delegator ? { delegator } : {}),
  });
  return { c, icp: message };
}

/** A permissive JSON Schema for a credential type, with its SAID in `$id`. */
function schemaFor(
  title: string,
  attributes: Record<string, unknown> = {},
): { said: string; doc: Record<string, unknown> } {
  const doc = {
    $id: "",
    $schema: "http://json-schema.org/draft-07/schema#",
    title,
    type: "object",
    properties: {
      v: { type: "string" },
      d: { type: "string" },
      i: { type: "string" },
      ri: { type: "string" },
      s: { type: "string" },
      a: {
        oneOf: [
          { type: "string" },
          {
            type: "object",
            properties: {
              d: { type: "string" },
              i: { type: "string" },
              dt: { type: "string", format: "date-time" },
              ...attributes,
            },
            required: ["d", "dt"],
          },
        ],
      },
      e: { oneOf: [{ type: "string" }, { type: "object" }] },
    },
    required: ["v", "d", "i", "ri", "s", "a"],
  };
  const out = saidify(doc, { labels: ["$id"] });
  return { said: out.said, doc: out.doc };
}

export const SCHEMAS = {
  qvi: schemaFor("QVI", { LEI: { type: "string" }, gracePeriod: { type: "integer" } }),
  le: schemaFor("LE", { LEI: { type: "string" } }),
  ecr: schemaFor("ECR", { personLegalName: { type: "string" }, engagementContextRole: { type: "string" } }),
};

export interface Chain {
  root: KeriController;
  qvi: KeriController;
  le: KeriController;
  person: KeriController;
  qviCred: string;
  leCred: string;
  ecrCred: string;
  /** Every message, by piece. */
  messages: Uint8Array[];
  /** Schema documents (JSON). */
  schemas: Record<string, unknown>[];
}

export interface ChainOptions {
  /** Attributes the root writes into the QVI credential (gracePeriod, pin…). */
  qviAttributes?: Record<string, unknown>;
  /** Extra fields on the LE credential's qvi edge (written by the QVI itself). */
  leEdgeExtra?: Record<string, unknown>;
  /** The ECR's edges (default: le I2I AND qvi NI2I). */
  ecrEdges?: (qvi: string, le: string) => Record<string, unknown>;
  issueDays?: [number, number, number];
  /** Interactions the LE makes before issuing the ECR (moves its anchoring sequence number). */
  leInteractions?: number;
}

export function buildChain(options: ChainOptions = {}): Chain {
  const [d1, d2, d3] = options.issueDays ?? [1, 2, 3];
  const root = controller("root");
  const qvi = controller("qvi");
  const le = controller("le");
  const person = controller("person");
  const messages: Uint8Array[] = [root.icp, qvi.icp, le.icp, person.icp];
  const q = root.c.issue({
    schema: SCHEMAS.qvi.said,
    issuee: qvi.c.prefix,
    dt: day(d1),
    attributes: { LEI: "5493001KJTIIGC8Y1R12", ...(options.qviAttributes ?? {}) },
  });
  messages.push(...q.messages);
  const l = qvi.c.issue({
    schema: SCHEMAS.le.said,
    issuee: le.c.prefix,
    dt: day(d2),
    attributes: { LEI: "506700GE1G29325QX363" },
    edges: { qvi: { n: q.said, s: SCHEMAS.qvi.said, ...(options.leEdgeExtra ?? {}) } },
  });
  messages.push(...l.messages);
  for (let i = 0; i < (options.leInteractions ?? 0); i++) messages.push(le.c.interact([]).message);
  const e = le.c.issue({
    schema: SCHEMAS.ecr.said,
    issuee: person.c.prefix,
    dt: day(d3),
    attributes: { personLegalName: "Ines Gensinger", engagementContextRole: "Head of Communications" },
    edges: options.ecrEdges?.(q.said, l.said) ?? {
      o: "AND",
      le: { n: l.said, s: SCHEMAS.le.said, o: "I2I" },
      qvi: { n: q.said, s: SCHEMAS.qvi.said, o: "NI2I" },
    },
  });
  messages.push(...e.messages);
  return {
    root: root.c,
    qvi: qvi.c,
    le: le.c,
    person: person.c,
    qviCred: q.said,
    leCred: l.said,
    ecrCred: e.said,
    messages,
    schemas: Object.values(SCHEMAS).map((s) => s.doc),
  };
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The body of a CESR message without its attachments (a stripped copy). */
export function stripped(message: Uint8Array): Uint8Array {
  const text = Buffer.from(message).toString("latin1");
  const m = /^\{"v":"[A-Z]{4}10JSON([0-9a-f]{6})_"/.exec(text);
  if (!m) throw new Error("not a JSON CESR message");
  return message.subarray(0, Number.parseInt(m[1] as string, 16));
}
