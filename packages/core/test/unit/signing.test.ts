// The signing rule and verification reports: one test per reason, per malformed-input class,
// and for every option.
import { createHash, createPublicKey, verify as nodeVerify } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { SigningError } from "../../src/attest/shapes.js";
import {
  payloadHash,
  type SignatureMap,
  signDocument,
  signHash,
  signingString,
} from "../../src/attest/signing.js";
import {
  type DocumentReport,
  verifyDocument,
  verifyDocuments,
  verifySignatureMaps,
} from "../../src/attest/verify.js";
import { EncodingError, toBase64 } from "../../src/encoding.js";
import { JsonParseError, parseJson } from "../../src/jcs/parse.js";
import { flipBase64, type Signer, signers, T0 } from "../attest-helpers.js";

let alice: Signer;
let bob: Signer;
let mallory: Signer;
beforeAll(async () => {
  [alice, bob, mallory] = (await signers(3)) as [Signer, Signer, Signer];
});

const CTX = "attestation";
const sign = (doc: object, who: Signer, at = T0, context = CTX) =>
  signDocument(doc, { secretKey: who.secretKey, context, signedAt: at });
const check = (doc: object, trusted = [alice.key, bob.key], now = T0 + 60_000): DocumentReport =>
  verifyDocument(doc, { trusted, context: CTX, now });
const reasons = (r: DocumentReport) => r.ignored.map((i) => i.reason);

describe("the signing rule", () => {
  it("signs chronoseal-v1:<context>:<signed_at>:<base64 SHA-256 of JCS(payload)>, checked by node:crypto", () => {
    const doc = sign({ foo: "bar", n: [1, 2] }, alice);
    const entry = doc.signatures[alice.key]!;
    expect(entry).toEqual({
      signed_at: "2025-02-18T17:01:27.880Z",
      signature: expect.any(String),
      context: CTX,
    });
    const hash = payloadHash({ n: [1, 2], foo: "bar" });
    // node:crypto is the independent oracle for SHA-256 of the JCS text
    expect(hash).toBe(createHash("sha256").update('{"foo":"bar","n":[1,2]}', "utf8").digest("base64"));
    const text = `chronoseal-v1:attestation:2025-02-18T17:01:27.880Z:${hash}`;
    expect(signingString(CTX, entry.signed_at, hash)).toBe(text);
    const spki = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), alice.publicKey]);
    const key = createPublicKey({ key: spki, format: "der", type: "spki" });
    expect(nodeVerify(null, Buffer.from(text, "utf8"), key, Buffer.from(entry.signature, "base64"))).toBe(
      true,
    );
  });

  it("signingString refuses parts that would make an ambiguous string", () => {
    const hash = payloadHash({});
    expect(() => signingString("Host-Claim", "2025-02-18T17:01:27.880Z", hash)).toThrow(SigningError);
    expect(() => signingString("a:b", "2025-02-18T17:01:27.880Z", hash)).toThrow(/context/);
    expect(() => signingString("", "2025-02-18T17:01:27.880Z", hash)).toThrow(/context/);
    expect(() => signingString("x".repeat(65), "2025-02-18T17:01:27.880Z", hash)).toThrow(/context/);
    expect(() => signingString(CTX, "2025-02-18T17:01:27.88Z", hash)).toThrow(/signed_at/);
    expect(() => signingString(CTX, "2025-02-18T18:01:27.880+01:00", hash)).toThrow(/signed_at/);
    expect(() => signingString(CTX, "2025-02-18T17:01:27.880Z", "AAAA")).toThrow(/payload hash/);
    expect(() => signingString(5 as unknown as string, "2025-02-18T17:01:27.880Z", hash)).toThrow(TypeError);
    expect(signingString("a-0-b", "2025-02-18T17:01:27.880Z", hash)).toMatch(/^chronoseal-v1:a-0-b:/);
  });

  it("signDocument returns a new document, keeps other signers and replaces the signer's own entry", () => {
    const original = { n: 1 };
    const one = sign(original, alice, T0);
    expect(original).toEqual({ n: 1 });
    const two = sign(one, bob, T0 + 1);
    const again = sign(two, alice, T0 + 2);
    expect(Object.keys(again.signatures).sort()).toEqual([alice.key, bob.key].sort());
    expect(again.signatures[alice.key]!.signed_at).toBe("2025-02-18T17:01:27.882Z");
    expect(two.signatures[alice.key]!.signed_at).toBe("2025-02-18T17:01:27.880Z");
    expect(check(again).valid.map((v) => v.key)).toEqual([bob.key, alice.key]);
  });

  it("signDocument normalizes signedAt, and defaults it to now", () => {
    const doc = signDocument(
      {},
      { secretKey: alice.secretKey, context: CTX, signedAt: "2025-02-18T18:01:27.8809+01:00" },
    );
    expect(doc.signatures[alice.key]!.signed_at).toBe("2025-02-18T17:01:27.880Z");
    const before = Date.now();
    const now = signDocument({}, { secretKey: alice.secretKey, context: CTX });
    const t = Date.parse(now.signatures[alice.key]!.signed_at);
    expect(t >= before - 1 && t <= Date.now()).toBe(true);
  });

  it("signDocument keeps a `__proto__` payload field as data", () => {
    const doc = parseJson('{"__proto__":{"admin":true},"n":1}') as object;
    const signed = sign(doc, alice);
    expect(Object.hasOwn(signed, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(signed)).toBe(Object.prototype);
    expect(check(signed).time).toBe(T0);
  });

  it("signDocument rejects bad input with typed errors", () => {
    const o = { secretKey: alice.secretKey, context: CTX };
    expect(() => signDocument(null as unknown as object, o)).toThrow(TypeError);
    expect(() => signDocument([] as object, o)).toThrow(TypeError);
    expect(() => signDocument({ signatures: "x" }, o)).toThrow(
      expect.objectContaining({ code: "ERR_SIGNATURES" }),
    );
    expect(() => signDocument({}, { ...o, context: "Bad Context" })).toThrow(
      expect.objectContaining({ code: "ERR_CONTEXT" }),
    );
    expect(() => signDocument({}, { ...o, secretKey: alice.secretKey.subarray(0, 32) })).toThrow(
      "secretKey: expected Uint8Array of length 64, got length=32",
    );
    expect(() => signDocument({}, { ...o, signedAt: "yesterday" })).toThrow(/timestamp/);
    expect(() => signDocument({ x: Number.NaN }, o)).toThrow(
      expect.objectContaining({ code: "ERR_JCS_NON_FINITE" }),
    );
    expect(() => signHash("not a hash", o)).toThrow(expect.objectContaining({ code: "ERR_HASH" }));
  });
});

describe("verifyDocuments: one reason per ignored signature", () => {
  it("valid: earliest trusted signed_at is the time; valid list earliest first", () => {
    const doc = sign(sign(sign({ n: 1 }, alice, T0 + 5000), bob, T0), mallory, T0 - 1000);
    const r = check(doc);
    expect(r.valid).toEqual([
      { key: bob.key, signedAt: T0, signed_at: "2025-02-18T17:01:27.880Z" },
      { key: alice.key, signedAt: T0 + 5000, signed_at: "2025-02-18T17:01:32.880Z" },
    ]);
    expect(r.time).toBe(T0);
    expect(r.hash).toBe(payloadHash({ n: 1 }));
    expect(r.ignored).toEqual([
      {
        key: mallory.key,
        reason: "untrusted",
        detail: "valid, but not by a trusted key",
        signedAt: T0 - 1000,
      },
    ]);
  });

  it("a document without signatures is pending with nothing to report", () => {
    expect(check({ n: 3 })).toEqual({ hash: payloadHash({ n: 3 }), valid: [], ignored: [], time: undefined });
  });

  it("invalid: edited payload, edited signed_at, flipped signature bit, signature under another key", () => {
    const doc = sign({ n: 1 }, alice);
    const e = doc.signatures[alice.key]!;
    const variants: object[] = [
      { ...doc, n: 2 },
      { ...doc, signatures: { [alice.key]: { ...e, signed_at: "2025-02-18T17:01:27.879Z" } } },
      { ...doc, signatures: { [alice.key]: { ...e, signature: flipBase64(e.signature, 100) } } },
      { ...doc, signatures: { [bob.key]: e } },
      { ...doc, signatures: { [alice.key]: { ...e, context: "settings" } } },
    ];
    for (const v of variants) {
      const r = check(v);
      expect(reasons(r)).toEqual(["invalid"]);
      expect(r.ignored[0]!.detail).toBe("signature does not verify");
      expect(r.time).toBeUndefined();
    }
  });

  it("wrong-context: a valid signature for another context that the entry names", () => {
    const doc = sign({ n: 1 }, alice, T0, "settings");
    const r = check(doc);
    expect(reasons(r)).toEqual(["wrong-context"]);
    expect(r.ignored[0]!.detail).toBe("a valid signature for context settings, not attestation");
    // the same signature in the seed shape (no context field) is checked in the verifier's context
    const { context: _c, ...seedShape } = doc.signatures[alice.key]!;
    expect(reasons(check({ n: 1, signatures: { [alice.key]: seedShape } }))).toEqual(["invalid"]);
    const ok = sign({ n: 1 }, alice);
    const { context: _d, ...seedOk } = ok.signatures[alice.key]!;
    expect(check({ n: 1, signatures: { [alice.key]: seedOk } }).time).toBe(T0);
  });

  it("untrusted outranks future; invalid outranks untrusted", () => {
    const doc = sign({ n: 1 }, mallory, T0 + 3_600_000);
    expect(reasons(check(doc))).toEqual(["untrusted"]);
    const bad = { ...doc, n: 2 };
    expect(reasons(check(bad))).toEqual(["invalid"]);
  });

  it("future: beyond now + tolerance, inclusive boundary, and a custom tolerance", () => {
    const doc = sign({ n: 1 }, alice, T0 + 600_000);
    const at = (now: number, futureTolerance?: number) =>
      verifyDocument(doc, {
        trusted: [alice.key],
        context: CTX,
        now,
        ...(futureTolerance === undefined ? {} : { futureTolerance }),
      });
    expect(at(T0).time).toBe(T0 + 600_000);
    const r = at(T0 - 1);
    expect(reasons(r)).toEqual(["future"]);
    expect(r.ignored[0]!.signedAt).toBe(T0 + 600_000);
    expect(r.ignored[0]!.detail).toMatch(/600000 ms after the verifier's clock/);
    expect(reasons(at(T0 + 599_999, 0))).toEqual(["future"]);
    expect(at(T0 + 600_000, 0).time).toBe(T0 + 600_000);
    expect(at("2025-02-18T17:11:27.880Z" as unknown as number, 0).time).toBe(T0 + 600_000);
  });
});

describe("verifyDocuments: malformed input is reported, never thrown", () => {
  const good = () => sign({ n: 1 }, alice).signatures[alice.key]!;
  const nonCanonicalKey = () => {
    // flip the last character's unused low bits: decodes to the same 32 bytes
    const k = alice.key;
    const last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".indexOf(k[42]!);
    return `${k.slice(0, 42)}${"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[last + 1]}=`;
  };
  const cases: [string, () => unknown, RegExp][] = [
    ["key not base64", () => ({ "not-a-key!": good() }), /invalid base64/],
    ["key of 31 bytes", () => ({ [toBase64(new Uint8Array(31))]: good() }), /expected 32 bytes, got 31/],
    ["key of 33 bytes", () => ({ [toBase64(new Uint8Array(33))]: good() }), /expected 32 bytes, got 33/],
    [
      "non-canonical key (same public key)",
      () => ({ [alice.key]: good(), [nonCanonicalKey()]: good() }),
      /non-canonical/,
    ],
    ["entry null", () => ({ [alice.key]: null }), /entry is not an object/],
    ["entry array", () => ({ [alice.key]: [good()] }), /entry is not an object/],
    ["entry string", () => ({ [alice.key]: "sig" }), /entry is not an object/],
    ["unknown field", () => ({ [alice.key]: { ...good(), note: "hi" } }), /unknown field "note"/],
    [
      "signed_at missing",
      () => ({ [alice.key]: { signature: good().signature } }),
      /signed_at is not a string/,
    ],
    [
      "signed_at a number",
      () => ({ [alice.key]: { ...good(), signed_at: T0 } }),
      /signed_at is not a string/,
    ],
    [
      "signed_at without ms",
      () => ({ [alice.key]: { ...good(), signed_at: "2025-02-18T17:01:27Z" } }),
      /canonical/,
    ],
    [
      "signed_at with offset",
      () => ({ [alice.key]: { ...good(), signed_at: "2025-02-18T18:01:27.880+01:00" } }),
      /canonical/,
    ],
    [
      "signed_at Feb 30",
      () => ({ [alice.key]: { ...good(), signed_at: "2025-02-30T17:01:27.880Z" } }),
      /canonical/,
    ],
    [
      "signed_at hour 24",
      () => ({ [alice.key]: { ...good(), signed_at: "2025-02-18T24:00:00.000Z" } }),
      /canonical/,
    ],
    [
      "signed_at leap second",
      () => ({ [alice.key]: { ...good(), signed_at: "2016-12-31T23:59:60.000Z" } }),
      /canonical/,
    ],
    [
      "signature an array",
      () => ({ [alice.key]: { ...good(), signature: [1] } }),
      /signature is not a string/,
    ],
    ["signature not base64", () => ({ [alice.key]: { ...good(), signature: "%%%%" } }), /invalid base64/],
    [
      "signature of 63 bytes",
      () => ({ [alice.key]: { ...good(), signature: toBase64(new Uint8Array(63)) } }),
      /expected 64 bytes, got 63/,
    ],
    [
      "signature non-canonical base64",
      () => ({ [alice.key]: { ...good(), signature: `${good().signature.slice(0, 85)}B==` } }),
      /non-canonical|invalid/,
    ],
    [
      "context uppercase",
      () => ({ [alice.key]: { ...good(), context: "Attestation" } }),
      /context is not a valid context/,
    ],
    [
      "context a number",
      () => ({ [alice.key]: { ...good(), context: 1 } }),
      /context is not a valid context/,
    ],
    ["map is a string", () => "nope", /signatures is not an object/],
    ["map is an array", () => [good()], /signatures is not an object/],
    ["map is null", () => null, /signatures is not an object/],
  ];
  it.each(cases)("%s", (_name, map, detail) => {
    const r = check({ n: 1, signatures: map() });
    const bad = r.ignored.filter((i) => i.reason === "malformed");
    expect(bad.length).toBe(1);
    expect(bad[0]!.detail).toMatch(detail);
    expect(r.ignored.length + r.valid.length).toBe(
      map() !== null && typeof map() === "object" && !Array.isArray(map())
        ? Object.keys(map() as object).length
        : 1,
    );
  });

  it("a `__proto__` signer key is reported and pollutes nothing", () => {
    const doc = parseJson(
      `{"n":1,"signatures":{"__proto__":${JSON.stringify(good())},"${alice.key}":${JSON.stringify(good())}}}`,
    ) as object;
    const r = check(doc);
    expect(r.valid.map((v) => v.key)).toEqual([alice.key]);
    expect(r.ignored).toEqual([expect.objectContaining({ key: "__proto__", reason: "malformed" })]);
    expect(({} as Record<string, unknown>).signed_at).toBeUndefined();
  });

  it("duplicate signer keys in JSON text are rejected by parseJson", () => {
    const doc = sign({ n: 1 }, alice);
    const text = JSON.stringify(doc).replace("}}}", `},"${alice.key}":{"signed_at":"x","signature":"y"}}}`);
    expect(() => parseJson(text)).toThrow(JsonParseError);
    expect(() => parseJson(text)).toThrow(expect.objectContaining({ code: "ERR_JSON_DUPLICATE_KEY" }));
  });

  it("an oversized map is one malformed report, not thousands of verifications", () => {
    const map: Record<string, unknown> = {};
    for (let i = 0; i < 2000; i++) map[`k${i}`] = i;
    const r = check({ n: 1, signatures: map });
    expect(r.ignored).toEqual([
      { key: "", reason: "malformed", detail: "signatures has 2000 entries, more than maxSignatures=1024" },
    ]);
    const r2 = verifyDocument(
      { n: 1, signatures: map },
      { trusted: [], context: CTX, now: T0, maxSignatures: 5000 },
    );
    expect(r2.ignored.length).toBe(2000);
  });

  it("ignored signatures are sorted by key, whatever the map's order", () => {
    const a = sign(sign(sign({ n: 1 }, mallory), bob), alice);
    const b = sign(sign(sign({ n: 1 }, alice), mallory), bob);
    const opts = { trusted: [], context: CTX, now: T0 };
    expect(verifyDocument(a, opts)).toEqual(verifyDocument(b, opts));
    expect(verifyDocument(a, opts).ignored.map((i) => i.key)).toEqual(
      [alice.key, bob.key, mallory.key].sort(),
    );
  });

  it("documents and options that are not usable are typed errors naming what is wrong", () => {
    const o = { trusted: [alice.key], context: CTX, now: T0 };
    expect(() => verifyDocuments("x" as unknown as object[], o)).toThrow(TypeError);
    expect(() => verifyDocuments([{}, null as unknown as object], o)).toThrow("docs[1]: expected an object");
    expect(() => verifyDocuments([{}, [] as object], o)).toThrow(TypeError);
    expect(() => verifyDocuments([{}, { x: () => 1 }], o)).toThrow(
      expect.objectContaining({
        code: "ERR_DOCUMENT",
        message: expect.stringMatching(/^docs\[1\]: payload is not canonical JSON/),
      }),
    );
    expect(() => verifyDocuments([], { ...o, context: "no:colons" })).toThrow(SigningError);
    expect(() => verifyDocuments([], { ...o, trusted: ["nope"] })).toThrow(EncodingError);
    expect(() => verifyDocuments([], { ...o, futureTolerance: -1 })).toThrow(RangeError);
    expect(() => verifyDocuments([], { ...o, maxSignatures: 1.5 })).toThrow(RangeError);
    expect(() => verifyDocuments([], { ...o, now: "soon" })).toThrow(/timestamp/);
    expect(verifyDocuments([], o)).toEqual([]);
  });
});

describe("verifySignatureMaps", () => {
  it("verifies with only the payload hash, exactly as verifyDocuments", () => {
    const docs = [sign(sign({ n: 1 }, alice), mallory), sign({ n: 2 }, bob, T0 + 1), { n: 3 }];
    const o = { trusted: [alice.key, bob.key], context: CTX, now: T0 + 10 };
    const byHash = verifySignatureMaps(
      docs.map((d) => ({
        hash: payloadHash(d),
        signatures: (d as { signatures?: SignatureMap }).signatures,
      })),
      o,
    );
    expect(byHash).toEqual(verifyDocuments(docs, o));
    expect(() => verifySignatureMaps([{ hash: "short", signatures: {} }], o)).toThrow(TypeError);
  });
});
