// Merge laws of signature maps (commutative, associative, idempotent) over valid, forged,
// corrupted, malformed, wrong-context and duplicate-encoding entries; timeOf independent of merge
// order; compareChronology a total order.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { compareChronology, mergeSignatures, timeOf } from "../../src/attest/chronology.js";
import { type SignatureEntry, signDocument } from "../../src/attest/signing.js";
import { formatTimestamp } from "../../src/attest/time.js";
import { verifyDocument } from "../../src/attest/verify.js";
import { toBase64 } from "../../src/encoding.js";
import { canonicalize } from "../../src/jcs/canonicalize.js";
import { flipBase64, type Signer, signers, T0 } from "../attest-helpers.js";

let keys: Signer[] = [];
beforeAll(async () => {
  keys = await signers(4);
});

const CTX = "attestation";
const PAYLOAD = { claim: "mors.nether" };
type Kind = "valid" | "forged-time" | "flipped" | "malformed" | "other-context" | "seed-shape" | "alias-key";
const entryArb = fc.record({
  signer: fc.nat(3),
  at: fc.nat(20),
  kind: fc.constantFrom<Kind>(
    "valid",
    "valid",
    "valid",
    "forged-time",
    "flipped",
    "malformed",
    "other-context",
    "seed-shape",
    "alias-key",
  ),
});

/** A copy of the document carrying the given signature entries. */
function copyOf(entries: { signer: number; at: number; kind: Kind }[]): object {
  const signatures: Record<string, unknown> = {};
  for (const e of entries) {
    const k = keys[e.signer]!;
    const context = e.kind === "other-context" ? "settings" : CTX;
    const signed = signDocument(PAYLOAD, { secretKey: k.secretKey, context, signedAt: T0 + e.at * 1000 });
    let entry: unknown = signed.signatures[k.key]!;
    let key = k.key;
    const se = entry as SignatureEntry;
    if (e.kind === "forged-time") entry = { ...se, signed_at: formatTimestamp(T0 - 1000 * (e.at + 1)) };
    if (e.kind === "flipped") entry = { ...se, signature: flipBase64(se.signature, e.at) };
    if (e.kind === "malformed") entry = { signed_at: e.at, signature: "?" };
    if (e.kind === "seed-shape") entry = { signed_at: se.signed_at, signature: se.signature };
    if (e.kind === "alias-key") key = `${k.key.slice(0, 42)}${k.key[42] === "A" ? "B" : "A"}=`; // may alias the signer
    signatures[key] = entry;
  }
  return { ...PAYLOAD, signatures };
}

const copyArb = fc.array(entryArb, { maxLength: 5 }).map(copyOf);
const canon = (d: object) => canonicalize(d);
const m = (...docs: object[]) => mergeSignatures(docs, { context: CTX });

describe("signature-map merge laws", () => {
  it("commutative, associative, idempotent; timeOf ignores merge order", () => {
    const opts = { trusted: [keys[0]!.key, keys[1]!.key, keys[2]!.key], context: CTX, now: T0 + 10_000_000 };
    fc.assert(
      fc.property(copyArb, copyArb, copyArb, (a, b, c) => {
        expect(canon(m(a, b))).toBe(canon(m(b, a)));
        expect(canon(m(m(a, b), c))).toBe(canon(m(a, m(b, c))));
        expect(canon(m(a, b, c))).toBe(canon(m(m(a, b), c)));
        expect(canon(m(a, a))).toBe(canon(m(a)));
        expect(canon(m(m(a)))).toBe(canon(m(a)));
        expect(canon(m(m(a, b), b))).toBe(canon(m(a, b)));
        const t1 = timeOf(verifyDocument(m(m(a, b), c), opts));
        const t2 = timeOf(verifyDocument(m(c, m(b, a)), opts));
        expect(t1).toBe(t2);
        // the merged time is the earliest of the copies' times
        const times = [a, b, c].map((d) => timeOf(verifyDocument(d, opts))).filter((t) => t !== "pending");
        expect(t1).toBe(times.length ? Math.min(...(times as number[])) : "pending");
      }),
      { seed: 31, numRuns: 150 },
    );
  });

  it("merging never loses a signer's valid signature, and keeps the earliest one", () => {
    const opts = { trusted: keys.map((k) => k.key), context: CTX, now: T0 + 10_000_000 };
    fc.assert(
      fc.property(copyArb, copyArb, (a, b) => {
        const merged = verifyDocument(m(a, b), opts).valid;
        const seen = new Map<string, number>();
        for (const d of [a, b])
          for (const v of verifyDocument(d, opts).valid)
            seen.set(v.key, Math.min(seen.get(v.key) ?? Number.POSITIVE_INFINITY, v.signedAt));
        expect(new Map(merged.map((v) => [v.key, v.signedAt]))).toEqual(seen);
      }),
      { seed: 32, numRuns: 150 },
    );
  });
});

describe("compareChronology", () => {
  const reportArb = fc.record({
    time: fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }),
    hash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toBase64(b.map((x) => x % 3))),
  });
  it("is a total order consistent with (time, hash bytes), pending last", () => {
    fc.assert(
      fc.property(reportArb, reportArb, reportArb, (a, b, c) => {
        const ab = compareChronology(a, b);
        expect(Math.sign(ab)).toBe(-Math.sign(compareChronology(b, a)));
        if (ab === 0) expect(a).toEqual(b);
        if (ab <= 0 && compareChronology(b, c) <= 0) expect(compareChronology(a, c)).toBeLessThanOrEqual(0);
        const key = (r: typeof a) =>
          [r.time ?? Number.POSITIVE_INFINITY, Buffer.from(r.hash, "base64")] as const;
        const [ta, ha] = key(a);
        const [tb, hb] = key(b);
        expect(Math.sign(ab)).toBe(ta !== tb ? Math.sign(ta - tb) : Math.sign(Buffer.compare(ha, hb)));
      }),
      { seed: 33, numRuns: 2000 },
    );
  });
});
