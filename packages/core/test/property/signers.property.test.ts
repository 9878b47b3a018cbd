// verifySigners (one named key) and verifySignatureMaps (every entry) are two views of one rule:
// for any map — hostile entries, non-canonical key spellings of the signer, `__proto__`, extra
// fields, other contexts, bad times — the named key is valid in one exactly when it is listed as
// valid (trusted, no clock) in the other.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { verifySigners } from "../../src/attest/signers.js";
import { payloadHash, signDocument } from "../../src/attest/signing.js";
import { verifySignatureMaps } from "../../src/attest/verify.js";
import { flipBase64, type Signer, signers, T0 } from "../attest-helpers.js";

let keys: Signer[] = [];
beforeAll(async () => {
  keys = await signers(2);
});

const CTX = "host-claim";

/** Spellings of a key other than its canonical base64 (all must count as another, malformed, key). */
function respell(key: string, how: number): string {
  const raw = Buffer.from(key, "base64");
  switch (how % 6) {
    case 0:
      return key.replace(/=$/, ""); // unpadded
    case 1:
      return raw.toString("base64url");
    case 2:
      return raw.toString("hex");
    case 3:
      return `${key.slice(0, 42)}${String.fromCharCode(key.charCodeAt(42) ^ 1)}=`; // trailing bits
    case 4:
      return key.toUpperCase();
    default:
      return ` ${key}`;
  }
}

describe("verifySigners agrees with verifySignatureMaps", () => {
  it("for the named key, on hostile maps", () => {
    const entryMutation = fc.constantFrom(
      "none",
      "extra-field",
      "other-context",
      "no-context",
      "bad-context",
      "short-time",
      "offset-time",
      "impossible-date",
      "flip-signature",
      "noncanonical-signature",
      "short-signature",
      "signature-number",
      "entry-array",
      "entry-null",
    );
    const extra = fc.array(
      fc.tuple(
        fc.oneof(fc.constant("__proto__"), fc.string({ maxLength: 8 }), fc.nat(5).map(String)),
        fc.jsonValue(),
      ),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(entryMutation, fc.nat(), extra, fc.boolean(), fc.nat(), (mutation, n, others, dup, how) => {
        const signer = keys[n % 2]!;
        const doc = signDocument({ n }, { secretKey: signer.secretKey, context: CTX, signedAt: T0 + n });
        const good = doc.signatures[signer.key]!;
        const e: Record<string, unknown> = { ...good };
        switch (mutation) {
          case "extra-field":
            e.note = "x";
            break;
          case "other-context":
            e.context = "attestation";
            break;
          case "no-context":
            delete e.context;
            break;
          case "bad-context":
            e.context = "Host-Claim";
            break;
          case "short-time":
            e.signed_at = good.signed_at.replace(/\.\d{3}Z$/, "Z");
            break;
          case "offset-time":
            e.signed_at = good.signed_at.replace(/Z$/, "+00:00");
            break;
          case "impossible-date":
            e.signed_at = "2025-02-30T00:00:00.000Z";
            break;
          case "flip-signature":
            e.signature = flipBase64(good.signature, n);
            break;
          case "noncanonical-signature":
            e.signature = `${good.signature.slice(0, 85)}${String.fromCharCode(good.signature.charCodeAt(85) ^ 1)}==`;
            break;
          case "short-signature":
            e.signature = good.signature.slice(0, 84);
            break;
          case "signature-number":
            e.signature = 5;
            break;
        }
        // JSON text, so `__proto__` is an own key as a parser gives it to us
        const members: string[] = others.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
        const entryJson =
          mutation === "entry-array" ? "[]" : mutation === "entry-null" ? "null" : JSON.stringify(e);
        members.push(`${JSON.stringify(signer.key)}:${entryJson}`);
        if (dup) members.push(`${JSON.stringify(respell(signer.key, how))}:${JSON.stringify(good)}`);
        const map = JSON.parse(`{${[...new Set(members)].join(",")}}`) as unknown;
        const hash = payloadHash(doc);
        const [one] = verifySigners([{ hash, key: signer.key, signatures: map }], { context: CTX });
        const [all] = verifySignatureMaps([{ hash, signatures: map }], {
          trusted: [signer.key],
          context: CTX,
          now: Number.MAX_SAFE_INTEGER - 1,
        });
        const listed = all!.valid.some((v) => v.key === signer.key);
        expect(one!.valid).toBe(listed);
        // an unmutated entry is valid whatever else the map holds
        if (mutation === "none" || mutation === "no-context") expect(one!.valid).toBe(true);
      }),
      { seed: 1115, numRuns: 1500 },
    );
  });
});
