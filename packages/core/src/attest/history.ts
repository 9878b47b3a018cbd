// Hash-linked histories with signature compaction. A commit is { parents, author, payload }; its
// id is the base64 SHA-256 of its canonical JSON (the author is inside the hash). Signatures sit
// beside the graph as { commit, author, signed_at, signature }: the signing rule with the commit
// as payload, so the signed hash is the commit id (context `commit` unless the caller names one).
//
// What a signature proves: a valid signature by A on commit X proves every commit authored by A
// that is reachable from X through intact commits (X included) — a commit whose stored content
// does not hash to its id is not intact, and its parent links are not followed. An author revoked
// at commit R keeps only signatures on commits reachable from R (inclusive): the work before the
// revocation stays provable; signatures made elsewhere prove nothing.
//
// compact() drops what proves nothing more: invalid or malformed signatures, duplicates per
// (author, commit), and signatures on a commit reachable (through intact commits) from another
// of the same author's signed commits. With revocations it also keeps the newest signatures inside
// each revocation's ancestry, so verifyHistory proves exactly the same before and after.
import { toBase64 } from "../encoding.js";
import { ChronosealError } from "../errors.js";
import { canonicalHash } from "../hash/canonical.js";
import {
  type Analysis,
  analyze,
  commitShapeError,
  intactCommit,
  isIntact,
  type Reached,
  reach,
} from "./history-graph.js";
import { assertContext } from "./shapes.js";
import { type SignOptions, signHash } from "./signing.js";

export interface Commit {
  /** Commit ids (base64 SHA-256). */
  parents: string[];
  /** base64 public key of the author. */
  author: string;
  payload: unknown;
}

export interface CommitSignature {
  /** The signed commit's id. */
  commit: string;
  /** base64 public key of the signer. */
  author: string;
  signed_at: string;
  signature: string;
}

export interface History {
  /** Commits by id: the id a commit is stored under is what parents and signatures name. */
  commits: ReadonlyMap<string, Commit>;
  signatures: readonly CommitSignature[];
}

export class HistoryError extends ChronosealError {
  constructor(message: string) {
    super("ERR_HISTORY", message);
    this.name = "HistoryError";
  }
}

export const COMMIT_CONTEXT = "commit";

/** The id of a commit: base64 SHA-256 of its canonical JSON. */
export function commitId(commit: Commit): string {
  const why = commitShapeError(commit);
  if (why) throw new HistoryError(`commit: ${why}`);
  return toBase64(canonicalHash(commit));
}

/** Makes a commit and returns it with its id. */
export function makeCommit(
  parents: readonly string[],
  author: string,
  payload: unknown,
): { id: string; commit: Commit } {
  const commit: Commit = { parents: [...parents], author, payload };
  return { id: commitId(commit), commit };
}

/** Signs commit `id`; the signer's public key becomes the signature's author. */
export function signCommit(
  id: string,
  options: Omit<SignOptions, "context"> & { context?: string },
): CommitSignature {
  const [author, entry] = signHash(id, { ...options, context: options.context ?? COMMIT_CONTEXT });
  return { commit: id, author, signed_at: entry.signed_at, signature: entry.signature };
}

export type CommitReason = "malformed" | "hash-mismatch" | "untrusted" | "revoked" | "unsigned";
export type CommitSignatureReason = "malformed" | "unknown-commit" | "invalid" | "untrusted" | "revoked";

export interface HistoryReport {
  /** Commits whose content (hash) and authorship (a covering signature) are proven. */
  proven: Set<string>;
  /** Every other commit, sorted by id, with the first reason that applies: malformed (not a
   * commit), hash-mismatch (edited), untrusted (author not trusted), revoked (author revoked and
   * the commit is not before the revocation), unsigned (no valid signature of its author covers
   * it through intact commits — e.g. the covering signature was dropped). */
  unproven: { commit: string; reason: CommitReason }[];
  /** Signatures that prove nothing, by index in history.signatures. */
  ignored: { index: number; signature: unknown; reason: CommitSignatureReason; detail: string }[];
  /** Parent ids named by well-formed commits but absent from the history, sorted. */
  missing: string[];
}

export interface HistoryOptions {
  /** Only these authors' signatures count (default: every author proves their own commits). */
  trusted?: Iterable<string>;
  /** Authors revoked at a commit id: only signatures on that commit's ancestry (inclusive) count. */
  revoked?: ReadonlyMap<string, string>;
  /** The signatures' context (default `commit`). */
  context?: string;
}

/** Commits reachable from the revocation commit, or undefined when the author is not revoked. */
function allowedFor(a: Analysis, revoked: ReadonlyMap<string, string> | undefined, author: string) {
  const at = revoked?.get(author);
  return at === undefined ? undefined : reach(a, [at]);
}

function checkRevoked(revoked: unknown): ReadonlyMap<string, string> | undefined {
  if (revoked === undefined) return undefined;
  if (!(revoked instanceof Map)) throw new TypeError("revoked: expected a Map of author -> commit id");
  return revoked as ReadonlyMap<string, string>;
}

/** Checks every commit hash and every signature (one batch call) and says what is proven. */
export function verifyHistory(history: History, options: HistoryOptions = {}): HistoryReport {
  const context = assertContext(options.context ?? COMMIT_CONTEXT);
  const revoked = checkRevoked(options.revoked);
  const trusted = options.trusted === undefined ? undefined : new Set(options.trusted);
  const a = analyze(history, context);
  const proven = new Set<string>();
  const provenAt = new Uint8Array(a.ids.length);
  const allowedCache = new Map<string, Reached | undefined>();
  const allowedOf = (author: string): Reached | undefined => {
    if (!allowedCache.has(author)) allowedCache.set(author, allowedFor(a, revoked, author));
    return allowedCache.get(author);
  };
  for (const [author, sigs] of a.valid) {
    if (trusted && !trusted.has(author)) {
      for (const [index, s] of sigs)
        a.ignored.push({ index, signature: s, reason: "untrusted", detail: "author is not trusted" });
      continue;
    }
    const ok = allowedOf(author);
    const counting: string[] = [];
    for (const [index, s] of sigs) {
      if (ok && !ok.has(s.commit))
        a.ignored.push({
          index,
          signature: s,
          reason: "revoked",
          detail: "signed outside the revocation's ancestry",
        });
      else counting.push(s.commit);
    }
    reach(a, counting, (i) => {
      if (a.shaped[i]!.author === author) {
        provenAt[i] = 1;
        proven.add(a.ids[i]!);
      }
    });
  }
  const unproven: HistoryReport["unproven"] = [];
  for (const [id] of a.malformed) unproven.push({ commit: id, reason: "malformed" });
  for (let i = 0; i < a.ids.length; i++) {
    if (provenAt[i] === 1 || a.state[i] === 0) continue; // proven, or found malformed after hashing
    const id = a.ids[i]!;
    const author = a.shaped[i]!.author;
    let reason: CommitReason = "unsigned";
    if (!isIntact(a, id)) reason = "hash-mismatch";
    else if (trusted && !trusted.has(author)) reason = "untrusted";
    else if (allowedOf(author)?.has(id) === false) reason = "revoked";
    unproven.push({ commit: id, reason });
  }
  unproven.sort((x, y) => (x.commit < y.commit ? -1 : x.commit > y.commit ? 1 : 0));
  a.ignored.sort((x, y) => x.index - y.index);
  return { proven, unproven, ignored: a.ignored, missing: [...a.missing].sort() };
}

export interface CompactOptions {
  /** Revocations to preserve proofs for (see HistoryOptions.revoked). */
  revoked?: ReadonlyMap<string, string>;
  /** The signatures' context (default `commit`). */
  context?: string;
}

/** Of the signed commits, those not reachable from another one's parents (the newest). */
function maximal(a: Analysis, signed: ReadonlySet<string>): Set<string> {
  const starts: string[] = [];
  for (const id of signed) {
    const c = intactCommit(a, id);
    if (c) starts.push(...c.parents);
  }
  const below = reach(a, starts);
  return new Set([...signed].filter((id) => !below.has(id)));
}

/**
 * Keeps per author the newest valid signatures (those no other signature of the author covers),
 * plus, for an author revoked at R, the newest ones within R's ancestry; drops invalid, malformed
 * and duplicate ones; keeps signatures naming commits not in the history (they cannot be judged).
 * verifyHistory(compact(h, { revoked }), { revoked, trusted }) proves what verifyHistory(h, …) does.
 */
export function compact(history: History, options: CompactOptions = {}): History {
  const revoked = checkRevoked(options.revoked);
  const a = analyze(history, assertContext(options.context ?? COMMIT_CONTEXT));
  const keep = new Set<number>();
  for (const x of a.ignored) if (x.reason === "unknown-commit") keep.add(x.index);
  for (const [author, sigs] of a.valid) {
    // One signature per signed commit: the earliest (then smallest signature text).
    const perCommit = new Map<string, [number, CommitSignature]>();
    for (const pair of sigs) {
      const cur = perCommit.get(pair[1].commit);
      const [s, c] = [pair[1], cur?.[1]];
      if (!c || s.signed_at < c.signed_at || (s.signed_at === c.signed_at && s.signature < c.signature))
        perCommit.set(s.commit, pair);
    }
    const signed = new Set(perCommit.keys());
    const chosen = maximal(a, signed);
    const ok = allowedFor(a, revoked, author);
    if (ok) for (const id of maximal(a, new Set([...signed].filter((id) => ok.has(id))))) chosen.add(id);
    for (const id of chosen) keep.add(perCommit.get(id)![0]);
  }
  return { commits: history.commits, signatures: history.signatures.filter((_, i) => keep.has(i)) };
}
