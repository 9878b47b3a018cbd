// Hash-linked histories: commit ids, what a signature proves, compaction, revocation, trust, and
// every reason verifyHistory gives for a commit or a signature.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Commit,
  type CommitSignature,
  commitId,
  compact,
  type History,
  HistoryError,
  makeCommit,
  signCommit,
  verifyHistory,
} from "../../src/attest/history.js";
import { toBase64 } from "../../src/encoding.js";
import { canonicalHash } from "../../src/hash/canonical.js";
import { flipBase64, type Signer, signers, T0 } from "../attest-helpers.js";

let A: Signer;
let B: Signer;
let C: Signer;
beforeAll(async () => {
  [A, B, C] = (await signers(3)) as [Signer, Signer, Signer];
});

/** A linear chain of `n` commits by `who`, each signed by its author. */
function chain(n: number, who: () => Signer): { ids: string[]; history: History } {
  const commits = new Map<string, Commit>();
  const ids: string[] = [];
  const signatures: CommitSignature[] = [];
  for (let i = 0; i < n; i++) {
    const { id, commit } = makeCommit(ids.slice(-1), who().key, { seq: i });
    commits.set(id, commit);
    ids.push(id);
    signatures.push(signCommit(id, { secretKey: who().secretKey, signedAt: T0 + i }));
  }
  return { ids, history: { commits, signatures } };
}
const sorted = (s: Iterable<string>) => [...s].sort();

describe("commits", () => {
  it("the id is the base64 SHA-256 of the canonical commit, author included", () => {
    const { id, commit } = makeCommit([], A.key, { hello: "world" });
    expect(id).toBe(toBase64(canonicalHash({ author: A.key, parents: [], payload: { hello: "world" } })));
    expect(commitId(commit)).toBe(id);
    expect(makeCommit([], B.key, { hello: "world" }).id).not.toBe(id);
  });

  it("refuses malformed commits with HistoryError", () => {
    expect(() => makeCommit(["not-an-id"], A.key, 1)).toThrow(HistoryError);
    expect(() => makeCommit([], "not-a-key", 1)).toThrow(/author/);
    expect(() => makeCommit([], A.key, undefined)).toThrow(/payload/);
    expect(() => commitId({ parents: [], author: A.key, payload: 1, extra: 1 } as Commit)).toThrow(/exactly/);
    expect(() => signCommit("nope", { secretKey: A.secretKey })).toThrow(
      expect.objectContaining({ code: "ERR_HASH" }),
    );
  });
});

describe("linear chains (the lock log)", () => {
  it("the newest signature proves the whole chain; compact keeps only it", () => {
    const { ids, history } = chain(10, () => A);
    const full = verifyHistory(history);
    expect(sorted(full.proven)).toEqual(sorted(ids));
    expect(full.unproven).toEqual([]);
    expect(full.missing).toEqual([]);
    const small = compact(history);
    expect(small.signatures).toEqual([history.signatures[9]]);
    expect(sorted(verifyHistory(small).proven)).toEqual(sorted(ids));
  });

  it("an edited commit is a hash mismatch and cuts the proof of everything below it", () => {
    const { ids, history } = chain(10, () => A);
    const small = compact(history);
    const commits = new Map(history.commits);
    commits.set(ids[3]!, { ...commits.get(ids[3]!)!, payload: { seq: 3, edited: true } });
    const r = verifyHistory({ commits, signatures: small.signatures });
    expect(sorted(r.proven)).toEqual(sorted(ids.slice(4)));
    expect(r.unproven).toEqual(
      sorted(ids.slice(0, 4)).map((commit) => ({
        commit,
        reason: commit === ids[3] ? "hash-mismatch" : "unsigned",
      })),
    );
    // with every signature kept, commits below the edit stay proven by their own signatures, and
    // compacting the edited history keeps the signature that proves them
    const edited = { commits, signatures: history.signatures };
    expect(sorted(verifyHistory(edited).proven)).toEqual(sorted(ids.filter((id) => id !== ids[3])));
    const again = compact(edited);
    expect(again.signatures.map((s) => ids.indexOf(s.commit))).toEqual([2, 9]);
    expect(sorted(verifyHistory(again).proven)).toEqual(sorted(verifyHistory(edited).proven));
  });

  it("a dropped signature leaves the commits only it covered unsigned", () => {
    const { ids, history } = chain(5, () => A);
    const r = verifyHistory({ commits: history.commits, signatures: history.signatures.slice(0, 2) });
    expect(sorted(r.proven)).toEqual(sorted(ids.slice(0, 2)));
    expect(r.unproven.map((u) => u.reason)).toEqual(["unsigned", "unsigned", "unsigned"]);
  });

  it("a pruned start (retention) is listed as missing, not as a failure", () => {
    const { ids, history } = chain(6, () => A);
    const commits = new Map([...history.commits].slice(3));
    const r = verifyHistory({ commits, signatures: history.signatures.slice(-1) });
    expect(sorted(r.proven)).toEqual(sorted(ids.slice(3)));
    expect(r.missing).toEqual([ids[2]]);
  });
});

describe("DAGs with several authors", () => {
  it("a signature proves only its signer's commits below it; others need their own", () => {
    const a1 = makeCommit([], A.key, "a1");
    const b1 = makeCommit([], B.key, "b1");
    const a2 = makeCommit([a1.id, b1.id], A.key, "a2");
    const b2 = makeCommit([a2.id], B.key, "b2"); // A signs B's commit: covers a1, a2 only
    const commits = new Map([a1, b1, a2, b2].map((c) => [c.id, c.commit] as const));
    const sigA = signCommit(b2.id, { secretKey: A.secretKey, signedAt: T0 });
    const r = verifyHistory({ commits, signatures: [sigA] });
    expect(sorted(r.proven)).toEqual(sorted([a1.id, a2.id]));
    expect(sorted(r.unproven.map((u) => u.commit))).toEqual(sorted([b1.id, b2.id]));
    const sigB = signCommit(b2.id, { secretKey: B.secretKey, signedAt: T0 });
    const oldA = signCommit(a1.id, { secretKey: A.secretKey, signedAt: T0 });
    const h = { commits, signatures: [oldA, sigA, sigB] };
    expect(verifyHistory(h).proven.size).toBe(4);
    expect(compact(h).signatures).toEqual([sigA, sigB]);
  });

  it("two branches of one author keep both tips' signatures", () => {
    const root = makeCommit([], A.key, "root");
    const left = makeCommit([root.id], A.key, "left");
    const right = makeCommit([root.id], A.key, "right");
    const commits = new Map([root, left, right].map((c) => [c.id, c.commit] as const));
    const sigs = [root, left, right].map((c, i) =>
      signCommit(c.id, { secretKey: A.secretKey, signedAt: T0 + i }),
    );
    const small = compact({ commits, signatures: sigs });
    expect(small.signatures).toEqual(sigs.slice(1));
    expect(verifyHistory(small).proven.size).toBe(3);
  });

  it("compact keeps one signature per signed commit: the earliest", () => {
    const c = makeCommit([], A.key, 1);
    const late = signCommit(c.id, { secretKey: A.secretKey, signedAt: T0 + 5 });
    const early = signCommit(c.id, { secretKey: A.secretKey, signedAt: T0 });
    const h = { commits: new Map([[c.id, c.commit]]), signatures: [late, early] };
    expect(compact(h).signatures).toEqual([early]);
  });
});

describe("revocation", () => {
  it("keeps the proof of the author's work before the revocation commit", () => {
    const { ids, history } = chain(10, () => A);
    const revoked = new Map([[A.key, ids[5]!]]);
    const h = compact(history, { revoked });
    expect(sorted(h.signatures.map((s) => s.commit))).toEqual(sorted([ids[5]!, ids[9]!]));
    const r = verifyHistory(h, { revoked });
    expect(sorted(r.proven)).toEqual(sorted(ids.slice(0, 6)));
    expect(r.unproven.map((u) => u.reason)).toEqual(["revoked", "revoked", "revoked", "revoked"]);
    expect(r.ignored).toEqual([
      {
        index: 1,
        signature: h.signatures[1],
        reason: "revoked",
        detail: "signed outside the revocation's ancestry",
      },
    ]);
    // compact() that does not know the revocation keeps only the newest signature, which the
    // revocation then disqualifies: compact with every revocation you know
    expect(verifyHistory(compact(history), { revoked }).proven.size).toBe(0);
    // and the revocation-aware compaction still proves everything when nobody is revoked
    expect(verifyHistory(h).proven.size).toBe(10);
  });

  it("a fork signed with the revoked key after the revocation proves nothing new", () => {
    const { ids, history } = chain(6, () => A);
    const forged = makeCommit([ids[4]!], A.key, { seq: 5, forged: true });
    const commits = new Map(history.commits).set(forged.id, forged.commit);
    const sig = signCommit(forged.id, { secretKey: A.secretKey, signedAt: T0 + 100 });
    const revoked = new Map([[A.key, ids[5]!]]);
    const r = verifyHistory({ commits, signatures: [history.signatures[5]!, sig] }, { revoked });
    expect(r.proven.has(forged.id)).toBe(false);
    expect(r.unproven).toEqual([{ commit: forged.id, reason: "revoked" }]);
    expect(r.proven.size).toBe(6);
  });

  it("a revocation commit absent from the history disqualifies all of the author's signatures", () => {
    const { history } = chain(3, () => A);
    const r = verifyHistory(history, { revoked: new Map([[A.key, toBase64(new Uint8Array(32))]]) });
    expect(r.proven.size).toBe(0);
    expect(new Set(r.unproven.map((u) => u.reason))).toEqual(new Set(["revoked"]));
  });
});

describe("trust and bad signatures", () => {
  it("only trusted authors' signatures count when a trusted set is given", () => {
    const { ids, history } = chain(3, () => B);
    const r = verifyHistory(history, { trusted: [A.key] });
    expect(r.proven.size).toBe(0);
    expect(r.unproven).toEqual(sorted(ids).map((commit) => ({ commit, reason: "untrusted" })));
    expect(r.ignored.map((i) => i.reason)).toEqual(["untrusted", "untrusted", "untrusted"]);
    expect(verifyHistory(history, { trusted: [B.key] }).proven.size).toBe(3);
  });

  it("reports malformed, unknown-commit and invalid signatures by index", () => {
    const { id, commit } = makeCommit([], B.key, {});
    const sig = signCommit(id, { secretKey: B.secretKey, signedAt: T0 });
    const other = makeCommit([], C.key, "elsewhere").id;
    const signatures = [
      sig,
      { ...sig, commit: other },
      { ...sig, signature: flipBase64(sig.signature, 7) },
      { ...sig, author: "bad" },
      { ...sig, signed_at: "2025-02-18T17:01:27Z" },
      { ...sig, signature: 12 },
      { ...sig, extra: 1 },
      null,
      { ...sig, author: A.key },
    ] as unknown as CommitSignature[];
    const r = verifyHistory({ commits: new Map([[id, commit]]), signatures });
    expect(r.proven).toEqual(new Set([id]));
    expect(r.ignored.map((i) => [i.index, i.reason])).toEqual([
      [1, "unknown-commit"],
      [2, "invalid"],
      [3, "malformed"],
      [4, "malformed"],
      [5, "malformed"],
      [6, "malformed"],
      [7, "malformed"],
      [8, "invalid"],
    ]);
    // compaction drops what proves nothing but keeps what it cannot judge (unknown commits)
    expect(compact({ commits: new Map([[id, commit]]), signatures }).signatures).toEqual([
      sig,
      signatures[1],
    ]);
  });

  it("signatures are bound to their context", () => {
    const { id, commit } = makeCommit([], A.key, 1);
    const sig = signCommit(id, { secretKey: A.secretKey, signedAt: T0, context: "lock-entry" });
    const h = { commits: new Map([[id, commit]]), signatures: [sig] };
    expect(verifyHistory(h, { context: "lock-entry" }).proven.size).toBe(1);
    expect(verifyHistory(h).ignored.map((i) => i.reason)).toEqual(["invalid"]);
    expect(compact(h, { context: "lock-entry" }).signatures).toEqual([sig]);
    expect(compact(h).signatures).toEqual([]);
  });
});

describe("hostile histories", () => {
  it("malformed commits are reported, not thrown", () => {
    const good = makeCommit([], A.key, 1);
    const entries: [unknown, unknown][] = [
      [good.id, good.commit],
      ["x1", null],
      ["x2", { parents: "none", author: A.key, payload: 1 }],
      ["x3", { parents: [5], author: A.key, payload: 1 }],
      ["x4", { parents: [], author: "me", payload: 1 }],
      ["x5", { parents: [], author: A.key }],
      ["x6", { parents: [], author: A.key, payload: () => 1 }],
      ["x7", { parents: [], author: A.key, payload: 1, more: 2 }],
      [7, good.commit],
      ["__proto__", { parents: [], author: A.key, payload: 1 }],
    ];
    const commits = new Map(entries) as unknown as Map<string, Commit>;
    const sig = signCommit(good.id, { secretKey: A.secretKey, signedAt: T0 });
    const r = verifyHistory({ commits, signatures: [sig] });
    expect(r.proven).toEqual(new Set([good.id]));
    const reasons = Object.fromEntries(r.unproven.map((u) => [u.commit, u.reason]));
    expect(reasons).toEqual({
      x1: "malformed",
      x2: "malformed",
      x3: "malformed",
      x4: "malformed",
      x5: "malformed",
      x6: "malformed",
      x7: "malformed",
      "7": "malformed",
      ["__proto__"]: "hash-mismatch",
    });
    expect(compact({ commits, signatures: [sig] }).signatures).toEqual([sig]);
  });

  it("hashes each commit exactly as canonicalize writes it, unusual ones included", () => {
    const nest = (n: number): unknown => (n === 0 ? "leaf" : { n: nest(n - 1) });
    const payloads: unknown[] = [
      { text: 'quote " backslash \\ newline \n tab \t nul \u0000', "é key": "Zürich — ☃ 😀" },
      [1e21, -0, 0.1, 5e-324, true, null],
      nest(127), // the commit adds one level: 128 in all, the limit
    ];
    const made = payloads.map((p) => makeCommit([], A.key, p));
    const bare = Object.assign(Object.create(null), made[0]!.commit) as Commit; // a plain object too
    const entries: [string, Commit][] = [
      ...made.map((m): [string, Commit] => [m.id, m.commit]),
      [made[0]!.id, bare],
    ];
    for (const [id, commit] of entries) {
      const r = verifyHistory({
        commits: new Map([[id, commit]]),
        signatures: [signCommit(id, { secretKey: A.secretKey, signedAt: T0 })],
      });
      expect(r.proven).toEqual(new Set([id]));
    }
    // Too deep by one level, or a symbol key: not canonical JSON — malformed,
    // and the other commits of the same history are still judged (the batch falls back).
    const good = makeCommit([], A.key, 1);
    const deep = { parents: [], author: A.key, payload: nest(128) };
    const sym = { parents: [], author: A.key, payload: 1, [Symbol("s")]: 1 };
    const commits = new Map<string, Commit>([
      [good.id, good.commit],
      ["deep", deep as Commit],
      ["sym", sym as Commit],
    ]);
    const r = verifyHistory({
      commits,
      signatures: [signCommit(good.id, { secretKey: A.secretKey, signedAt: T0 })],
    });
    expect(r.proven).toEqual(new Set([good.id]));
    expect(r.unproven).toEqual([
      { commit: "deep", reason: "malformed" },
      { commit: "sym", reason: "malformed" },
    ]);
  });

  it("a parent cycle among edited commits terminates", () => {
    const a = makeCommit([], A.key, 1);
    const b = makeCommit([a.id], A.key, 2);
    const commits = new Map([
      [a.id, { ...a.commit, parents: [b.id] }],
      [b.id, b.commit],
    ]);
    const sig = signCommit(b.id, { secretKey: A.secretKey, signedAt: T0 });
    const r = verifyHistory({ commits, signatures: [sig] });
    expect(r.proven).toEqual(new Set([b.id]));
    expect(r.unproven).toEqual([{ commit: a.id, reason: "hash-mismatch" }]);
  });

  it("unusable arguments are TypeErrors", () => {
    expect(() => verifyHistory(null as unknown as History)).toThrow(TypeError);
    expect(() => verifyHistory({ commits: {}, signatures: [] } as unknown as History)).toThrow(
      "history.commits: expected a Map",
    );
    expect(() => verifyHistory({ commits: new Map(), signatures: {} } as unknown as History)).toThrow(
      TypeError,
    );
    expect(() =>
      verifyHistory({ commits: new Map(), signatures: [] }, { revoked: {} as Map<string, string> }),
    ).toThrow(TypeError);
    expect(() => compact({ commits: new Map(), signatures: [] }, { context: "Nope" })).toThrow(/context/);
  });
});
