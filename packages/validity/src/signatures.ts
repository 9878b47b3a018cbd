// Signature checking for validity: collects every (document, key) pair a validation needs,
// verifies all of them with ONE verifyBatch call, and caches the verdicts so warm validations
// do no cryptography. Signatures follow the core signing rule; only signatures by the keys the
// caller expects are considered, so a stranger's signature can neither help nor hurt.
import {
  canonicalHash,
  formatTimestamp,
  fromBase64,
  parseTimestamp,
  signingString,
  toBase64,
  verifyBatch,
} from "@chronoseal/core";
import type { SignatureMap } from "./types.js";

interface Pending {
  cacheKey: string;
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

const utf8 = new TextEncoder();

/** Verified-signature cache shared by validations over one evidence store. */
export class SignatureCache {
  private readonly verdicts = new Map<string, boolean>();
  private readonly payloadHashes = new WeakMap<object, string>();
  /** How many WASM batch calls were made (for tests and benches). */
  batches = 0;

  payloadHash(doc: object): string {
    let h = this.payloadHashes.get(doc);
    if (h === undefined) {
      const { signatures: _s, ...payload } = doc as Record<string, unknown>;
      h = toBase64(canonicalHash(payload));
      this.payloadHashes.set(doc, h);
    }
    return h;
  }

  private entries(doc: object): [string, { signed_at: string; signature: string }][] {
    const map = (doc as { signatures?: SignatureMap }).signatures;
    if (!map || typeof map !== "object") return [];
    return Object.entries(map).filter(
      ([, v]) =>
        v && typeof v === "object" && typeof v.signed_at === "string" && typeof v.signature === "string",
    );
  }

  private key(
    doc: object,
    context: string,
    key: string,
    entry: { signed_at: string; signature: string },
  ): string {
    return `${context}|${this.payloadHash(doc)}|${key}|${entry.signed_at}|${entry.signature}`;
  }

  /** Queues the checks `doc` needs for `keys` (no-op for cached ones). */
  collect(out: Pending[], doc: object, context: string, keys: readonly string[]): void {
    const wanted = new Set(keys);
    for (const [key, entry] of this.entries(doc)) {
      if (!wanted.has(key)) continue;
      const cacheKey = this.key(doc, context, key, entry);
      if (this.verdicts.has(cacheKey)) continue;
      const parsed = decode(key, entry);
      if (!parsed) {
        this.verdicts.set(cacheKey, false);
        continue;
      }
      const message = utf8.encode(signingString(context, entry.signed_at, this.payloadHash(doc)));
      out.push({ cacheKey, publicKey: parsed.publicKey, message, signature: parsed.signature });
    }
  }

  /** Verifies queued checks in one batch call. */
  run(pending: Pending[]): void {
    if (pending.length === 0) return;
    this.batches++;
    const verdicts = verifyBatch(pending);
    pending.forEach((p, i) => {
      this.verdicts.set(p.cacheKey, verdicts[i] === true);
    });
  }

  /** Number of distinct `keys` with a verified signature on `doc` (queues nothing). */
  validSigners(
    doc: object,
    context: string,
    keys: readonly string[],
    onMissing?: (doc: object) => void,
  ): number {
    const wanted = new Set(keys);
    let n = 0;
    for (const [key, entry] of this.entries(doc)) {
      if (!wanted.has(key)) continue;
      const v = this.verdicts.get(this.key(doc, context, key, entry));
      if (v === undefined) onMissing?.(doc);
      if (v) n++;
    }
    return n;
  }

  /** Signers (of `keys`) with a verified signature on `doc`, with their signing times. */
  signers(doc: object, context: string, keys: readonly string[]): { key: string; signedAt: number }[] {
    const wanted = new Set(keys);
    const out: { key: string; signedAt: number }[] = [];
    for (const [key, entry] of this.entries(doc)) {
      if (wanted.has(key) && this.verdicts.get(this.key(doc, context, key, entry))) {
        out.push({ key, signedAt: parseTimestamp(entry.signed_at) });
      }
    }
    return out;
  }
}

function decode(key: string, entry: { signed_at: string; signature: string }) {
  try {
    const publicKey = fromBase64(key, "public key", 32);
    const signature = fromBase64(entry.signature, "signature", 64);
    if (formatTimestamp(parseTimestamp(entry.signed_at)) !== entry.signed_at) return undefined;
    return { publicKey, signature };
  } catch {
    return undefined;
  }
}

export type { Pending };
