// The signatures an ingest verifies (writer signatures, attestations), each one check object
// built once in the shape core's verifySigners takes and handed to it as it is: one
// verifySigners call (one verifyBatch) per list, with the shared verification cache in front.
// The verdict per check is a number in a Float64Array (signed_at in epoch ms, NaN when the
// signature is not valid for any reason): no verdict objects on the mesh's side.
//
// Every shape rule is core's: a map that is not an object or has too many entries, a missing
// entry, a malformed entry or key, a signature that does not verify, or one made for another
// context all come back not valid, and the state counts them as it always did.
import {
  decodeSignatureEntry,
  type SignatureEntry,
  type SignerCheck,
  type SignerVerdict,
  signatureMapError,
  signerEntry,
  verifySigners,
} from "@chronoseal/core";
import { ATTESTATION } from "./entries.js";

/** A valid signature as verified once, keyed by its signature string in a VerifiedCache. */
export interface VerifiedSignature {
  /** The verifier's context, payload hash, signer key, signed_at and the entry's own context. */
  context: string;
  hash: string;
  key: string;
  signed_at: string;
  entryContext: string | undefined;
  /** signed_at, epoch ms. */
  signedAt: number;
}
export type VerifiedCache = Map<string, VerifiedSignature>;

/** One signature to check: the entry of `key` in the map `signatures`, for payload hash `hash`. */
export interface Check extends SignerCheck {
  hash: string;
  key: string;
  /** The document's (or attestation map's) `signatures` value, as received. */
  signatures: unknown;
  /** The context the signature must be for (the entry kind's, or `attestation`). */
  context: string;
}

/** verifySigners' options: every check names its context, this one is never used alone. */
const OPTIONS = { context: ATTESTATION };
/** Checks per verifySigners call (one WASM call's worth of items in core). */
const SLICE = 4096;

/**
 * Indices of the checks with equal keys next to each other (keys in order of first appearance;
 * a counting sort over one Map of the distinct keys).
 */
function keyOrder(checks: readonly Check[]): Uint32Array {
  const n = checks.length;
  const groupOf = new Uint32Array(n);
  const ids = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = checks[i]!.key;
    let g = ids.get(key);
    if (g === undefined) {
      g = ids.size;
      ids.set(key, g);
    }
    groupOf[i] = g;
  }
  const start = new Uint32Array(ids.size + 1);
  for (let i = 0; i < n; i++) start[groupOf[i]! + 1]!++;
  for (let g = 1; g <= ids.size; g++) start[g]! += start[g - 1]!;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[start[groupOf[i]!]!++] = i;
  return order;
}

/**
 * verifySigners over `checks` in calls of at most SLICE checks (as few as that allows, of equal
 * size), the checks of one key together: a key's signatures still meet in one call, where core
 * combines them, while a call's decoded entries and messages die young instead of filling the
 * heap for the whole batch. Calls `done(i, verdict)` for each check.
 */
function verifyInSlices(checks: readonly Check[], done: (i: number, v: SignerVerdict) => void): void {
  const n = checks.length;
  if (n <= SLICE) {
    const verdicts = verifySigners(checks, OPTIONS);
    for (let i = 0; i < n; i++) done(i, verdicts[i]!);
    return;
  }
  const order = keyOrder(checks);
  const size = Math.ceil(n / Math.ceil(n / SLICE));
  const part: Check[] = new Array(size);
  for (let s = 0; s < n; s += size) {
    const m = Math.min(size, n - s);
    part.length = m;
    for (let k = 0; k < m; k++) part[k] = checks[order[s + k]!]!;
    const verdicts = verifySigners(part, OPTIONS);
    for (let k = 0; k < m; k++) done(order[s + k]!, verdicts[k]!);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * The map's entry for the check's key when the map is well-formed as a whole (what a cached
 * verdict may stand for), else undefined.
 */
function entryOf(c: Check): SignatureEntry | undefined {
  if (signatureMapError(c.signatures) !== undefined) return undefined;
  const entry = signerEntry(c.signatures as Record<string, unknown>, c.key);
  return isRecord(entry) ? (entry as unknown as SignatureEntry) : undefined;
}

/**
 * signed_at (epoch ms) of each valid signature, NaN for the others. A signature found in a cache
 * (`given`, then `cache`) with every input equal, in a well-formed entry, is not verified again;
 * what is verified here and valid goes into `cache`.
 */
export function verifyChecks(
  checks: readonly Check[],
  given: VerifiedCache | undefined,
  cache: VerifiedCache | undefined,
): Float64Array {
  const n = checks.length;
  const out = new Float64Array(n).fill(Number.NaN);
  if (n === 0) return out;
  if (given === undefined && cache === undefined) {
    verifyInSlices(checks, (j, v) => {
      if (v.valid) out[j] = v.signedAt;
    });
    return out;
  }
  const todo: Check[] = [];
  const at: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = checks[i]!;
    const entry = entryOf(c);
    const sig = typeof entry?.signature === "string" ? entry.signature : undefined;
    const hit = sig === undefined ? undefined : (given?.get(sig) ?? cache?.get(sig));
    if (
      hit &&
      hit.context === c.context &&
      hit.hash === c.hash &&
      hit.key === c.key &&
      hit.signed_at === entry!.signed_at &&
      hit.entryContext === entry!.context &&
      // the same signature in an ill-shaped entry (an extra field, …) is not the verified one
      typeof decodeSignatureEntry(c.key, entry) !== "string"
    )
      out[i] = hit.signedAt;
    else {
      todo.push(c);
      at.push(i);
    }
  }
  if (todo.length === 0) return out;
  verifyInSlices(todo, (j, v) => {
    if (!v.valid) return;
    out[at[j]!] = v.signedAt;
    if (cache === undefined) return;
    const c = todo[j]!;
    const entry = entryOf(c)!; // valid: the map and its entry are well-formed
    cache.set(entry.signature, {
      context: c.context,
      hash: c.hash,
      key: c.key,
      signed_at: entry.signed_at,
      entryContext: entry.context,
      signedAt: v.signedAt,
    });
  });
  return out;
}
