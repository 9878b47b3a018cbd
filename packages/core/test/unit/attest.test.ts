// The signing rule, verification reports, chronology, and RFC 3339 timestamps.
import { beforeAll, describe, expect, it } from "vitest";
import { compareChronology, MergeError, mergeSignatures, timeOf } from "../../src/attest/chronology.js";
import { payloadHash, signDocument, signingString } from "../../src/attest/signing.js";
import { formatTimestamp, parseTimestamp, TimestampError } from "../../src/attest/time.js";
import { verifyDocuments } from "../../src/attest/verify.js";
import { toBase64 } from "../../src/encoding.js";
import { parseJson } from "../../src/jcs/parse.js";
import { initKeys, type KeyPair, keyPairFromSeed } from "../../src/keys/sodium.js";

let alice: KeyPair;
let bob: KeyPair;
let mallory: KeyPair;
const b64 = (k: KeyPair) => toBase64(k.publicKey);
const T0 = Date.UTC(2025, 1, 18, 17, 1, 27, 880);

beforeAll(async () => {
  await initKeys();
  alice = keyPairFromSeed(new Uint8Array(32).fill(1));
  bob = keyPairFromSeed(new Uint8Array(32).fill(2));
  mallory = keyPairFromSeed(new Uint8Array(32).fill(3));
});

describe("RFC 3339 timestamps", () => {
  it("parses any fraction and offsets, formats UTC milliseconds", () => {
    expect(formatTimestamp(parseTimestamp("2025-02-18T17:01:27.880Z"))).toBe("2025-02-18T17:01:27.880Z");
    expect(formatTimestamp(parseTimestamp("2025-02-18T18:01:27.8809999+01:00"))).toBe(
      "2025-02-18T17:01:27.880Z",
    );
    expect(formatTimestamp(parseTimestamp("2022-06-21T13:46:09.308721+00:00"))).toBe(
      "2022-06-21T13:46:09.308Z",
    );
    expect(formatTimestamp(parseTimestamp("2024-02-29T00:00:00Z"))).toBe("2024-02-29T00:00:00.000Z");
    expect(formatTimestamp(parseTimestamp("0050-01-01T00:00:00-00:30"))).toBe("0050-01-01T00:30:00.000Z");
  });

  it("rejects local times, missing zones, impossible dates and leap seconds", () => {
    for (const bad of [
      "2025-02-18T17:01:27",
      "2025-02-18 17:01:27Z",
      "2025-02-18t17:01:27z",
      "2025-02-30T00:00:00Z",
      "2023-02-29T00:00:00Z",
      "2025-13-01T00:00:00Z",
      "2025-01-01T24:00:00Z",
      "2025-01-01T23:60:00Z",
      "2016-12-31T23:59:60Z",
      "2025-01-01T00:00:00+24:00",
      "2025-01-01T00:00:00.Z",
      "20250101T000000Z",
    ]) {
      expect(() => parseTimestamp(bad), bad).toThrow(TimestampError);
    }
    expect(() => parseTimestamp(5 as unknown as string)).toThrow(TypeError);
  });
});

describe("the signing rule", () => {
  it("signs chronoseal-v1:<context>:<signed_at>:<payload hash>", () => {
    const doc = signDocument(
      { foo: "bar" },
      { secretKey: alice.secretKey, context: "host-claim", signedAt: T0 },
    );
    const entry = doc.signatures[b64(alice)]!;
    expect(entry.signed_at).toBe("2025-02-18T17:01:27.880Z");
    expect(entry.context).toBe("host-claim");
    expect(signingString("host-claim", entry.signed_at, payloadHash(doc))).toBe(
      `chronoseal-v1:host-claim:2025-02-18T17:01:27.880Z:${payloadHash({ foo: "bar" })}`,
    );
    expect(() => signDocument({}, { secretKey: alice.secretKey, context: "Bad Context" })).toThrow(/context/);
  });
});

describe("verifyDocuments", () => {
  it("reports valid trusted signatures and every ignored one with its reason", () => {
    let doc = signDocument(
      { n: 1 },
      { secretKey: alice.secretKey, context: "attestation", signedAt: T0 + 5000 },
    );
    doc = signDocument(doc, { secretKey: bob.secretKey, context: "attestation", signedAt: T0 });
    doc = signDocument(doc, { secretKey: mallory.secretKey, context: "attestation", signedAt: T0 - 1000 });
    const future = signDocument(
      { n: 1 },
      { secretKey: alice.secretKey, context: "attestation", signedAt: T0 + 3_600_000 },
    );
    const wrong = signDocument({ n: 1 }, { secretKey: bob.secretKey, context: "settings", signedAt: T0 });
    const tampered = { ...doc, n: 2 };
    const malformed = {
      n: 1,
      signatures: {
        "not-a-key": { signed_at: "x", signature: "y" },
        [b64(alice)]: { signed_at: "2025-02-18T17:01:27.88Z", signature: "AA==" },
      },
    };
    const [r1, r2, r3, r4, r5, r6] = verifyDocuments([doc, future, wrong, tampered, malformed, { n: 3 }], {
      trusted: [b64(alice), b64(bob)],
      context: "attestation",
      now: T0 + 60_000,
    });
    expect(r1!.valid.map((v) => v.key)).toEqual([b64(bob), b64(alice)]);
    expect(r1!.ignored).toEqual([expect.objectContaining({ key: b64(mallory), reason: "untrusted" })]);
    expect(timeOf(r1!)).toBe(T0);
    expect(r2!.ignored[0]!.reason).toBe("future");
    expect(timeOf(r2!)).toBe("pending");
    expect(r3!.ignored[0]!.reason).toBe("wrong-context");
    expect(r4!.ignored.map((i) => i.reason)).toEqual(["invalid", "invalid", "invalid"]);
    expect(r5!.ignored.map((i) => i.reason)).toEqual(["malformed", "malformed"]);
    expect(r5!.ignored[1]!.detail).toMatch(/canonical/);
    expect(r6).toMatchObject({ valid: [], ignored: [], time: undefined });
  });

  it("never throws from deep inside on hostile input", () => {
    const hostile = [
      { signatures: "nope" },
      { signatures: [1, 2] },
      { signatures: { [b64(alice)]: null } },
      { signatures: { [b64(alice)]: { signed_at: 5, signature: [] } } },
      parseJson(
        '{"signatures":{"__proto__":{"signed_at":"2025-02-18T17:01:27.880Z","signature":"AA=="}}}',
      ) as object,
    ];
    const reports = verifyDocuments(hostile, { trusted: [], context: "attestation", now: T0 });
    expect(reports.every((r) => r.ignored.length === 1 && r.ignored[0]!.reason === "malformed")).toBe(true);
    expect(() =>
      verifyDocuments([null as unknown as object], { trusted: [], context: "attestation" }),
    ).toThrow(TypeError);
    expect(() => verifyDocuments([{ x: Number.NaN }], { trusted: [], context: "attestation" })).toThrow(
      /non-finite/,
    );
  });

  it("rejects duplicate signer keys at parse time and non-canonical key encodings as malformed", () => {
    const doc = signDocument({ n: 1 }, { secretKey: alice.secretKey, context: "attestation", signedAt: T0 });
    const text = JSON.stringify(doc).replace("}}}", `},"${b64(alice)}":{"signed_at":"x","signature":"y"}}}`);
    expect(() => parseJson(text)).toThrow(/duplicate key/);
    const key = b64(alice);
    const nonCanonical = key.slice(0, 42) + String.fromCharCode(key.charCodeAt(42) + 1) + key.slice(43);
    const twin = { n: 1, signatures: { ...doc.signatures, [nonCanonical]: doc.signatures[key] } };
    const [r] = verifyDocuments([twin], { trusted: [key], context: "attestation", now: T0 });
    expect(r!.valid.length).toBe(1);
    expect(r!.ignored.map((i) => i.reason)).toEqual(["malformed"]);
  });
});

describe("chronology and merging", () => {
  it("orders by time, then payload hash; pending last", () => {
    const a = { time: 5, hash: toBase64(new Uint8Array(32).fill(9)) };
    const b = { time: 5, hash: toBase64(new Uint8Array(32).fill(1)) };
    const c = { time: undefined, hash: b.hash };
    const d = { time: 1, hash: a.hash };
    expect([a, b, c, d].sort(compareChronology)).toEqual([d, b, a, c]);
  });

  it("keeps the earliest valid signature per signer", () => {
    const early = signDocument(
      { n: 1 },
      { secretKey: alice.secretKey, context: "attestation", signedAt: T0 },
    );
    const late = signDocument(
      { n: 1 },
      { secretKey: alice.secretKey, context: "attestation", signedAt: T0 + 9 },
    );
    const forged = {
      n: 1,
      signatures: {
        [b64(alice)]: { ...early.signatures[b64(alice)]!, signed_at: formatTimestamp(T0 - 1000) },
      },
    };
    const merged = mergeSignatures("attestation", late, forged, early);
    expect(merged.signatures[b64(alice)]).toEqual(early.signatures[b64(alice)]);
    expect(() => mergeSignatures<object>("attestation", early, { n: 2 })).toThrow(MergeError);
  });
});
