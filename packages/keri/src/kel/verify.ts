// Signature checks of candidate key events, all in one batch: controller signatures against the
// keys in force (the event's own keys for establishment events, the prior state's for ixn),
// the exposure of pre-rotated keys (a rotation's signing key must hash to the prior next digest
// its signature's ondex names), and witness receipts (indexed -B and couples -C) against the
// witness list after the event. Every Ed25519 signature goes into ONE core verifyBatch call.
import { type VerifyItem, verifyBatch } from "@chronoseal/core";
import type { IndexedSignature, ReceiptCouple } from "../cesr/attachments.js";
import { ED25519_INDEXED_CODES } from "../cesr/codes.js";
import { decodeMatter, type Layout } from "../cesr/matter.js";
import { digestRaw } from "../digest.js";
import { isEstablishment, type KeyEvent } from "./event.js";
import type { KeyState } from "./state.js";

const utf8 = new TextEncoder();

export interface SignatureCheck {
  /** Indices (into the signing keys) of verified controller signatures. */
  readonly verified: Set<number>;
  /** Ondices (into the prior next digests) exposed by verified signatures (rotations). */
  readonly exposed: Set<number>;
  /** Indices (into the witness list) of verified witness signatures or receipts. */
  readonly witnessed: Set<number>;
  /** Human-readable notes on signatures that did not count, e.g. "index 5 out of range". */
  readonly ignored: string[];
}

export interface Verifiable {
  readonly event: KeyEvent;
  readonly before: KeyState | undefined;
  readonly after: KeyState;
  readonly controllerSigs: readonly IndexedSignature[];
  readonly witnessSigs: readonly IndexedSignature[];
  readonly receipts: readonly ReceiptCouple[];
}

function ed25519Key(qb64: string, layout: Layout): Uint8Array | undefined {
  try {
    const m = decodeMatter(qb64, layout);
    return (m.code === "D" || m.code === "B") && m.raw.length === 32 ? m.raw : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies a batch of Ed25519 signatures, one verdict per item. The default is core's
 * `verifyBatch` in strict mode; a caller may pass its own (a cache of verdicts in front of it,
 * say) as long as it answers exactly as strict verifyBatch would.
 */
export type BatchVerifier = (items: readonly VerifyItem[]) => readonly boolean[];

export const strictVerifyBatch: BatchVerifier = (items) => verifyBatch(items, { mode: "strict" });

/** Verifies every candidate's signatures with a single batch call. */
export function checkSignatures(
  candidates: readonly Verifiable[],
  verify: BatchVerifier = strictVerifyBatch,
): SignatureCheck[] {
  const items: VerifyItem[] = [];
  const onResult: ((ok: boolean) => void)[] = [];
  const results = candidates.map((c): SignatureCheck => {
    const res: SignatureCheck = {
      verified: new Set(),
      exposed: new Set(),
      witnessed: new Set(),
      ignored: [],
    };
    const { event, before, after } = c;
    const est = isEstablishment(event.ilk);
    const keys = est ? (event.keys as readonly string[]) : (before?.keys ?? []);
    const layout = event.layout;
    for (const sig of c.controllerSigs) {
      if (!ED25519_INDEXED_CODES.has(sig.code)) {
        res.ignored.push(`signature code ${sig.code} at byte ${sig.offset} is not Ed25519`);
        continue;
      }
      const keyText = keys[sig.index];
      if (keyText === undefined) {
        res.ignored.push(`signature index ${sig.index} at byte ${sig.offset} is beyond ${keys.length} keys`);
        continue;
      }
      const key = ed25519Key(keyText, est ? layout : after.layout);
      if (!key) {
        res.ignored.push(`key ${sig.index} (${keyText.slice(0, 8)}…) is not an Ed25519 key`);
        continue;
      }
      items.push({ publicKey: key, message: event.raw, signature: sig.raw });
      onResult.push((ok) => {
        if (!ok) {
          res.ignored.push(`signature ${sig.index} at byte ${sig.offset} does not verify`);
          return;
        }
        res.verified.add(sig.index);
        if (
          est &&
          before &&
          sig.ondex !== undefined &&
          exposes(keyText, before.nextDigests[sig.ondex], before.layout)
        ) {
          res.exposed.add(sig.ondex);
        }
      });
    }
    const wits = after.witnesses;
    const witness = (index: number, signature: Uint8Array, where: string) => {
      const w = wits[index];
      const key = w === undefined ? undefined : ed25519Key(w, after.layout);
      if (!key) {
        res.ignored.push(`witness signature ${where}: no Ed25519 witness at index ${index}`);
        return;
      }
      items.push({ publicKey: key, message: event.raw, signature });
      onResult.push((ok) => {
        if (ok) res.witnessed.add(index);
        else res.ignored.push(`witness signature ${where} does not verify`);
      });
    };
    for (const sig of c.witnessSigs) {
      if (!ED25519_INDEXED_CODES.has(sig.code))
        res.ignored.push(`witness signature code ${sig.code} is not Ed25519`);
      else witness(sig.index, sig.raw, `${sig.index} at byte ${sig.offset}`);
    }
    for (const r of c.receipts) {
      const index = wits.indexOf(r.prefix);
      if (index < 0)
        res.ignored.push(`receipt at byte ${r.offset} is from ${r.prefix.slice(0, 8)}…, not a witness`);
      else if (r.signature.code !== "0B")
        res.ignored.push(`receipt at byte ${r.offset} is not an Ed25519 signature`);
      else witness(index, r.signature.raw, `receipt at byte ${r.offset}`);
    }
    return res;
  });
  if (items.length > 0) {
    const verdicts = verify(items);
    if (verdicts.length !== items.length)
      throw new RangeError(`batch verifier returned ${verdicts.length} verdicts for ${items.length} items`);
    verdicts.forEach((ok, i) => {
      (onResult[i] as (ok: boolean) => void)(ok);
    });
  }
  return results;
}

/** True when `keyText` hashes (with the digest's own algorithm) to the qb64 digest `next`. */
function exposes(keyText: string, next: string | undefined, layout: Layout): boolean {
  if (next === undefined) return false;
  try {
    const m = decodeMatter(next, layout);
    const want = digestRaw(m.code, utf8.encode(keyText));
    return want.length === m.raw.length && want.every((b, i) => b === m.raw[i]);
  } catch {
    return false;
  }
}
