// Credential schemas: JSON Schema documents identified by their SAID (`$id`, computed as KERI
// computes SAIDs) and checked with ajv. A compiled validator is a pure function of the schema's
// content, so it is cached by SAID for the life of the process. Formats: ajv-formats' standard
// ones (date-time, …); other formats named by real schemas (vLEI's "ISO 17442") are annotations.
import { saidify, verifySaid } from "@chronoseal/keri";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { describeValue, FieldError } from "./errors.js";

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

export interface SchemaDocument {
  readonly said: string;
  readonly doc: Readonly<Record<string, unknown>>;
}

/** Checks a schema document's `$id` SAID; returns it with its SAID, or throws FieldError. */
export function parseSchemaDocument(doc: unknown): SchemaDocument {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    throw new FieldError("$", `expected a JSON Schema object, got ${describeValue(doc)}`);
  const id = (doc as Record<string, unknown>).$id;
  if (typeof id !== "string")
    throw new FieldError("$.$id", `expected the schema's SAID, got ${describeValue(id)}`);
  const check = verifySaid(doc as Record<string, unknown>, { saidLabel: "$id", labels: ["$id"] });
  if (!check.ok) throw new FieldError("$.$id", `schema SAID ${id} does not verify: ${check.message}`);
  return { said: id, doc: doc as Record<string, unknown> };
}

/** Gives a JSON Schema document its SAID in `$id` (added first when absent). */
export function saidifySchema(doc: Readonly<Record<string, unknown>>): SchemaDocument {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    throw new TypeError("saidifySchema: expected a JSON Schema object");
  const withId = "$id" in doc ? { ...doc, $id: "" } : { $id: "", ...doc };
  const made = saidify(withId, { labels: ["$id"] });
  return { said: made.said, doc: made.doc };
}

export interface SchemaCheck {
  readonly ok: boolean;
  /** ajv's first errors, as "path: message" lines. */
  readonly errors: readonly string[];
}

const compiled = new Map<string, ValidateFunction | Error>();

function compile(schema: SchemaDocument): ValidateFunction | Error {
  let v = compiled.get(schema.said);
  if (v) return v;
  try {
    // One Ajv per schema: real schemas reuse nested $ids, which one shared instance would refuse.
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false, addUsedSchema: false });
    addFormats(ajv);
    v = ajv.compile(schema.doc);
  } catch (e) {
    v = e instanceof Error ? e : new Error(String(e));
  }
  compiled.set(schema.said, v);
  return v;
}

/** Validates a credential body against its schema document. */
export function checkAgainstSchema(schema: SchemaDocument, credential: unknown): SchemaCheck {
  const v = compile(schema);
  if (v instanceof Error)
    return { ok: false, errors: [`schema ${schema.said} does not compile: ${v.message}`] };
  if (v(credential)) return { ok: true, errors: [] };
  const errors = (v.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || "/"}: ${e.message ?? "invalid"}`);
  return { ok: false, errors };
}
