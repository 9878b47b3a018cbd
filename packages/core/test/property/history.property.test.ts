// Properties of hash-linked histories: verifyHistory agrees with a naive model of what signatures
// prove; compaction never changes what is proven (with edits, corrupted signatures, revocations and
// trust sets); any edited commit or dropped needed signature is reported.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Commit,
  type CommitSignature,
  compact,
  type History,
  type HistoryOptions,
  makeCommit,
  signCommit,
  verifyHistory,
} from "../../src/attest/history.js";
import { flipBase64, type Signer, signers, T0 } from "../attest-helpers.js";

let keys: Signer[] = [];
beforeAll(async () => {
  keys = await signers(3);
});

interface Scenario {
  history: History;
  ids: string[];
  edited: Set<string>;
  /** Signatures known valid (by construction). */
  good: Set<CommitSignature>;
  options: HistoryOptions;
}

const scenarioArb = fc.record({
  shape: fc.array(fc.record({ parents: fc.array(fc.nat(), { maxLength: 3 }), author: fc.nat(2) }), {
    minLength: 1,
    maxLength: 20,
  }),
  sigs: fc.array(fc.record({ at: fc.nat(), signer: fc.nat(2), own: fc.boolean(), corrupt: fc.nat(9) }), {
    maxLength: 15,
  }),
  edits: fc.array(fc.nat(), { maxLength: 2 }),
  revoked: fc.option(fc.record({ author: fc.nat(2), at: fc.nat() }), { nil: undefined }),
  trusted: fc.option(fc.subarray([0, 1, 2]), { nil: undefined }),
});

type Raw = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function build(s: Raw): Scenario {
  const commits = new Map<string, Commit>();
  const ids: string[] = [];
  s.shape.forEach((c, i) => {
    const parents = i === 0 ? [] : [...new Set(c.parents.map((p) => ids[p % i]!))];
    const { id, commit } = makeCommit(parents, keys[c.author]!.key, { i });
    commits.set(id, commit);
    ids.push(id);
  });
  const signatures: CommitSignature[] = [];
  const good = new Set<CommitSignature>();
  s.sigs.forEach((g, k) => {
    const id = ids[g.at % ids.length]!;
    // mostly the commit's own author signs; sometimes another signer
    const signer = g.own ? keys.findIndex((x) => x.key === commits.get(id)!.author) : g.signer;
    const sig = signCommit(id, { secretKey: keys[signer]!.secretKey, signedAt: T0 + k });
    if (g.corrupt === 0) signatures.push({ ...sig, signature: flipBase64(sig.signature, k) });
    else {
      signatures.push(sig);
      good.add(sig);
    }
  });
  const edited = new Set<string>();
  for (const e of s.edits) {
    const id = ids[e % ids.length]!;
    commits.set(id, { ...commits.get(id)!, payload: { edited: e } });
    edited.add(id);
  }
  const options: HistoryOptions = {};
  if (s.revoked) options.revoked = new Map([[keys[s.revoked.author]!.key, ids[s.revoked.at % ids.length]!]]);
  if (s.trusted) options.trusted = s.trusted.map((i) => keys[i]!.key);
  return { history: { commits, signatures }, ids, edited, good, options };
}

/** The model: per commit, walk from each valid signature (naively), following intact commits. */
function model(sc: Scenario): Set<string> {
  const { commits } = sc.history;
  const below = (from: string) => {
    const out = new Set<string>();
    const go = (x: string) => {
      if (out.has(x) || !commits.has(x)) return;
      out.add(x);
      if (!sc.edited.has(x)) for (const p of commits.get(x)!.parents) go(p);
    };
    go(from);
    return out;
  };
  const proven = new Set<string>();
  for (const s of sc.history.signatures) {
    if (!sc.good.has(s)) continue;
    if (sc.options.trusted && !new Set(sc.options.trusted).has(s.author)) continue;
    const r = sc.options.revoked?.get(s.author);
    if (r !== undefined && !below(r).has(s.commit)) continue;
    for (const c of below(s.commit))
      if (!sc.edited.has(c) && commits.get(c)!.author === s.author) proven.add(c);
  }
  return proven;
}

const sorted = (s: Iterable<string>) => [...s].sort();

describe("history properties", () => {
  it("verifyHistory proves exactly what the naive model proves", () => {
    fc.assert(
      fc.property(scenarioArb, (raw) => {
        const sc = build(raw);
        const r = verifyHistory(sc.history, sc.options);
        expect(sorted(r.proven)).toEqual(sorted(model(sc)));
        expect(r.proven.size + r.unproven.length).toBe(sc.history.commits.size);
        for (const u of r.unproven) if (sc.edited.has(u.commit)) expect(u.reason).toBe("hash-mismatch");
        for (const id of sc.edited) expect(r.proven.has(id)).toBe(false);
      }),
      { seed: 41, numRuns: 250 },
    );
  });

  it("compaction never changes what verifyHistory proves, or why a commit is unproven", () => {
    fc.assert(
      fc.property(scenarioArb, (raw) => {
        const sc = build(raw);
        const full = verifyHistory(sc.history, sc.options);
        const small = compact(sc.history, { ...(sc.options.revoked ? { revoked: sc.options.revoked } : {}) });
        expect(small.signatures.length).toBeLessThanOrEqual(sc.history.signatures.length);
        const after = verifyHistory(small, sc.options);
        expect(sorted(after.proven)).toEqual(sorted(full.proven));
        expect(after.unproven).toEqual(full.unproven);
        // compaction is idempotent
        expect(
          compact(small, { ...(sc.options.revoked ? { revoked: sc.options.revoked } : {}) }).signatures,
        ).toEqual(small.signatures);
        // and keeps at most one signature per (author, commit), never an invalid one
        const pairs = small.signatures.map((s) => `${s.author}|${s.commit}`);
        expect(new Set(pairs).size).toBe(pairs.length);
        for (const s of small.signatures) expect(sc.good.has(s)).toBe(true);
      }),
      { seed: 42, numRuns: 250 },
    );
  });

  it("an edited commit, or a dropped signature that was needed, is reported", () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), (raw, pick) => {
        const sc = build({ ...raw, edits: [], revoked: undefined, trusted: undefined });
        const h = compact(sc.history);
        const proven = verifyHistory(h).proven;
        // edit one commit's payload, keep its id
        const target = sc.ids[pick % sc.ids.length]!;
        const commits = new Map(h.commits).set(target, {
          ...h.commits.get(target)!,
          payload: { edited: true },
        });
        const r = verifyHistory({ commits, signatures: h.signatures });
        expect(r.unproven).toContainEqual({ commit: target, reason: "hash-mismatch" });
        for (const id of r.proven) expect(proven.has(id)).toBe(true);
        // drop one kept signature: what it alone proved is reported unsigned
        if (h.signatures.length === 0) return;
        const drop = h.signatures[pick % h.signatures.length]!;
        const r2 = verifyHistory({ commits: h.commits, signatures: h.signatures.filter((s) => s !== drop) });
        if (h.commits.get(drop.commit)!.author === drop.author) {
          expect(r2.proven.has(drop.commit)).toBe(false);
          expect(r2.unproven).toContainEqual({ commit: drop.commit, reason: "unsigned" });
        }
        for (const u of r2.unproven) if (proven.has(u.commit)) expect(u.reason).toBe("unsigned");
      }),
      { seed: 43, numRuns: 200 },
    );
  });
});
