// Chronology: timeOf, the total order of compareChronology, and signature-map merging.
import { beforeAll, describe, expect, it } from "vitest";
import {
  compareChronology,
  compareHashes,
  MergeError,
  mergeSignatures,
  timeOf,
} from "../../src/attest/chronology.js";
import { payloadHash, type SignatureMap, signDocument } from "../../src/attest/signing.js";
import { formatTimestamp } from "../../src/attest/time.js";
import { verifyDocument } from "../../src/attest/verify.js";
import { toBase64 } from "../../src/encoding.js";
import { parseJson } from "../../src/jcs/parse.js";
import { flipBase64, type Signer, signers, T0 } from "../attest-helpers.js";

let alice: Signer;
let bob: Signer;
beforeAll(async () => {
  [alice, bob] = (await signers(2)) as [Signer, Signer];
});
const CTX = "attestation";
const sign = <T extends object>(doc: T, who: Signer, at: number, context = CTX) =>
  signDocument(doc, { secretKey: who.secretKey, context, signedAt: at });
const merge = <T extends object>(...docs: T[]) => mergeSignatures(docs, { context: CTX });

describe("timeOf", () => {
  it("is the earliest valid trusted signed_at, or pending", () => {
    const doc = sign(sign({ n: 1 }, alice, T0 + 5), bob, T0 + 9);
    expect(timeOf(verifyDocument(doc, { trusted: [alice.key, bob.key], context: CTX, now: T0 }))).toBe(
      T0 + 5,
    );
    expect(timeOf(verifyDocument(doc, { trusted: [bob.key], context: CTX, now: T0 }))).toBe(T0 + 9);
    expect(timeOf(verifyDocument(doc, { trusted: [], context: CTX, now: T0 }))).toBe("pending");
    expect(timeOf({ time: 0 })).toBe(0);
  });
});

describe("compareChronology", () => {
  const h = (fill: number, last = fill) => {
    const b = new Uint8Array(32).fill(fill);
    b[31] = last;
    return toBase64(b);
  };

  it("orders by time, then hash bytes, pending last", () => {
    const a = { time: 5, hash: h(9) };
    const b = { time: 5, hash: h(1) };
    const c = { time: undefined, hash: h(1) };
    const d = { time: undefined, hash: h(0) };
    const e = { time: -3, hash: h(200) };
    expect([a, b, c, d, e].sort(compareChronology)).toEqual([e, b, a, d, c]);
    expect(compareChronology(a, a)).toBe(0);
  });

  it("compares hashes by bytes, not by base64 text (where ASCII order differs)", () => {
    // 0x00 → "A", 0x68 → "a"-range, 0xd0 → "0"-range, 0xfb → "+", 0xff → "/": ASCII order would differ
    const bytes = [0x00, 0x10, 0x68, 0x69, 0xd0, 0xf8, 0xfb, 0xfc, 0xff];
    const hashes = bytes.map((x) => h(x, 0));
    const shuffled = [...hashes].reverse();
    expect(shuffled.sort(compareHashes)).toEqual(hashes);
    expect([...hashes].sort()).not.toEqual(hashes); // the trap a string compare falls into
    expect(compareHashes(h(7, 1), h(7, 2))).toBeLessThan(0);
  });
});

describe("mergeSignatures", () => {
  it("unions signers and keeps each signer's earliest valid signature", () => {
    const early = sign({ n: 1 }, alice, T0);
    const late = sign(sign({ n: 1 }, alice, T0 + 9), bob, T0 + 20);
    const merged = merge(late, early);
    expect(merged.signatures[alice.key]).toEqual(early.signatures[alice.key]);
    expect(merged.signatures[bob.key]).toEqual(late.signatures[bob.key]);
    expect(Object.keys(merged.signatures)).toEqual([alice.key, bob.key].sort());
    expect(merged.n).toBe(1);
  });

  it("an invalid entry never displaces a valid one, even when it claims an earlier time", () => {
    const good = sign({ n: 1 }, alice, T0);
    const e = good.signatures[alice.key]!;
    const backdated = { n: 1, signatures: { [alice.key]: { ...e, signed_at: formatTimestamp(T0 - 1000) } } };
    const flipped = { n: 1, signatures: { [alice.key]: { ...e, signature: flipBase64(e.signature, 3) } } };
    const malformed = { n: 1, signatures: { [alice.key]: { signed_at: "yesterday", signature: 5 } } };
    const otherCtx = sign({ n: 1 }, alice, T0 - 5000, "settings");
    for (const bad of [backdated, flipped, malformed, otherCtx]) {
      expect(merge(bad, good).signatures[alice.key]).toEqual(e);
      expect(merge(good, bad).signatures[alice.key]).toEqual(e);
    }
  });

  it("keeps an invalid entry while its signer has no valid one (nothing dropped), earliest first", () => {
    const e = sign({ n: 1 }, alice, T0).signatures[alice.key]!;
    const bad1 = { ...e, signature: flipBase64(e.signature, 1) };
    const bad2 = { ...e, signed_at: formatTimestamp(T0 - 5), signature: flipBase64(e.signature, 2) };
    const m = merge({ n: 1, signatures: { [alice.key]: bad1 } }, { n: 1, signatures: { [alice.key]: bad2 } });
    expect(m.signatures[alice.key]).toEqual(bad2);
    // malformed entries rank after every well-formed one; they are kept under their own key
    const junk = merge({ n: 1, signatures: { "not-a-key": { x: 1 } } }, { n: 1 });
    expect(junk.signatures).toEqual({ "not-a-key": { x: 1 } });
  });

  it("ties (same signer, same signed_at, both valid) break by the canonical entry", () => {
    const e = sign({ n: 1 }, alice, T0).signatures[alice.key]!;
    const { context: _c, ...seed } = e; // seed shape: the same signature without the context field
    const a = { n: 1, signatures: { [alice.key]: e } };
    const b = { n: 1, signatures: { [alice.key]: seed } };
    expect(merge(a, b).signatures[alice.key]).toEqual(merge(b, a).signatures[alice.key]);
    expect(merge(a, b).signatures[alice.key]).toEqual(e); // {"context":…} sorts before {"signature":…}
  });

  it("is idempotent and keeps a `__proto__` key as data", () => {
    const e = sign({ n: 1 }, alice, T0).signatures[alice.key]!;
    const doc = parseJson(`{"n":1,"signatures":{"__proto__":${JSON.stringify(e)}}}`) as object;
    const m = merge(doc, doc);
    expect(Object.hasOwn(m.signatures, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(m.signatures)).toBe(Object.prototype);
    expect(JSON.stringify(merge(m))).toBe(JSON.stringify(m));
  });

  it("returns copies: mutating the result does not touch the inputs", () => {
    const a = sign({ n: 1 }, alice, T0);
    const m = merge(a);
    (m.signatures as SignatureMap)[alice.key]!.signed_at = "changed";
    expect(a.signatures[alice.key]!.signed_at).toBe(formatTimestamp(T0));
  });

  it("refuses copies of different documents and unusable input with typed errors", () => {
    const a = sign({ n: 1 }, alice, T0);
    expect(() => merge<object>(a, { n: 2 })).toThrow(MergeError);
    expect(() => merge<object>(a, { n: 2 })).toThrow(expect.objectContaining({ code: "ERR_MERGE" }));
    expect(() => merge<object>(a, { n: 1, signatures: "x" })).toThrow(
      /copies\[1\]\.signatures: expected an object/,
    );
    expect(() => merge<object>(a, { n: 1, signatures: { k: { f: () => 1 } } })).toThrow(MergeError);
    expect(() => mergeSignatures([], { context: CTX })).toThrow(RangeError);
    expect(() => mergeSignatures([a, null as unknown as object], { context: CTX })).toThrow(TypeError);
    expect(() => mergeSignatures([a], { context: "Bad" })).toThrow(/context/);
    expect(() => mergeSignatures(a as unknown as object[], { context: CTX })).toThrow(TypeError);
    expect(payloadHash(merge(a))).toBe(payloadHash(a));
  });
});
