// The JSON Schema of data.json (version 1), the whole-state exchange and bootstrap format,
// validated (ajv) on every ingest of a peer's state or a bootstrap file.

import { BASE64_32_PATTERN, CANONICAL_TIME_PATTERN, ChronosealError } from "@chronoseal/core";
import { Ajv } from "ajv";
import type { StateJSON } from "./state.js";

// Field shapes from core (the checks the signing rule applies): keys and entry ids are canonical
// base64 of 32 bytes — so one key has one spelling, and a ban or an attestor list can never name
// a key in a form that matches no writer — and times have the canonical form. Signature entries
// are only bounded here: each one is judged on its own at ingest (a bad one is rejected, not the
// whole exchange).
const key = { type: "string", pattern: BASE64_32_PATTERN };
const time = { type: "string", pattern: CANONICAL_TIME_PATTERN };
const signatureMap = {
  type: "object",
  maxProperties: 64,
  propertyNames: { maxLength: 100 },
  additionalProperties: {
    type: "object",
    required: ["signed_at", "signature"],
    properties: {
      signed_at: { type: "string", maxLength: 64 },
      signature: { type: "string", maxLength: 200 },
      context: { type: "string", maxLength: 64 },
    },
    additionalProperties: false,
  },
};
const common = { network: key, writer: key, last_updated: time, signatures: signatureMap };

export const DATA_JSON_SCHEMA = {
  $id: "https://chronoseal.invalid/schemas/mesh-data-v1.json",
  title: "chronoseal mesh data.json (version 1)",
  type: "object",
  required: ["version", "network", "entries", "attestations"],
  additionalProperties: false,
  properties: {
    version: { const: 1 },
    network: key,
    entries: {
      type: "array",
      maxItems: 200_000,
      items: {
        type: "object",
        required: ["kind", "network", "writer", "last_updated", "signatures"],
        oneOf: [
          {
            properties: {
              ...common,
              kind: { const: "settings" },
              tld: { type: "string", maxLength: 63 },
              attestors: { type: "array", items: key, maxItems: 64 },
              banned: { type: "array", items: key, maxItems: 10_000 },
              overrides: {
                type: "object",
                maxProperties: 10_000,
                propertyNames: { pattern: "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$" },
                additionalProperties: {
                  oneOf: [
                    key,
                    { type: "array", minItems: 1, maxItems: 16, items: { type: "string", maxLength: 64 } },
                  ],
                },
              },
              host_ttl: { type: "integer", minimum: 0 },
              admission: { enum: ["open", "listed"] },
              nodes: { type: "array", items: key, maxItems: 10_000 },
              sections: {
                type: "object",
                additionalProperties: {
                  type: "object",
                  required: ["policy", "writers"],
                  properties: {
                    policy: { enum: ["lww", "first-attested-wins", "append-only", "latest-per-writer"] },
                    writers: { type: "array", items: key },
                  },
                  additionalProperties: false,
                },
              },
            },
            required: ["tld", "attestors", "banned", "overrides", "host_ttl", "sections"],
            additionalProperties: false,
          },
          {
            properties: {
              ...common,
              kind: { const: "host" },
              addresses: { type: "array", items: { type: "string", maxLength: 64 }, maxItems: 16 },
              port: { type: "integer", minimum: 1, maximum: 65535 },
            },
            required: ["addresses", "port"],
            additionalProperties: false,
          },
          {
            properties: {
              ...common,
              kind: { const: "claim" },
              hostname: { type: "string", pattern: "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$" },
              since: time,
            },
            required: ["hostname"],
            additionalProperties: false,
          },
          {
            properties: {
              ...common,
              kind: { const: "record" },
              section: { type: "string", maxLength: 64 },
              key: { type: "string", maxLength: 256 },
              value: {},
            },
            required: ["section", "key", "value"],
            additionalProperties: false,
          },
          {
            properties: {
              ...common,
              kind: { const: "tombstone" },
              target: key,
            },
            required: ["target"],
            additionalProperties: false,
          },
        ],
      },
    },
    attestations: { type: "object", additionalProperties: signatureMap },
  },
} as const;

export class SchemaError extends ChronosealError {
  constructor(
    readonly errors: string[],
    what = "data.json",
  ) {
    super("ERR_MESH_SCHEMA", `${what} does not match the schema: ${errors.slice(0, 5).join("; ")}`);
    this.name = "SchemaError";
  }
}

const ajv = new Ajv({ allErrors: false, strict: false });
const validate = ajv.compile(DATA_JSON_SCHEMA);

/** Validates a parsed data.json; throws SchemaError naming what is wrong. */
export function checkDataJson(value: unknown): StateJSON {
  if (!validate(value))
    throw new SchemaError((validate.errors ?? []).map((e) => `${e.instancePath || "$"} ${e.message}`));
  return value as unknown as StateJSON;
}

/**
 * Checks a settings entry taken from a file (meshd's `settingsFile`) with the same schema as a
 * peer's data.json, before the node stores it: an entry the node would later refuse to load from
 * its own state file is refused at the start (or at a reload) instead. Throws SchemaError.
 */
export function checkSettingsEntry(entry: unknown, admin: string): StateJSON["entries"][number] {
  const what = "the settings entry";
  const kind = (entry as { kind?: unknown } | null)?.kind;
  if (kind !== "settings") throw new SchemaError([`kind is ${JSON.stringify(kind)}, not "settings"`], what);
  if (!validate({ version: 1, network: admin, entries: [entry], attestations: {} }))
    throw new SchemaError(
      (validate.errors ?? []).map(
        (e) => `${e.instancePath.replace(/^\/entries\/0/, "") || "$"} ${e.message}`,
      ),
      what,
    );
  const e = entry as StateJSON["entries"][number];
  if (e.network !== admin)
    throw new SchemaError([`network is ${e.network}, not the admin key ${admin}`], what);
  return e;
}
