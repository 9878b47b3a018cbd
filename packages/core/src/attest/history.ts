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
import { verifyBatch } from "../ed25519/verify.js";
import { fromBase64, toBase64 } from "../encoding.js";
import { aarray, ChronosealError } from "../errors.js";
import { canonicalHash, canonicalHashBatch } from "../hash/canonical.js";
import {
  assertContext,
  isCanonicalTime,
  isHash,
  rawSigningString,
  type SignOptions,
  signHash,
} from "./signing.js";

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function hasExactly(value: Record<string, unknown>, fields: readonly string[]): boolean {
  const keys = Object.keys(value);
  return keys.length === fields.length && fields.every((f) => Object.hasOwn(value, f));
}

/** Why `value` is not a well-formed commit, or undefined. */
function commitShapeError(value: unknown): string | undefined {
  if (!isRecord(value) || !hasExactly(value, ["parents", "author", "payload"]))
    return "expected exactly { parents, author, payload }";
  if (!Array.isArray(value.parents) || !value.parents.every(isHash))
    return "parents: expected an array of commit ids";
  if (!isHash(value.author)) return "author: expected a base64 public key (32 bytes)";
  if (value.payload === undefined) return "payload: missing";
  return undefined;
}

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

/** Commit hashes, shapes and signature verdicts: the facts both verifyHistory and compact use. */
interface Analysis {
  commits: ReadonlyMap<string, Commit>;
  malformed: Map<string, string>;
  intact: Set<string>;
  /** Valid signatures on known commits, by author: [index, signature]. */
  valid: Map<string, [number, CommitSignature][]>;
  ignored: HistoryReport["ignored"];
}

/** Decodes a commit signature's fields, or says why it is malformed. */
function decodeCommitSignature(
  s: unknown,
): { commit: string; author: string; signed_at: string; signature: Uint8Array } | string {
  if (!isRecord(s) || !hasExactly(s, ["commit", "author", "signed_at", "signature"]))
    return "expected exactly { commit, author, signed_at, signature }";
  const { commit, author, signed_at, signature } = s;
  if (!isHash(commit)) return "commit: expected a commit id";
  if (!isHash(author)) return "author: expected a base64 public key (32 bytes)";
  if (typeof signed_at !== "string" || !isCanonicalTime(signed_at))
    return "signed_at: expected YYYY-MM-DDTHH:MM:SS.mmmZ";
  if (typeof signature !== "string") return "signature: expected base64 string";
  try {
    return { commit, author, signed_at, signature: fromBase64(signature, "signature", 64) };
  } catch (e) {
    return (e as Error).message;
  }
}

function analyze(history: History, context: string): Analysis {
  if (!isRecord(history)) throw new TypeError("history: expected { commits, signatures }");
  if (!(history.commits instanceof Map)) throw new TypeError("history.commits: expected a Map");
  aarray(history.signatures, "history.signatures");
  const commits = history.commits as ReadonlyMap<string, Commit>;
  const malformed = new Map<string, string>();
  const shaped: [string, Commit][] = [];
  for (const [id, c] of commits) {
    const why = typeof id === "string" ? commitShapeError(c) : "id is not a string";
    if (why) malformed.set(String(id), why);
    else shaped.push([id, c]);
  }
  let digests: (Uint8Array | undefined)[];
  try {
    digests = canonicalHashBatch(shaped.map(([, c]) => c));
  } catch {
    digests = shaped.map(([id, c]) => {
      try {
        return canonicalHash(c);
      } catch (e) {
        malformed.set(id, `not canonical JSON: ${(e as Error).message}`);
        return undefined;
      }
    });
  }
  const intact = new Set<string>();
  shaped.forEach(([id], i) => {
    const d = digests[i];
    if (d && toBase64(d) === id) intact.add(id);
  });

  const ignored: HistoryReport["ignored"] = [];
  const candidates: [number, CommitSignature][] = [];
  const items: { publicKey: Uint8Array; signature: Uint8Array; message: Uint8Array }[] = [];
  const utf8 = new TextEncoder();
  history.signatures.forEach((s: unknown, index) => {
    const d = decodeCommitSignature(s);
    if (typeof d === "string") ignored.push({ index, signature: s, reason: "malformed", detail: d });
    else if (!commits.has(d.commit))
      ignored.push({
        index,
        signature: s,
        reason: "unknown-commit",
        detail: "names a commit not in the history",
      });
    else {
      candidates.push([index, s as CommitSignature]);
      items.push({
        publicKey: fromBase64(d.author, "author", 32),
        signature: d.signature,
        message: utf8.encode(rawSigningString(context, d.signed_at, d.commit)),
      });
    }
  });
  const verdicts = items.length > 0 ? verifyBatch(items) : [];
  const valid = new Map<string, [number, CommitSignature][]>();
  candidates.forEach(([index, s], j) => {
    if (!verdicts[j]) {
      ignored.push({ index, signature: s, reason: "invalid", detail: "signature does not verify" });
      return;
    }
    const list = valid.get(s.author) ?? [];
    list.push([index, s]);
    valid.set(s.author, list);
  });
  return { commits, malformed, intact, valid, ignored };
}

/** Every commit reachable from `starts` (inclusive), following parents of intact commits only. */
function reach(a: Analysis, starts: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const stack = [...starts];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (seen.has(x) || !a.commits.has(x)) continue;
    seen.add(x);
    if (a.intact.has(x)) for (const p of a.commits.get(x)!.parents) if (!seen.has(p)) stack.push(p);
  }
  return seen;
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
  const allowedCache = new Map<string, Set<string> | undefined>();
  const allowedOf = (author: string): Set<string> | undefined => {
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
    for (const id of reach(a, counting))
      if (a.intact.has(id) && a.commits.get(id)!.author === author) proven.add(id);
  }
  const unproven: HistoryReport["unproven"] = [];
  const missing = new Set<string>();
  for (const id of [...a.commits.keys()].map(String).sort()) {
    if (!a.malformed.has(id))
      for (const p of a.commits.get(id)!.parents) if (!a.commits.has(p)) missing.add(p);
    if (proven.has(id)) continue;
    let reason: CommitReason = "unsigned";
    const author = a.malformed.has(id) ? undefined : a.commits.get(id)!.author;
    if (author === undefined) reason = "malformed";
    else if (!a.intact.has(id)) reason = "hash-mismatch";
    else if (trusted && !trusted.has(author)) reason = "untrusted";
    else if (allowedOf(author)?.has(id) === false) reason = "revoked";
    unproven.push({ commit: id, reason });
  }
  a.ignored.sort((x, y) => x.index - y.index);
  return { proven, unproven, ignored: a.ignored, missing: [...missing].sort() };
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
  for (const id of signed) if (a.intact.has(id)) starts.push(...a.commits.get(id)!.parents);
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
