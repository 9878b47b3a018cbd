// Properties of the signing rule, signature-map merging and history compaction.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { mergeSignatures, timeOf } from "../../src/attest/chronology.js";
import {
  type Commit,
  type CommitSignature,
  commitId,
  compact,
  type History,
  makeCommit,
  signCommit,
  verifyHistory,
} from "../../src/attest/history.js";
import { signDocument } from "../../src/attest/signing.js";
import { verifyDocuments } from "../../src/attest/verify.js";
import { toBase64 } from "../../src/encoding.js";
import { initKeys, type KeyPair, keyPairFromSeed } from "../../src/keys/sodium.js";

let keys: KeyPair[] = [];
const T0 = Date.UTC(2025, 0, 1);
beforeAll(async () => {
  await initKeys();
  keys = [1, 2, 3, 4].map((i) => keyPairFromSeed(new Uint8Array(32).fill(i)));
});
const pk = (i: number) => toBase64(keys[i]!.publicKey);

describe("signing rule properties", () => {
  it("any change to payload, signed_at, context or signature invalidates", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ maxLength: 5 }).filter((k) => k !== "signatures"),
          fc.jsonValue({ maxDepth: 2 }),
          { minKeys: 1, maxKeys: 4 },
        ),
        fc.integer({ min: 0, max: 3 }),
        fc.nat(1000),
        (payload, change, n) => {
          const base = JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
          const doc = signDocument(base, {
            secretKey: keys[0]!.secretKey,
            context: "attestation",
            signedAt: T0,
          });
          const entry = doc.signatures[pk(0)]!;
          const opts = { trusted: [pk(0)], context: "attestation", now: T0 + 1 };
          expect(verifyDocuments([doc], opts)[0]!.time).toBe(T0);
          let mutated: object;
          if (change === 0) mutated = { ...doc, __changed: n };
          else if (change === 1)
            mutated = {
              ...doc,
              signatures: { [pk(0)]: { ...entry, signed_at: new Date(T0 - 1 - n).toISOString() } },
            };
          else if (change === 2)
            mutated = { ...doc, signatures: { [pk(0)]: { ...entry, context: undefined } } };
          else {
            const sig = Buffer.from(entry.signature, "base64");
            sig[n % 64]! ^= 1 << (n % 8);
            mutated = { ...doc, signatures: { [pk(0)]: { ...entry, signature: sig.toString("base64") } } };
          }
          if (change === 2) {
            // Dropping the context label makes the signature verify under the requested context only.
            const wrongCtx = verifyDocuments([mutated], { ...opts, context: "settings" })[0]!;
            expect(wrongCtx.time).toBeUndefined();
            expect(wrongCtx.ignored[0]!.reason).toBe("invalid");
          } else {
            const r = verifyDocuments([mutated], opts)[0]!;
            expect(r.time).toBeUndefined();
            expect(r.ignored.map((i) => i.reason)).toEqual(["invalid"]);
          }
        },
      ),
      { seed: 1, numRuns: 200 },
    );
  });

  it("signature-map merge is commutative, associative and idempotent; timeOf ignores merge order", () => {
    const payload = { claim: "mors.nether" };
    const entry = fc.record({ signer: fc.nat(3), at: fc.nat(50), forge: fc.boolean() });
    const copy = fc.array(entry, { maxLength: 4 }).map((entries) => {
      let doc: object = { ...payload };
      for (const e of entries) {
        doc = signDocument(doc, {
          secretKey: keys[e.signer]!.secretKey,
          context: "attestation",
          signedAt: T0 + e.at * 1000,
        });
        if (e.forge) {
          const m = { ...(doc as { signatures: Record<string, { signed_at: string }> }).signatures };
          m[pk(e.signer)] = { ...m[pk(e.signer)]!, signed_at: new Date(T0 - 1000).toISOString() };
          doc = { ...doc, signatures: m };
        }
      }
      return doc;
    });
    const canon = (d: object) => JSON.stringify((d as { signatures?: object }).signatures ?? {});
    const m = (...docs: object[]) => mergeSignatures("attestation", ...docs);
    const opts = { trusted: [pk(0), pk(1)], context: "attestation", now: T0 + 10_000_000 };
    fc.assert(
      fc.property(copy, copy, copy, (a, b, c) => {
        expect(canon(m(a, b))).toBe(canon(m(b, a)));
        expect(canon(m(m(a, b), c))).toBe(canon(m(a, m(b, c))));
        expect(canon(m(a, a))).toBe(canon(m(a)));
        const t1 = timeOf(verifyDocuments([m(m(a, b), c)], opts)[0]!);
        const t2 = timeOf(verifyDocuments([m(c, m(b, a))], opts)[0]!);
        expect(t1).toBe(t2);
      }),
      { seed: 2, numRuns: 60 },
    );
  });
});

/** A random DAG of commits by up to three authors, with signatures on random commits. */
function randomHistory(shape: { parents: number[]; author: number; signed: boolean }[]): History {
  const commits = new Map<string, Commit>();
  const ids: string[] = [];
  const signatures: CommitSignature[] = [];
  shape.forEach((s, i) => {
    const parents = [...new Set(s.parents.filter(() => i > 0).map((p) => ids[p % i]!))];
    const { id, commit } = makeCommit(parents, pk(s.author), { i });
    commits.set(id, commit);
    ids.push(id);
    if (s.signed) signatures.push(signCommit(id, { secretKey: keys[s.author]!.secretKey, signedAt: T0 + i }));
  });
  return { commits, signatures };
}

const shapeArb = fc.array(
  fc.record({ parents: fc.array(fc.nat(), { maxLength: 2 }), author: fc.nat(2), signed: fc.boolean() }),
  {
    minLength: 1,
    maxLength: 25,
  },
);

describe("history compaction properties", () => {
  it("compaction never changes what verifyHistory proves", () => {
    fc.assert(
      fc.property(shapeArb, (shape) => {
        const h = randomHistory(shape);
        const full = verifyHistory(h);
        const small = compact(h);
        expect(small.signatures.length).toBeLessThanOrEqual(h.signatures.length);
        expect([...verifyHistory(small).proven].sort()).toEqual([...full.proven].sort());
      }),
      { seed: 3, numRuns: 100 },
    );
  });

  it("an edited commit, or a dropped signature that was needed, is reported", () => {
    fc.assert(
      fc.property(shapeArb, fc.nat(), (shape, pick) => {
        const h = compact(randomHistory(shape));
        const proven = verifyHistory(h).proven;
        const ids = [...h.commits.keys()];
        const target = ids[pick % ids.length]!;
        // edit the commit's payload, keep its id
        const edited = new Map(h.commits);
        edited.set(target, { ...h.commits.get(target)!, payload: { edited: true } });
        const r = verifyHistory({ commits: edited, signatures: h.signatures });
        expect(r.proven.has(target)).toBe(false);
        expect(r.unproven).toContainEqual({ commit: target, reason: "hash-mismatch" });
        // drop one kept signature: every commit only it proved becomes unproven
        if (h.signatures.length > 0) {
          const drop = h.signatures[pick % h.signatures.length]!;
          const r2 = verifyHistory({
            commits: h.commits,
            signatures: h.signatures.filter((s) => s !== drop),
          });
          expect(r2.proven.has(drop.commit) && h.commits.get(drop.commit)!.author === drop.author).toBe(
            false,
          );
          for (const u of r2.unproven)
            expect(proven.has(u.commit) ? u.reason : "no-signature").toBe("no-signature");
        }
      }),
      { seed: 4, numRuns: 100 },
    );
  });
});

describe("histories", () => {
  it("a linear chain needs one signature; revocation keeps the proof of earlier work", () => {
    const ids: string[] = [];
    const commits = new Map<string, Commit>();
    const signatures: CommitSignature[] = [];
    for (let i = 0; i < 10; i++) {
      const { id, commit } = makeCommit(ids.slice(-1), pk(0), { seq: i });
      commits.set(id, commit);
      ids.push(id);
      signatures.push(signCommit(id, { secretKey: keys[0]!.secretKey, signedAt: T0 + i }));
    }
    const revoked = new Map([[pk(0), ids[5]!]]);
    const h = compact({ commits, signatures }, { revoked });
    expect(h.signatures.map((s) => s.commit).sort()).toEqual([ids[5]!, ids[9]!].sort());
    const r = verifyHistory(h, { revoked });
    expect([...r.proven].sort()).toEqual(ids.slice(0, 6).sort());
    expect(r.unproven.map((u) => u.reason)).toEqual(["revoked", "revoked", "revoked", "revoked"]);
    // without the revocation, the newest signature alone proves the chain
    expect(verifyHistory(compact({ commits, signatures })).proven.size).toBe(10);
    expect(commitId(commits.get(ids[3]!)!)).toBe(ids[3]);
  });

  it("reports unknown commits, bad signatures and missing parents", () => {
    const { id, commit } = makeCommit(["missing-parent-id"], pk(1), {});
    const sig = signCommit(id, { secretKey: keys[1]!.secretKey, signedAt: T0 });
    const r = verifyHistory({
      commits: new Map([[id, commit]]),
      signatures: [
        sig,
        { ...sig, commit: "nope" },
        { ...sig, signature: sig.signature.replace(/^./, "A") },
        { ...sig, author: "bad" },
      ],
    });
    expect(r.proven.has(id)).toBe(true);
    expect(r.badSignatures.map((b) => b.reason).sort()).toEqual(["invalid", "malformed", "unknown-commit"]);
    const r2 = verifyHistory({ commits: new Map([[id, commit]]), signatures: [] });
    expect(r2.unproven).toEqual([{ commit: id, reason: "missing-parent" }]);
  });
});
