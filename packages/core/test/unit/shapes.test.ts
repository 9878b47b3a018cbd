// Shape checks of signed data's text fields: contexts, hashes and keys, signatures, times, and the
// JSON Schema patterns other packages use for the same fields.
import { createPublicKey } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  assertContext,
  assertHash,
  assertPublicKeyBase64,
  BASE64_32_PATTERN,
  BASE64_64_PATTERN,
  CANONICAL_TIME_PATTERN,
  CONTEXT_PATTERN,
  canonicalPublicKey,
  isCanonicalTime,
  isContext,
  isHash,
  isPublicKeyBase64,
  isSignatureBase64,
  SigningError,
} from "../../src/attest/shapes.js";
import { EncodingError } from "../../src/encoding.js";
import { encodePublicKey } from "../../src/keys/formats.js";
import { KeyFormatError } from "../../src/keys/key-error.js";
import { type Signer, signers } from "../attest-helpers.js";

let A: Signer;
beforeAll(async () => {
  [A] = (await signers(1)) as [Signer];
});

describe("times", () => {
  it("accepts only the canonical form of an instant that exists", () => {
    for (const t of [
      "2025-02-18T17:01:27.880Z",
      "0000-01-01T00:00:00.000Z",
      "9999-12-31T23:59:59.999Z",
      "2024-02-29T00:00:00.000Z",
      "2000-02-29T12:00:00.000Z",
    ])
      expect(isCanonicalTime(t)).toBe(true);
    for (const t of [
      "2025-02-18T17:01:27.88Z", // two fraction digits
      "2025-02-18T17:01:27.8800Z",
      "2025-02-18T17:01:27Z",
      "2025-02-18t17:01:27.880Z",
      "2025-02-18T17:01:27.880z",
      "2025-02-18 17:01:27.880Z",
      "2025-02-18T17:01:27.880+00:00",
      "2025-02-29T00:00:00.000Z", // not a leap year
      "1900-02-29T00:00:00.000Z",
      "2025-04-31T00:00:00.000Z",
      "2025-13-01T00:00:00.000Z",
      "2025-00-01T00:00:00.000Z",
      "2025-01-00T00:00:00.000Z",
      "2025-01-01T24:00:00.000Z",
      "2025-01-01T23:60:00.000Z",
      "2025-01-01T23:59:60.000Z", // leap second
      "+2025-01-01T00:00:00.000Z",
      " 2025-01-01T00:00:00.000Z",
      "2025-01-01T00:00:00.000Z\n",
      "２０２５-01-01T00:00:00.000Z", // fullwidth digits
    ])
      expect(isCanonicalTime(t), t).toBe(false);
    expect(isCanonicalTime(0)).toBe(false);
    expect(isCanonicalTime(null)).toBe(false);
  });
});

describe("hashes, keys and signatures", () => {
  it("canonical base64 of exactly 32 (64) bytes, nothing else", () => {
    expect(isHash(A.key)).toBe(true);
    expect(isPublicKeyBase64(A.key)).toBe(true);
    const zero32 = `${"A".repeat(43)}=`;
    expect(isHash(zero32)).toBe(true);
    expect(isHash(`${"A".repeat(42)}B=`)).toBe(false); // non-zero trailing bits
    expect(isHash("A".repeat(44))).toBe(false); // no padding: 33 bytes
    expect(isHash(zero32.slice(0, 43))).toBe(false); // padding dropped
    expect(isHash(`${"A".repeat(42)}A==`)).toBe(false);
    expect(isHash(zero32.replace("A", "-"))).toBe(false); // base64url
    expect(isHash(zero32.toLowerCase())).toBe(false);
    expect(isHash(Buffer.alloc(32).toString("hex"))).toBe(false);
    expect(isHash(` ${zero32}`)).toBe(false);
    expect(isHash(42)).toBe(false);
    const sig = Buffer.alloc(64, 7).toString("base64");
    expect(isSignatureBase64(sig)).toBe(true);
    expect(isSignatureBase64(`${sig.slice(0, 85)}B==`)).toBe(false);
    expect(isSignatureBase64(A.key)).toBe(false);
    expect(isSignatureBase64(Buffer.alloc(65).toString("base64"))).toBe(false);
  });

  it("assertions say what is wrong with a typed error", () => {
    expect(assertHash(A.key)).toBe(A.key);
    expect(() => assertHash(7, "prev")).toThrow(new TypeError("prev: expected base64 string, got number"));
    expect(() => assertHash("abc", "prev")).toThrow(SigningError);
    expect(() => assertHash("abc", "prev")).toThrow(expect.objectContaining({ code: "ERR_HASH" }));
    expect(assertPublicKeyBase64(A.key)).toBe(A.key);
    expect(() => assertPublicKeyBase64(A.key.replace(/=$/, ""), "writer")).toThrow(EncodingError);
    expect(() => assertPublicKeyBase64(null, "writer")).toThrow(TypeError);
  });

  it("canonicalPublicKey turns every accepted key format into the one map-key form", () => {
    const ssh = encodePublicKey(A.publicKey, "ssh") as string;
    const pem = encodePublicKey(A.publicKey, "pem") as string;
    for (const input of [A.key, A.publicKey, ssh, `${ssh} laptop`, pem, ` ${A.key}\n`])
      expect(canonicalPublicKey(input)).toBe(A.key);
    // node:crypto reads the same PEM as the same key
    const der = createPublicKey(pem).export({ type: "spki", format: "der" });
    expect(canonicalPublicKey(new Uint8Array(der))).toBe(A.key);
    expect(() => canonicalPublicKey(`${"A".repeat(42)}B=`)).toThrow(KeyFormatError);
    expect(() => canonicalPublicKey("not a key")).toThrow(KeyFormatError);
  });
});

describe("contexts", () => {
  it("1-64 of [a-z0-9-]", () => {
    expect(isContext("host-claim")).toBe(true);
    expect(isContext("a".repeat(64))).toBe(true);
    for (const c of ["", "a".repeat(65), "Host", "a:b", "a b", "a_b", "ä"]) expect(isContext(c)).toBe(false);
    // The last valid context is remembered: asking again, then something else, is still exact.
    for (const c of ["attestation", "attestation", "attestation:", "attestation"])
      expect(isContext(c)).toBe(!c.includes(":"));
    expect(() => assertContext("a:b")).toThrow(expect.objectContaining({ code: "ERR_CONTEXT" }));
  });
});

describe("JSON Schema patterns", () => {
  it("say what the functions say (the time pattern is the form only)", () => {
    const key = new RegExp(BASE64_32_PATTERN);
    const sig = new RegExp(BASE64_64_PATTERN);
    const time = new RegExp(CANONICAL_TIME_PATTERN);
    const ctx = new RegExp(CONTEXT_PATTERN);
    for (let b = 0; b < 256; b++) {
      const h = Buffer.alloc(32, b).toString("base64");
      expect(key.test(h)).toBe(true);
      expect(sig.test(Buffer.alloc(64, b).toString("base64"))).toBe(true);
      const alt = `${h.slice(0, 42)}${String.fromCharCode(h.charCodeAt(42) ^ 1)}=`;
      expect(key.test(alt)).toBe(isHash(alt));
    }
    expect(time.test("2025-02-30T00:00:00.000Z")).toBe(true); // the pattern admits it …
    expect(isCanonicalTime("2025-02-30T00:00:00.000Z")).toBe(false); // … the function does not
    expect(ctx.test("lock-entry")).toBe(true);
    expect(ctx.test("lock:entry")).toBe(false);
  });
});
