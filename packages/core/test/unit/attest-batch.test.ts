// verifyDocuments, mergeSignatures and verifyHistory make ONE verifyBatch call (verifyChecked,
// its internal form without the defensive copy, counts as one; and one batch hashing call:
// canonicalHashBatch, or sha256Texts for commits) however many documents and signatures they check.
import { beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("../../src/ed25519/verify.js", async (importOriginal) => {
  const m = await importOriginal<typeof import("../../src/ed25519/verify.js")>();
  return { ...m, verifyBatch: vi.fn(m.verifyBatch), verifyChecked: vi.fn(m.verifyChecked) };
});
vi.mock("../../src/hash/canonical.js", async (importOriginal) => {
  const m = await importOriginal<typeof import("../../src/hash/canonical.js")>();
  return {
    ...m,
    canonicalHash: vi.fn(m.canonicalHash),
    canonicalHashBatch: vi.fn(m.canonicalHashBatch),
    sha256Texts: vi.fn(m.sha256Texts),
  };
});

const verify = await import("../../src/ed25519/verify.js");
/** Batch verification calls since the last clear, through either entry point, and their sizes. */
const batchCalls = () => [
  ...vi.mocked(verify.verifyBatch).mock.calls.map((c) => c[0].length),
  ...vi.mocked(verify.verifyChecked).mock.calls.map((c) => c[0].length),
];
const clearBatchCalls = () => {
  vi.mocked(verify.verifyBatch).mockClear();
  vi.mocked(verify.verifyChecked).mockClear();
};
const { canonicalHash, canonicalHashBatch, sha256Texts } = await import("../../src/hash/canonical.js");
const { signDocument } = await import("../../src/attest/signing.js");
const { verifyDocuments } = await import("../../src/attest/verify.js");
const { mergeSignatures } = await import("../../src/attest/chronology.js");
const { makeCommit, signCommit, verifyHistory } = await import("../../src/attest/history.js");
const { signers, T0 } = await import("../attest-helpers.js");

let keys: Awaited<ReturnType<typeof signers>>;
beforeAll(async () => {
  keys = await signers(3);
});

describe("one batch call", () => {
  it("verifyDocuments: 50 documents × 3 signatures → 1 verifyBatch of 150 items, 1 canonicalHashBatch", () => {
    const docs = Array.from({ length: 50 }, (_, i) => {
      let d: object = { i };
      for (const k of keys)
        d = signDocument(d, { secretKey: k.secretKey, context: "attestation", signedAt: T0 + i });
      return d;
    });
    clearBatchCalls();
    vi.mocked(canonicalHashBatch).mockClear();
    const reports = verifyDocuments(docs, {
      trusted: [keys[0]!.key, keys[1]!.key],
      context: "attestation",
      now: T0,
    });
    expect(batchCalls()).toEqual([150]);
    expect(vi.mocked(canonicalHashBatch)).toHaveBeenCalledTimes(1);
    expect(reports.every((r, i) => r.time === T0 + i && r.valid.length === 2 && r.ignored.length === 1)).toBe(
      true,
    );
  });

  it("verifyDocuments with no well-formed signature makes no verifyBatch call", () => {
    clearBatchCalls();
    verifyDocuments([{ signatures: { x: 1 } }, {}], { trusted: [], context: "attestation", now: T0 });
    expect(batchCalls()).toEqual([]);
  });

  it("mergeSignatures and verifyHistory: one call each", () => {
    const a = signDocument({ n: 1 }, { secretKey: keys[0]!.secretKey, context: "attestation", signedAt: T0 });
    const b = signDocument({ n: 1 }, { secretKey: keys[1]!.secretKey, context: "attestation", signedAt: T0 });
    clearBatchCalls();
    mergeSignatures([a, b, a], { context: "attestation" });
    expect(batchCalls()).toHaveLength(1);
    const c1 = makeCommit([], keys[0]!.key, 1);
    const c2 = makeCommit([c1.id], keys[1]!.key, 2);
    clearBatchCalls();
    vi.mocked(canonicalHash).mockClear();
    vi.mocked(sha256Texts).mockClear();
    verifyHistory({
      commits: new Map([
        [c1.id, c1.commit],
        [c2.id, c2.commit],
      ]),
      signatures: [
        signCommit(c1.id, { secretKey: keys[0]!.secretKey }),
        signCommit(c2.id, { secretKey: keys[1]!.secretKey }),
      ],
    });
    expect(batchCalls()).toHaveLength(1);
    expect(vi.mocked(sha256Texts)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(sha256Texts).mock.calls[0]![0]).toBe(2);
    expect(vi.mocked(canonicalHash)).not.toHaveBeenCalled();
  });
});
