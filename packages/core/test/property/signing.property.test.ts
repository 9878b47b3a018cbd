// Properties of the signing rule and verification reports: any change invalidates; arbitrary
// garbage never throws and every map entry is accounted for exactly once.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { type SignatureEntry, signDocument } from "../../src/attest/signing.js";
import { formatTimestamp } from "../../src/attest/time.js";
import { type DocumentReport, verifyDocument, verifyDocuments } from "../../src/attest/verify.js";
import { toBase64 } from "../../src/encoding.js";
import { flipBase64, type Signer, signers, T0 } from "../attest-helpers.js";

let keys: Signer[] = [];
beforeAll(async () => {
  keys = await signers(3);
});

const payloadArb = fc.dictionary(
  fc.string({ maxLength: 6 }).filter((k) => k !== "signatures"),
  fc.jsonValue({ maxDepth: 2 }),
  { minKeys: 1, maxKeys: 4 },
);
const contextArb = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
const reasons = (r: DocumentReport) => r.ignored.map((i) => i.reason);

describe("signing rule properties", () => {
  it("any change to payload, signed_at, context or signature invalidates", () => {
    fc.assert(
      fc.property(
        payloadArb,
        contextArb,
        contextArb,
        fc.integer({ min: 0, max: 5 }),
        fc.nat(10_000),
        (raw, context, otherContext, change, n) => {
          fc.pre(context !== otherContext);
          const payload = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
          const doc = signDocument(payload, { secretKey: keys[0]!.secretKey, context, signedAt: T0 });
          const entry = doc.signatures[keys[0]!.key]!;
          const opts = { trusted: [keys[0]!.key], context, now: T0 };
          expect(verifyDocument(doc, opts).time).toBe(T0);
          const withEntry = (e: SignatureEntry, key = keys[0]!.key) => ({ ...doc, signatures: { [key]: e } });
          let mutated: object;
          let expected: string[] = ["invalid"];
          let verifyContext = context;
          switch (change) {
            case 0: // payload: a new field, or a changed value
              mutated =
                Object.keys(payload).length % 2
                  ? { ...doc, [`~${n}`]: n }
                  : { ...doc, ...mutateOne(payload, n) };
              break;
            case 1: // signed_at, still canonical
              mutated = withEntry({ ...entry, signed_at: formatTimestamp(T0 + 1 + n) });
              break;
            case 2: // the context the entry names
              mutated = withEntry({ ...entry, context: otherContext });
              break;
            case 3: // the verifier asks for another context
              mutated = doc;
              verifyContext = otherContext;
              expected = ["wrong-context"];
              break;
            case 4: // one bit of the signature
              mutated = withEntry({ ...entry, signature: flipBase64(entry.signature, n % 512) });
              break;
            default: // the signature moved under another signer's key
              mutated = withEntry(entry, keys[1 + (n % 2)]!.key);
          }
          const r = verifyDocument(mutated, { ...opts, context: verifyContext });
          expect(r.time).toBeUndefined();
          expect(reasons(r)).toEqual(expected);
        },
      ),
      { seed: 21, numRuns: 300 },
    );
  });

  it("garbage never throws; every entry of an object map is reported exactly once", () => {
    const good = () => signDocument({ n: 1 }, { secretKey: keys[0]!.secretKey, context: "x", signedAt: T0 });
    const keyArb = fc.oneof(
      fc.constantFrom("__proto__", "constructor", "toString", "", "=", "A".repeat(44)),
      fc.string({ maxLength: 50 }),
      fc.uint8Array({ minLength: 30, maxLength: 34 }).map(toBase64),
      fc.constant(null).map(() => keys[1]!.key),
    );
    const timeArb = fc.oneof(
      fc.constantFrom("2025-02-18T17:01:27.880Z", "2016-12-31T23:59:60.000Z", "2025-02-30T00:00:00.000Z", ""),
      fc.integer({ min: -1e13, max: 1e13 }).map((t) => new Date(t).toISOString()),
      fc.string({ maxLength: 30 }),
    );
    const entryArb = fc.oneof(
      fc.record(
        {
          signed_at: fc.oneof(timeArb, fc.jsonValue({ maxDepth: 1 })),
          signature: fc.oneof(
            fc.uint8Array({ minLength: 62, maxLength: 66 }).map(toBase64),
            fc.string({ maxLength: 90 }),
            fc.jsonValue({ maxDepth: 1 }),
          ),
          context: fc.oneof(fc.constantFrom("x", "X", "y"), fc.jsonValue({ maxDepth: 1 })),
          extra: fc.jsonValue({ maxDepth: 1 }),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const mapArb = fc.oneof(
      fc.array(fc.tuple(keyArb, entryArb), { maxLength: 6 }).map((pairs) => {
        const m: Record<string, unknown> = {};
        for (const [k, v] of pairs)
          Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true });
        return m;
      }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    fc.assert(
      fc.property(fc.array(mapArb, { minLength: 1, maxLength: 5 }), (maps) => {
        const docs: object[] = maps.map((m, i) => ({ i, signatures: m }));
        docs.push(good());
        const reports = verifyDocuments(docs, { trusted: [keys[0]!.key], context: "x", now: T0 });
        reports.forEach((r, i) => {
          const map = (docs[i] as { signatures: unknown }).signatures;
          const isMap = map !== null && typeof map === "object" && !Array.isArray(map);
          expect(r.valid.length + r.ignored.length).toBe(isMap ? Object.keys(map).length : 1);
          for (const x of r.ignored)
            expect(["malformed", "invalid", "wrong-context", "untrusted", "future"]).toContain(x.reason);
        });
        expect(reports.at(-1)!.time).toBe(T0);
      }),
      { seed: 22, numRuns: 400 },
    );
  });
});

/** Changes one value of the payload (picked by n): wraps it in an array. */
function mutateOne(payload: Record<string, unknown>, n: number): Record<string, unknown> {
  const keys = Object.keys(payload);
  const k = keys[n % keys.length]!;
  return { [k]: [payload[k]] };
}
