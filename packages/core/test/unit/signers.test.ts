// verifySigners (one named signer per item, one batch) and the payload signing pair
// signPayload / verifyPayload: one test per reason and per hostile input class; node:crypto checks
// the signed bytes independently.
import { createPublicKey, verify as nodeVerify } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyPayload, verifySigners } from "../../src/attest/signers.js";
import { payloadHash, signDocument, signingMessage, signPayload } from "../../src/attest/signing.js";
import { verifySignatureMaps } from "../../src/attest/verify.js";
import { toBase64 } from "../../src/encoding.js";
import { flipBase64, type Signer, signers, T0 } from "../attest-helpers.js";

let A: Signer;
let B: Signer;
beforeAll(async () => {
  [A, B] = (await signers(2)) as [Signer, Signer];
});

const CTX = "lock-entry";
const spki = (raw: Uint8Array) =>
  createPublicKey({
    key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), raw]),
    format: "der",
    type: "spki",
  });

describe("verifySigners", () => {
  it("checks the named key's entry only, with one verdict per check and every reason", () => {
    const doc = signDocument({ door: "d-1", seq: 3 }, { secretKey: A.secretKey, context: CTX, signedAt: T0 });
    const both = signDocument(doc, { secretKey: B.secretKey, context: CTX, signedAt: T0 + 5 });
    const hash = payloadHash(doc);
    const entry = doc.signatures[A.key]!;
    const checks = [
      { hash, key: A.key, signatures: both.signatures }, // valid, the other signer is not looked at
      { hash, key: B.key, signatures: both.signatures },
      { hash, key: A.key, signatures: undefined }, // missing: no signatures at all
      { hash, key: B.key, signatures: doc.signatures }, // missing: no entry for B
      { hash, key: A.key, signatures: [entry] }, // malformed map
      { hash, key: A.key, signatures: "x" },
      { hash, key: A.key, signatures: { [A.key]: { ...entry, extra: 1 } } },
      { hash, key: A.key, signatures: { [A.key]: { ...entry, signed_at: "2025-02-18T17:01:27.88Z" } } },
      {
        hash,
        key: A.key,
        signatures: { [A.key]: { ...entry, signature: `${entry.signature.slice(0, 85)}B==` } },
      },
      { hash, key: A.key, signatures: { [A.key]: { ...entry, signature: flipBase64(entry.signature, 9) } } },
      { hash: payloadHash({ door: "d-1", seq: 4 }), key: A.key, signatures: doc.signatures }, // edited
      { hash, key: A.key, signatures: { [A.key]: { ...entry, context: "anchor" } } }, // names another context
      { hash, key: A.key.replace(/=$/, ""), signatures: { [A.key.replace(/=$/, "")]: entry } },
      { hash, key: 7 as unknown as string, signatures: {} },
    ];
    const v = verifySigners(checks, { context: CTX });
    expect(v.map((x) => (x.valid ? "valid" : x.reason))).toEqual([
      "valid",
      "valid",
      "missing",
      "missing",
      "malformed",
      "malformed",
      "malformed",
      "malformed",
      "malformed",
      "invalid",
      "invalid",
      "invalid",
      "malformed",
      "malformed",
    ]);
    expect(v[0]).toEqual({ valid: true, signedAt: T0, signed_at: "2025-02-18T17:01:27.880Z" });
    expect(v[1]).toMatchObject({ valid: true, signedAt: T0 + 5 });
  });

  it("a valid signature made for another context is wrong-context, not valid", () => {
    const doc = signDocument({ a: 1 }, { secretKey: A.secretKey, context: "anchor", signedAt: T0 });
    const [v] = verifySigners([{ hash: payloadHash(doc), key: A.key, signatures: doc.signatures }], {
      context: CTX,
    });
    expect(v).toMatchObject({ valid: false, reason: "wrong-context", signedAt: T0 });
    // without the context field (the seed shape) it is checked under the verifier's context: invalid
    const { context: _c, ...bare } = doc.signatures[A.key]!;
    const [w] = verifySigners([{ hash: payloadHash(doc), key: A.key, signatures: { [A.key]: bare } }], {
      context: CTX,
    });
    expect(w).toMatchObject({ valid: false, reason: "invalid" });
  });

  it("a check's own context replaces the options' context for that check only", () => {
    const anchor = signDocument({ a: 1 }, { secretKey: A.secretKey, context: "anchor", signedAt: T0 });
    const entry = signDocument({ a: 2 }, { secretKey: A.secretKey, context: CTX, signedAt: T0 });
    const strip = (d: typeof anchor) => {
      const { context: _c, ...bare } = d.signatures[A.key]!;
      return { [A.key]: bare };
    };
    const check = (d: typeof anchor, signatures: unknown, context?: string) => ({
      hash: payloadHash(d),
      key: A.key,
      signatures,
      ...(context === undefined ? {} : { context }),
    });
    const verdicts = verifySigners(
      [
        check(anchor, anchor.signatures, "anchor"), // valid under its own context
        check(entry, entry.signatures), // valid under the options' context
        check(anchor, anchor.signatures), // wrong-context under the options' context
        check(entry, entry.signatures, "anchor"), // names lock-entry, asked for anchor
        check(anchor, strip(anchor), "anchor"), // the seed shape, checked under the check's context
        check(anchor, strip(anchor)), // … and under the options' context: invalid
      ],
      { context: CTX },
    );
    expect(verdicts.map((v) => (v.valid ? "valid" : v.reason))).toEqual([
      "valid",
      "valid",
      "wrong-context",
      "wrong-context",
      "valid",
      "invalid",
    ]);
    expect(verdicts[3]).toMatchObject({ detail: "a valid signature for context lock-entry, not anchor" });
    for (const bad of ["", "Anchor", "a".repeat(65), 7])
      expect(() =>
        verifySigners([check(anchor, anchor.signatures, bad as string)], { context: CTX }),
      ).toThrow(/checks\[0\]\.context/);
  });

  it("hostile maps: __proto__ keys, inherited entries, oversized maps, null-prototype maps", () => {
    const doc = signDocument({ a: 1 }, { secretKey: A.secretKey, context: CTX, signedAt: T0 });
    const hash = payloadHash(doc);
    const entry = doc.signatures[A.key]!;
    const proto = JSON.parse(`{"__proto__": ${JSON.stringify(entry)}, "${A.key}": ${JSON.stringify(entry)}}`);
    const inherited = Object.create({ [A.key]: entry }) as Record<string, unknown>;
    const big: Record<string, unknown> = { [A.key]: entry };
    for (let i = 0; i < 1024; i++) big[`k${i}`] = 0;
    const bare = Object.assign(Object.create(null), { [A.key]: entry });
    const v = verifySigners(
      [
        { hash, key: A.key, signatures: proto },
        { hash, key: "__proto__", signatures: proto },
        { hash, key: A.key, signatures: inherited },
        { hash, key: A.key, signatures: big },
        { hash, key: A.key, signatures: bare },
      ],
      { context: CTX },
    );
    expect(v.map((x) => (x.valid ? "valid" : x.reason))).toEqual([
      "valid",
      "malformed",
      "missing",
      "malformed",
      "valid",
    ]);
    expect(
      verifySigners([{ hash, key: A.key, signatures: big }], { context: CTX, maxSignatures: 2000 })[0]!.valid,
    ).toBe(true);
  });

  it("future only with a clock; one verifyBatch per call; bad arguments are TypeErrors", () => {
    const doc = signDocument({ a: 1 }, { secretKey: A.secretKey, context: CTX, signedAt: T0 + 3_600_000 });
    const check = { hash: payloadHash(doc), key: A.key, signatures: doc.signatures };
    expect(verifySigners([check], { context: CTX })[0]!.valid).toBe(true);
    expect(verifySigners([check], { context: CTX, now: T0 })[0]).toMatchObject({
      valid: false,
      reason: "future",
    });
    expect(verifySigners([check], { context: CTX, now: T0, futureTolerance: 3_600_000 })[0]!.valid).toBe(
      true,
    );
    expect(() => verifySigners([{ ...check, hash: "nope" }], { context: CTX })).toThrow(TypeError);
    expect(() => verifySigners([null as never], { context: CTX })).toThrow("checks[0]");
    expect(() => verifySigners([check], { context: "Lock" })).toThrow(
      expect.objectContaining({ code: "ERR_CONTEXT" }),
    );
  });

  it("gives the verdict verifySignatureMaps gives the same key", () => {
    const doc = signDocument({ a: 1 }, { secretKey: A.secretKey, context: CTX, signedAt: T0 });
    const hash = payloadHash(doc);
    const [report] = verifySignatureMaps([{ hash, signatures: doc.signatures }], {
      trusted: [A.key],
      context: CTX,
      now: T0,
    });
    expect(report!.valid.map((x) => x.key)).toEqual([A.key]);
    expect(
      verifySigners([{ hash, key: A.key, signatures: doc.signatures }], { context: CTX })[0]!.valid,
    ).toBe(true);
  });
});

describe("signPayload / verifyPayload / signingMessage", () => {
  it("signs the rule over the payload's hash; node:crypto verifies the same bytes", () => {
    const payload = { nonce: toBase64(new Uint8Array(32).fill(9)), network: A.key, node: B.key };
    const [key, entry] = signPayload(payload, {
      secretKey: B.secretKey,
      context: "reachability",
      signedAt: T0,
    });
    expect(key).toBe(B.key);
    expect(entry).toEqual({
      signed_at: "2025-02-18T17:01:27.880Z",
      signature: expect.any(String),
      context: "reachability",
    });
    const message = signingMessage("reachability", entry.signed_at, payloadHash(payload));
    expect(Buffer.from(message).toString()).toBe(
      `chronoseal-v1:reachability:2025-02-18T17:01:27.880Z:${payloadHash(payload)}`,
    );
    expect(nodeVerify(null, message, spki(B.publicKey), Buffer.from(entry.signature, "base64"))).toBe(true);
    expect(verifyPayload(payload, key, entry, { context: "reachability" })).toEqual({
      valid: true,
      signedAt: T0,
      signed_at: entry.signed_at,
    });
  });

  it("binds the signature to the context, the key and every payload field", () => {
    const payload = { nonce: toBase64(new Uint8Array(32).fill(1)), node: B.key };
    const [key, entry] = signPayload(payload, {
      secretKey: B.secretKey,
      context: "reachability",
      signedAt: T0,
    });
    const reason = (v: ReturnType<typeof verifyPayload>) => (v.valid ? "valid" : v.reason);
    expect(reason(verifyPayload(payload, key, entry, { context: "attestation" }))).toBe("wrong-context");
    const { context: _c, ...bare } = entry;
    expect(reason(verifyPayload(payload, key, bare, { context: "attestation" }))).toBe("invalid");
    expect(reason(verifyPayload({ ...payload, node: A.key }, key, entry, { context: "reachability" }))).toBe(
      "invalid",
    );
    expect(reason(verifyPayload({ ...payload, extra: 1 }, key, entry, { context: "reachability" }))).toBe(
      "invalid",
    );
    expect(reason(verifyPayload(payload, A.key, entry, { context: "reachability" }))).toBe("invalid");
    expect(reason(verifyPayload(payload, "__proto__", entry, { context: "reachability" }))).toBe("malformed");
    expect(
      reason(verifyPayload(payload, key, { ...entry, signed_at: "x" }, { context: "reachability" })),
    ).toBe("malformed");
    expect(reason(verifyPayload(payload, key, "nope", { context: "reachability" }))).toBe("malformed");
    // a `signatures` field is not part of the payload, as for signDocument
    expect(
      reason(verifyPayload({ ...payload, signatures: { x: 1 } }, key, entry, { context: "reachability" })),
    ).toBe("valid");
  });

  it("signingMessage refuses parts that would make an ambiguous string", () => {
    const h = payloadHash({ a: 1 });
    expect(() => signingMessage("a:b", "2025-02-18T17:01:27.880Z", h)).toThrow(
      expect.objectContaining({ code: "ERR_CONTEXT" }),
    );
    expect(() => signingMessage("ctx", "2025-02-18T17:01:27Z", h)).toThrow(
      expect.objectContaining({ code: "ERR_SIGNED_AT" }),
    );
    expect(() => signingMessage("ctx", "2025-02-18T17:01:27.880Z", `${h}:x`)).toThrow(
      expect.objectContaining({ code: "ERR_HASH" }),
    );
  });
});
