// The facts verifyHistory and compact judge from: which commits are well-formed, which are intact
// (their stored id is the SHA-256 of their canonical JSON), which signatures verify (one batch),
// and reachability through intact commits. Commits are numbered once (a Map from id to index) and
// every per-commit flag is a typed array, so a 10,000-commit chain costs a few map lookups per
// commit besides its hash; all commits are hashed in one packed batch (sha256Texts), each written
// as canonicalize would write it.
import { verifyBatch } from "../ed25519/verify.js";
import { equalsBase64, fromBase64 } from "../encoding.js";
import { aarray } from "../errors.js";
import { canonicalHash, sha256Texts } from "../hash/canonical.js";
import { canonicalize, DEFAULT_MAX_DEPTH } from "../jcs/canonicalize.js";
import { NEEDS_WORK } from "../jcs/fast.js";
import type { Commit, CommitSignature, History, HistoryReport } from "./history.js";
import { isCanonicalTime, isHash } from "./shapes.js";
import { rawSigningString } from "./signing.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function hasExactly(value: Record<string, unknown>, fields: readonly string[]): boolean {
  if (Object.keys(value).length !== fields.length) return false;
  for (const f of fields) if (!Object.hasOwn(value, f)) return false;
  return true;
}

const SHAPE_ERROR = "expected exactly { parents, author, payload }";
const PARENTS_ERROR = "parents: expected an array of commit ids";
const AUTHOR_ERROR = "author: expected a base64 public key (32 bytes)";

/** Why `value` is not a well-formed commit, or undefined. */
export function commitShapeError(value: unknown): string | undefined {
  if (!isRecord(value) || !hasExactly(value, ["parents", "author", "payload"])) return SHAPE_ERROR;
  if (!Array.isArray(value.parents) || !value.parents.every(isHash)) return PARENTS_ERROR;
  if (!isHash(value.author)) return AUTHOR_ERROR;
  if (value.payload === undefined) return "payload: missing";
  return undefined;
}

/** commitShapeError without the parents' shapes (checked after hashing); `authors` caches keys. */
function fieldsError(value: unknown, authors: Set<string>): string | undefined {
  if (!isRecord(value) || !hasExactly(value, ["parents", "author", "payload"])) return SHAPE_ERROR;
  if (!Array.isArray(value.parents)) return PARENTS_ERROR;
  const author = value.author;
  if (!authors.has(author as string)) {
    if (!isHash(author)) return value.parents.every(isHash) ? AUTHOR_ERROR : PARENTS_ERROR;
    authors.add(author);
  }
  if (value.payload === undefined) return value.parents.every(isHash) ? "payload: missing" : PARENTS_ERROR;
  return undefined;
}

/**
 * canonicalize(commit) for a commit that passed fieldsError, without the generic walk of the outer
 * object: its keys are exactly author < parents < payload (code-unit order) and its author is
 * canonical base64. Anything unusual (a non-plain object, symbol keys, a parent that is not a plain
 * string) takes canonicalize itself, so the text — or the error — is always canonicalize's.
 */
// The payload sits one level below the commit: the same depth limit as canonicalize(c).
const PAYLOAD_DEPTH = { maxDepth: DEFAULT_MAX_DEPTH - 1 };

function commitText(c: Commit): string {
  const proto = Object.getPrototypeOf(c);
  if ((proto !== Object.prototype && proto !== null) || Object.getOwnPropertySymbols(c).length > 0)
    return canonicalize(c);
  let parents = "";
  for (const p of c.parents) {
    if (typeof p !== "string" || NEEDS_WORK.test(p)) return canonicalize(c);
    parents += parents === "" ? `"${p}"` : `,"${p}"`;
  }
  const payload = canonicalize(c.payload, PAYLOAD_DEPTH);
  return `{"author":"${c.author}","parents":[${parents}],"payload":${payload}}`;
}

/** Decodes a commit signature's fields, or says why it is malformed. */
function decodeCommitSignature(
  s: unknown,
):
  | { commit: string; author: string; signed_at: string; publicKey: Uint8Array; signature: Uint8Array }
  | string {
  if (!isRecord(s) || !hasExactly(s, ["commit", "author", "signed_at", "signature"]))
    return "expected exactly { commit, author, signed_at, signature }";
  const { commit, author, signed_at, signature } = s;
  if (!isHash(commit)) return "commit: expected a commit id";
  if (!isHash(author)) return AUTHOR_ERROR;
  if (typeof signed_at !== "string" || !isCanonicalTime(signed_at))
    return "signed_at: expected YYYY-MM-DDTHH:MM:SS.mmmZ";
  if (typeof signature !== "string") return "signature: expected base64 string";
  try {
    return {
      commit,
      author,
      signed_at,
      publicKey: fromBase64(author, "author", 32),
      signature: fromBase64(signature, "signature", 64),
    };
  } catch (e) {
    return (e as Error).message;
  }
}

const SHAPED = 1;
const INTACT = 2;

export interface Analysis {
  commits: ReadonlyMap<string, Commit>;
  /** Ids of the commits that passed the first shape checks, numbered. */
  ids: string[];
  shaped: Commit[];
  /** id → its index in ids. */
  pos: Map<string, number>;
  /**
   * Per index: the index of its only parent when that parent is a numbered commit, -1 when it has
   * no parents, -2 otherwise (several parents, or one outside the numbered commits: look them up).
   * A chain stored in order finds each parent right before it, with no map lookup.
   */
  parent: Int32Array;
  /** Per index: SHAPED, or SHAPED | INTACT; 0 once a later check found it malformed. */
  state: Uint8Array;
  malformed: Map<string, string>;
  /** Parent ids named by well-formed commits but absent from the history. */
  missing: Set<string>;
  /** Valid signatures on known commits, by author: [index, signature]. */
  valid: Map<string, [number, CommitSignature][]>;
  ignored: HistoryReport["ignored"];
}

/** True when `id` names an intact commit (its content hashes to its id). */
export function isIntact(a: Analysis, id: string): boolean {
  const i = a.pos.get(id);
  return i !== undefined && (a.state[i]! & INTACT) !== 0;
}

/** The commit behind an intact id (undefined otherwise). */
export function intactCommit(a: Analysis, id: string): Commit | undefined {
  const i = a.pos.get(id);
  return i !== undefined && (a.state[i]! & INTACT) !== 0 ? a.shaped[i] : undefined;
}

/** Shapes, one packed hash batch, parents, and one verifyBatch call for the signatures. */
export function analyze(history: History, context: string): Analysis {
  if (!isRecord(history)) throw new TypeError("history: expected { commits, signatures }");
  if (!(history.commits instanceof Map)) throw new TypeError("history.commits: expected a Map");
  aarray(history.signatures, "history.signatures");
  const commits = history.commits as ReadonlyMap<string, Commit>;
  const malformed = new Map<string, string>();
  const ids: string[] = [];
  const shaped: Commit[] = [];
  const pos = new Map<string, number>();
  const authors = new Set<string>();
  commits.forEach((c, id) => {
    if (typeof id !== "string") {
      malformed.set(String(id), "id is not a string");
      return;
    }
    const why = fieldsError(c, authors);
    if (why !== undefined) {
      malformed.set(id, why);
      return;
    }
    pos.set(id, ids.length);
    ids.push(id);
    shaped.push(c);
  });
  const n = ids.length;
  const state = new Uint8Array(n).fill(SHAPED);
  // One packed batch for every commit; one by one only to name a payload JCS rejects.
  let digests: Uint8Array | undefined;
  try {
    digests = sha256Texts(n, (i) => commitText(shaped[i]!), new Uint8Array(n * 32));
  } catch {
    digests = undefined;
  }
  for (let i = 0; i < n; i++) {
    if (digests) {
      if (equalsBase64(digests, ids[i]!, i * 32, 32)) state[i] = SHAPED | INTACT;
      continue;
    }
    try {
      if (equalsBase64(canonicalHash(shaped[i]), ids[i]!)) state[i] = SHAPED | INTACT;
    } catch (e) {
      malformed.set(ids[i]!, `not canonical JSON: ${(e as Error).message}`);
      state[i] = 0;
    }
  }
  // Parents' shapes: an intact id is canonical; any other parent takes the pattern test (so does
  // an id found malformed here for its own parents — it is still canonical). A malformed parent
  // makes the commit malformed whatever else is wrong with it, as commitShapeError says.
  const missing = new Set<string>();
  const absent: string[] = [];
  const parent = new Int32Array(n).fill(-2);
  for (let i = 0; i < n; i++) {
    const parents = shaped[i]!.parents;
    if (parents.length === 0) parent[i] = -1;
    else if (parents.length === 1) {
      const p = parents[0];
      // the previous commit, in a chain stored in order; else a lookup
      const j = i > 0 && ids[i - 1] === p ? i - 1 : typeof p === "string" ? pos.get(p) : undefined;
      if (j !== undefined) {
        parent[i] = j;
        if ((state[j]! & INTACT) !== 0) continue; // an intact id: canonical, present
      }
    }
    absent.length = 0;
    let ok = true;
    for (const p of parents) {
      const j = pos.get(p);
      if (j !== undefined && (state[j]! & INTACT) !== 0) continue;
      if (!isHash(p)) {
        ok = false;
        break;
      }
      if (j === undefined && !commits.has(p)) absent.push(p);
    }
    if (!ok) {
      malformed.set(ids[i]!, PARENTS_ERROR);
      state[i] = 0;
    } else if (state[i] !== 0) for (const p of absent) missing.add(p);
  }

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
        publicKey: d.publicKey,
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
  return { commits, ids, shaped, pos, parent, state, malformed, missing, valid, ignored };
}

/** A set of commit ids reached by `reach`. */
export interface Reached {
  has(id: string): boolean;
}

/**
 * Every commit reachable from `starts` (inclusive), following parents of intact commits only;
 * `visit` sees each intact one with its index.
 */
export function reach(a: Analysis, starts: Iterable<string>, visit?: (i: number) => void): Reached {
  const seen = new Uint8Array(a.ids.length);
  const others = new Set<string>(); // reached commits that are not numbered (malformed early)
  const stack: number[] = [];
  const push = (x: string) => {
    const i = a.pos.get(x);
    if (i !== undefined) stack.push(i);
    else if (a.commits.has(x)) others.add(x);
  };
  for (const x of starts) push(x);
  while (stack.length > 0) {
    let i = stack.pop()!;
    // Follow single-parent links without the stack (a chain is one walk).
    while (i >= 0 && seen[i] === 0) {
      seen[i] = 1;
      if ((a.state[i]! & INTACT) === 0) break;
      visit?.(i);
      const next = a.parent[i]!;
      if (next === -2) {
        for (const p of a.shaped[i]!.parents) push(p);
        break;
      }
      i = next;
    }
  }
  return {
    has(id: string): boolean {
      const i = a.pos.get(id);
      return i === undefined ? others.has(id) : seen[i] === 1;
    },
  };
}
