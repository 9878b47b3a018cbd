// verifySigners' packed path (keys, signatures and signed strings written back to back, verified
// with verifyPacked) against the reference it replaced: decodeSignatureEntry, signatureBatchItem
// and verifyBatch per check, verdicts built as before. Same verdict objects (reason, detail,
// times) on random batches of mauled entries, mixed contexts, clocks and map shapes; and the
// pieces on their own: writeSigningMessage = UTF-8 of rawSigningString, writeSignature = base64
// decoding, verifyPacked = verifyChecked (in order, key-ordered past one WASM call, streamed
// messages).
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { isContext } from "../../src/attest/shapes.js";
import {
  DEFAULT_MAX_SIGNATURES,
  decodeSignatureEntry,
  signatureBatchItem,
  signatureMapError,
  signerEntry,
  writeSignature,
} from "../../src/attest/signature-entry.js";
import { type SignerCheck, type SignerVerdict, verifySigners } from "../../src/attest/signers.js";
import {
  MAX_SIGNING_LENGTH,
  payloadHash,
  rawSigningString,
  signDocument,
  writeSigningMessage,
} from "../../src/attest/signing.js";
import { type VerifyItem, verifyBatch, verifyChecked, verifyPacked } from "../../src/ed25519/verify.js";
import { fromBase64 } from "../../src/encoding.js";
import { sign } from "../../src/keys/sodium.js";
import { flipBase64, type Signer, signers, T0 } from "../attest-helpers.js";

let keys: Signer[] = [];
beforeAll(async () => {
  keys = await signers(4);
});

/** verifySigners as it was before the packed path (one object, Buffer and string per signature). */
function reference(
  checks: readonly SignerCheck[],
  options: { context: string; now?: number; maxSignatures?: number },
): SignerVerdict[] {
  const { context, now } = options;
  const max = options.maxSignatures ?? DEFAULT_MAX_SIGNATURES;
  const tolerance = 10 * 60_000;
  const out: SignerVerdict[] = new Array(checks.length);
  const decoded: [number, Exclude<ReturnType<typeof decodeSignatureEntry>, string>, string][] = [];
  const batch: VerifyItem[] = [];
  const keyCache = new Map<string, Uint8Array | string>();
  checks.forEach((c, i) => {
    const ctx = c.context ?? context;
    if (c.signatures === undefined) {
      out[i] = { valid: false, reason: "missing", detail: "no signatures" };
      return;
    }
    const mapError = signatureMapError(c.signatures, max);
    if (mapError !== undefined) {
      out[i] = { valid: false, reason: "malformed", detail: mapError };
      return;
    }
    if (typeof c.key !== "string") {
      out[i] = { valid: false, reason: "malformed", detail: "key is not a string" };
      return;
    }
    const entry = signerEntry(c.signatures as Record<string, unknown>, c.key);
    if (entry === undefined) {
      out[i] = { valid: false, reason: "missing", detail: "no entry for the key" };
      return;
    }
    const d = decodeSignatureEntry(c.key, entry, keyCache);
    if (typeof d === "string") {
      out[i] = { valid: false, reason: "malformed", detail: d };
      return;
    }
    decoded.push([i, d, ctx]);
    batch.push(signatureBatchItem(d, ctx, c.hash));
  });
  const verdicts = verifyBatch(batch);
  decoded.forEach(([i, d, ctx], j) => {
    const signedAt = d.signedAt;
    if (!verdicts[j])
      out[i] = { valid: false, reason: "invalid", detail: "signature does not verify", signedAt };
    else if (d.context !== undefined && d.context !== ctx)
      out[i] = {
        valid: false,
        reason: "wrong-context",
        detail: `a valid signature for context ${d.context}, not ${ctx}`,
        signedAt,
      };
    else if (now !== undefined && signedAt > now + tolerance)
      out[i] = {
        valid: false,
        reason: "future",
        detail: `dated ${d.signed_at}, more than ${tolerance} ms after the verifier's clock`,
        signedAt,
      };
    else out[i] = { valid: true, signedAt, signed_at: d.signed_at };
  });
  return out;
}

const CONTEXTS = ["host-record", "host-claim", "attestation"] as const;
const MUTATIONS = [
  "none",
  "none",
  "none",
  "extra-field",
  "inherited-field",
  "other-context",
  "no-context",
  "bad-context",
  "short-time",
  "impossible-date",
  "future",
  "flip-signature",
  "noncanonical-signature",
  "signature-number",
  "entry-null",
  "other-hash",
  "other-key",
  "respelled-key",
  "key-number",
  "map-array",
  "map-undefined",
  "map-too-big",
  "check-context",
] as const;

/** One check of a mauled entry (and the document it came from), chosen by `mutation`. */
function mauled(
  mutation: (typeof MUTATIONS)[number],
  n: number,
  signerIndex: number,
  ctxIndex: number,
): SignerCheck {
  const signer = keys[signerIndex % keys.length]!;
  const context = CONTEXTS[ctxIndex % CONTEXTS.length]!;
  const at = mutation === "future" ? T0 + 3_600_000 : T0 + (n % 100_000) * 1000;
  const doc = signDocument({ n }, { secretKey: signer.secretKey, context, signedAt: at });
  const good = doc.signatures[signer.key]!;
  let e: Record<string, unknown> = { ...good };
  let key: unknown = signer.key;
  let hash = payloadHash(doc);
  let signatures: unknown;
  switch (mutation) {
    case "extra-field":
      e.note = n;
      break;
    case "inherited-field":
      e = Object.assign(Object.create({ note: 1 }), e); // not an own field: ignored as before
      break;
    case "other-context":
      e.context = "settings";
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
    case "impossible-date":
      e.signed_at = "2025-02-29T00:00:00.000Z";
      break;
    case "flip-signature":
      e.signature = flipBase64(good.signature, n);
      break;
    case "noncanonical-signature":
      e.signature = `${good.signature.slice(0, 85)}${String.fromCharCode(good.signature.charCodeAt(85) ^ 1)}==`;
      break;
    case "signature-number":
      e.signature = n;
      break;
    case "other-hash":
      hash = payloadHash({ n: n + 1 });
      break;
    case "other-key":
      key = keys[(signerIndex + 1) % keys.length]!.key;
      break;
    case "respelled-key":
      key = signer.key.replace(/=$/, "");
      break;
    case "key-number":
      key = n;
      break;
  }
  const entry = mutation === "entry-null" ? null : e;
  if (mutation === "map-array") signatures = [entry];
  else if (mutation === "map-undefined") signatures = undefined;
  else if (mutation === "map-too-big")
    signatures = Object.fromEntries([...Array(6).keys()].map((k) => [`k${k}`, entry]));
  else signatures = { [key as string]: entry };
  if (typeof key === "string" && mutation === "respelled-key")
    (signatures as Record<string, unknown>)[signer.key] = entry;
  const check: SignerCheck = { hash, key: key as string, signatures };
  // Checks without their own context are judged under the caller's ("host-record").
  if (mutation === "check-context") check.context = CONTEXTS[(ctxIndex + 1) % CONTEXTS.length]!;
  else if (context !== "host-record" || n % 2 === 0) check.context = context;
  return check;
}

describe("verifySigners' packed path equals the reference", () => {
  it("on random batches of mauled entries, mixed contexts and clocks", () => {
    const item = fc.tuple(fc.constantFrom(...MUTATIONS), fc.nat(), fc.nat(), fc.nat());
    fc.assert(
      fc.property(fc.array(item, { maxLength: 24 }), fc.boolean(), (items, clock) => {
        const checks = items.map(([m, n, s, c]) => mauled(m, n, s, c));
        const options = {
          context: "host-record",
          maxSignatures: 5,
          ...(clock ? { now: T0 + 100_000_000 } : {}),
        };
        expect(verifySigners(checks, options)).toStrictEqual(reference(checks, options));
      }),
      { seed: 1717, numRuns: 300 },
    );
  });

  it("past one WASM call (key-ordered) and across calls that reuse the packed buffers", () => {
    const checks: SignerCheck[] = [];
    for (let i = 0; i < 4100 + 37; i++)
      checks.push(mauled(i % 53 === 0 ? MUTATIONS[(i / 53) % MUTATIONS.length]! : "none", i, i * 7, i));
    const options = { context: "host-record", maxSignatures: 5 };
    const big = verifySigners(checks, options);
    expect(big).toStrictEqual(reference(checks, options));
    expect(big.filter((v) => v.valid).length).toBeGreaterThan(4000);
    // the same checks in slices: a reused buffer holds nothing of an earlier call
    for (let s = 0; s < checks.length; s += 1500) {
      const part = checks.slice(s, s + 1500);
      expect(verifySigners(part, options)).toStrictEqual(big.slice(s, s + 1500));
    }
  });
});

describe("the packed path's pieces", () => {
  it("writeSigningMessage writes the UTF-8 bytes of rawSigningString", () => {
    const context = fc.stringMatching(/^[a-z0-9-]{1,64}$/);
    const time = fc
      .integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 })
      .map((t) => new Date(t).toISOString());
    const hash = fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .map((b) => Buffer.from(b).toString("base64"));
    fc.assert(
      fc.property(context, time, hash, fc.nat(40), (c, t, h, at) => {
        const out = new Uint8Array(at + MAX_SIGNING_LENGTH).fill(0xee);
        const end = writeSigningMessage(c, t, h, out, at);
        expect(Buffer.from(out.subarray(at, end))).toStrictEqual(
          Buffer.from(rawSigningString(c, t, h), "utf8"),
        );
        expect(out.subarray(0, at).every((b) => b === 0xee)).toBe(true);
        expect(out.subarray(end).every((b) => b === 0xee)).toBe(true);
      }),
      { seed: 17, numRuns: 500 },
    );
  });

  it("writeSignature decodes canonical base64 of 64 bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.nat(10), (bytes, at) => {
        const out = new Uint8Array(at + 64 + 3);
        writeSignature(Buffer.from(bytes).toString("base64"), out, at);
        expect(out.subarray(at, at + 64)).toStrictEqual(bytes);
        expect(out.subarray(at + 64).every((b) => b === 0)).toBe(true);
      }),
      { seed: 18, numRuns: 300 },
    );
  });

  it("keys decode to their bytes; any other spelling is malformed as fromBase64 names it", () => {
    const entry = {
      signed_at: new Date(T0).toISOString(),
      signature: Buffer.alloc(64, 1).toString("base64"),
    };
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 31, maxLength: 33 }), fc.nat(3), (bytes, how) => {
        const canonical = Buffer.from(bytes).toString("base64");
        const key =
          how === 0
            ? canonical
            : how === 1
              ? canonical.replace(/=+$/, "")
              : how === 2
                ? Buffer.from(bytes).toString("base64url")
                : ` ${canonical}`;
        const d = decodeSignatureEntry(key, entry);
        if (bytes.length === 32 && how === 0) {
          if (typeof d === "string") throw new Error(d);
          expect(d.publicKey).toStrictEqual(new Uint8Array(bytes));
        } else {
          let why = "";
          try {
            fromBase64(key, "key", 32);
          } catch (e) {
            why = (e as Error).message;
          }
          expect(d).toBe(`key ${JSON.stringify(key.slice(0, 60))}: ${why}`);
        }
      }),
      { seed: 20, numRuns: 300 },
    );
  });

  /** Items by `nkeys` signers with some bad ones, then verifyPacked over their packed form. */
  function packedAgainstChecked(n: number, nkeys: number, long: number[]) {
    const items: VerifyItem[] = [];
    for (let i = 0; i < n; i++) {
      const s = keys[i % nkeys]!;
      const message = new Uint8Array(long.includes(i) ? 70_000 + i : 20 + (i % 90)).fill(i & 255);
      const signature = sign(message, s.secretKey);
      if (i % 13 === 5) signature[i % 64]! ^= 1;
      if (i % 29 === 7) message[0]! ^= 1;
      items.push({ publicKey: s.publicKey, message, signature });
    }
    const off = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) off[i + 1] = off[i]! + items[i]!.message.length;
    const pk = new Uint8Array(n * 32);
    const sig = new Uint8Array(n * 64);
    const msg = new Uint8Array(off[n]!);
    items.forEach((it, i) => {
      pk.set(it.publicKey, i * 32);
      sig.set(it.signature, i * 64);
      msg.set(it.message, off[i]!);
    });
    const ok = new Uint8Array(n).fill(7);
    verifyPacked(n, pk, sig, msg, off, ok);
    const want = verifyChecked(items);
    expect([...ok].map((b) => b === 1)).toStrictEqual(want);
    expect(ok.every((b) => b === 0 || b === 1)).toBe(true);
    expect(want.filter((v) => !v).length).toBeGreaterThan(0);
  }

  it("verifyPacked equals verifyChecked: in order, with streamed messages, key-ordered past one call", () => {
    packedAgainstChecked(300, 3, []);
    packedAgainstChecked(40, 2, [0, 17, 39]);
    packedAgainstChecked(4096 + 300, 4, [4100]);
    const ok = new Uint8Array(1).fill(9);
    verifyPacked(0, new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), new Uint32Array(1), ok);
    expect(ok[0]).toBe(9);
  });
});

describe("isContext's memo of several contexts", () => {
  it("answers as the pattern on interleaved valid and invalid strings, past the memo's bound", () => {
    const candidate = fc.oneof(
      fc.constantFrom("host-record", "host-claim", "attestation", "Host-Claim", "a:b", "", "a".repeat(65)),
      fc.stringMatching(/^[a-z0-9-]{1,64}$/),
      fc.string({ maxLength: 66 }),
    );
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 200 }), (values) => {
        for (const v of values) expect(isContext(v)).toBe(/^[a-z0-9-]{1,64}$/.test(v));
      }),
      { seed: 19, numRuns: 200 },
    );
    for (const v of [undefined, null, 5, {}, ["host-claim"]]) expect(isContext(v)).toBe(false);
  });
});
