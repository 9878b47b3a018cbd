// Hash-linked histories with signature compaction. A commit is { parents, author, payload }
// and its id is the base64 SHA-256 of its canonical JSON (the author is inside the hash).
// Signatures sit beside the graph: a signature by author A on commit X (the signing rule with X
// as the payload) attests every ancestor of X authored by A, so storage may keep only the
// newest signatures per author, and a verifier checks one signature per author plus hashes.

import { verifyBatch } from "../ed25519/verify.js";
import { fromBase64, toBase64 } from "../encoding.js";
import { aarray, ChronosealError } from "../errors.js";
import { canonicalHash, canonicalHashBatch } from "../hash/canonical.js";
import { assertContext, type SignOptions, signHash, signingString } from "./signing.js";
import { formatTimestamp, toMillis } from "./time.js";

export interface Commit {
  parents: string[];
  /** base64 public key of the author. */
  author: string;
  payload: unknown;
}

export interface CommitSignature {
  commit: string;
  /** base64 public key of the signer. */
  author: string;
  signed_at: string;
  signature: string;
}

export interface History {
  /** Commits by id (the id a commit is stored under is what other commits and signatures name). */
  commits: Map<string, Commit>;
  signatures: CommitSignature[];
}

export class HistoryError extends ChronosealError {
  constructor(message: string) {
    super("ERR_HISTORY", message);
    this.name = "HistoryError";
  }
}

export const COMMIT_CONTEXT = "commit";

export function commitId(commit: Commit): string {
  return toBase64(canonicalHash(commit));
}

/** Makes a commit and returns it with its id. */
export function makeCommit(
  parents: string[],
  author: string,
  payload: unknown,
): { id: string; commit: Commit } {
  const commit = { parents: [...parents], author, payload };
  return { id: commitId(commit), commit };
}

/** Signs commit `id` (the signer's public key becomes the signature's author). */
export function signCommit(
  id: string,
  options: Omit<SignOptions, "context"> & { context?: string },
): CommitSignature {
  const [author, entry] = signHash(id, { ...options, context: options.context ?? COMMIT_CONTEXT });
  return { commit: id, author, signed_at: entry.signed_at, signature: entry.signature };
}

/** Ancestors of `id` including itself, walking only through the given commits. */
function ancestors(commits: Map<string, Commit>, id: string, through: (id: string) => boolean): Set<string> {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length) {
    const x = stack.pop()!;
    if (seen.has(x) || !commits.has(x)) continue;
    seen.add(x);
    if (!through(x)) continue;
    for (const p of commits.get(x)!.parents) stack.push(p);
  }
  return seen;
}

export interface CompactOptions {
  /** Authors revoked at a commit: their signatures on that commit's ancestors are kept apart. */
  revoked?: ReadonlyMap<string, string>;
}

/**
 * Keeps, per author, only the signatures not covered by another signature of the same author
 * on a descendant commit (for a chain: the newest one). For a revoked author, the newest
 * signatures within the revocation commit's ancestry are kept too, so the author's work before
 * the revocation stays provable.
 */
export function compact(history: History, options: CompactOptions = {}): History {
  const byAuthor = new Map<string, CommitSignature[]>();
  for (const s of history.signatures) {
    if (!history.commits.has(s.commit)) continue;
    const list = byAuthor.get(s.author) ?? [];
    list.push(s);
    byAuthor.set(s.author, list);
  }
  const keep: CommitSignature[] = [];
  for (const [author, sigs] of byAuthor) {
    const groups: CommitSignature[][] = [sigs];
    const rev = options.revoked?.get(author);
    if (rev !== undefined) {
      const before = ancestors(history.commits, rev, () => true);
      groups.push(sigs.filter((s) => before.has(s.commit)));
    }
    const chosen = new Set<CommitSignature>();
    for (const group of groups) {
      // One signature per signed commit (the earliest), then drop those under another signed commit.
      const perCommit = new Map<string, CommitSignature>();
      for (const s of group) {
        const cur = perCommit.get(s.commit);
        if (
          !cur ||
          s.signed_at < cur.signed_at ||
          (s.signed_at === cur.signed_at && s.signature < cur.signature)
        )
          perCommit.set(s.commit, s);
      }
      const covered = new Set<string>();
      for (const id of perCommit.keys()) {
        for (const a of ancestors(history.commits, id, () => true)) if (a !== id) covered.add(a);
      }
      for (const [id, s] of perCommit) if (!covered.has(id)) chosen.add(s);
    }
    keep.push(...chosen);
  }
  return { commits: history.commits, signatures: keep };
}

export type UnprovenReason = "hash-mismatch" | "missing-parent" | "no-signature" | "revoked";

export interface HistoryReport {
  /** Commits whose content and authorship are proven. */
  proven: Set<string>;
  /** Every other commit, with the reason. */
  unproven: { commit: string; reason: UnprovenReason }[];
  /** Signatures that did not verify or name unknown commits. */
  badSignatures: {
    signature: CommitSignature;
    reason: "invalid" | "unknown-commit" | "malformed" | "untrusted";
  }[];
}

export interface VerifyHistoryOptions {
  /** Only these authors' signatures count (default: any author's signature proves their own commits). */
  trusted?: Iterable<string>;
  revoked?: ReadonlyMap<string, string>;
  context?: string;
}

/** Checks every commit hash and every signature (one batch call) and says what is proven. */
export function verifyHistory(history: History, options: VerifyHistoryOptions = {}): HistoryReport {
  if (!(history?.commits instanceof Map)) throw new TypeError("history.commits: expected a Map");
  aarray(history.signatures, "history.signatures");
  const context = assertContext(options.context ?? COMMIT_CONTEXT);
  const trusted = options.trusted ? new Set(options.trusted) : undefined;
  const ids = [...history.commits.keys()];
  const actual = canonicalHashBatch(ids.map((id) => history.commits.get(id))).map(toBase64);
  const intact = new Set(ids.filter((id, i) => actual[i] === id));
  const report: HistoryReport = { proven: new Set(), unproven: [], badSignatures: [] };
  const items: { publicKey: Uint8Array; signature: Uint8Array; message: Uint8Array }[] = [];
  const candidates: CommitSignature[] = [];
  for (const s of history.signatures) {
    if (!s || typeof s !== "object" || typeof s.commit !== "string" || typeof s.author !== "string") {
      report.badSignatures.push({ signature: s, reason: "malformed" });
      continue;
    }
    if (!history.commits.has(s.commit)) {
      report.badSignatures.push({ signature: s, reason: "unknown-commit" });
      continue;
    }
    if (trusted && !trusted.has(s.author)) {
      report.badSignatures.push({ signature: s, reason: "untrusted" });
      continue;
    }
    try {
      if (formatTimestamp(toMillis(s.signed_at)) !== s.signed_at)
        throw new HistoryError("signed_at not canonical");
      items.push({
        publicKey: fromBase64(s.author, "author", 32),
        signature: fromBase64(s.signature, "signature", 64),
        message: new TextEncoder().encode(signingString(context, s.signed_at, s.commit)),
      });
      candidates.push(s);
    } catch {
      report.badSignatures.push({ signature: s, reason: "malformed" });
    }
  }
  const verdicts = items.length ? verifyBatch(items) : [];
  const revokedOnly = new Set<string>();
  candidates.forEach((s, i) => {
    if (!verdicts[i]) {
      report.badSignatures.push({ signature: s, reason: "invalid" });
      return;
    }
    // The signature proves the author's commits reachable through intact commits.
    const rev = options.revoked?.get(s.author);
    const allowed = rev === undefined ? undefined : ancestors(history.commits, rev, (x) => intact.has(x));
    if (!intact.has(s.commit)) return;
    for (const a of ancestors(history.commits, s.commit, (x) => intact.has(x))) {
      const c = history.commits.get(a)!;
      if (c.author !== s.author || !intact.has(a)) continue;
      if (allowed && !allowed.has(a)) revokedOnly.add(a);
      else report.proven.add(a);
    }
  });
  for (const id of ids) {
    if (report.proven.has(id)) continue;
    let reason: UnprovenReason = "no-signature";
    if (!intact.has(id)) reason = "hash-mismatch";
    else if (history.commits.get(id)!.parents.some((p) => !history.commits.has(p))) reason = "missing-parent";
    else if (revokedOnly.has(id)) reason = "revoked";
    report.unproven.push({ commit: id, reason });
  }
  return report;
}
