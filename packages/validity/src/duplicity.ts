// Duplicity: an issuer (or its witness) said "credential X was not revoked as of t", and later a
// revocation of X dated before t appears. The two signed messages together prove the revocation
// was backdated; verifyDuplicityProof checks such a proof on its own, with no store.
import {
  canonicalHash,
  fromBase64,
  parseTimestamp,
  signingString,
  toBase64,
  verifyBatch,
} from "@chronoseal/core";
import type { KelState, SignatureOracle } from "./kel.js";
import { hasValidSaid } from "./said.js";
import type { SignatureCache } from "./signatures.js";
import type { Credential, RevokeEvent, StatusReply } from "./types.js";

export interface DuplicityProof {
  credential: string;
  /** The signed "not revoked as of asOf" reply. */
  reply: StatusReply;
  /** The signed revocation dated before asOf. */
  revocation: RevokeEvent;
  /** Key that signed the reply. */
  replySigner: string;
  /** Key that signed the revocation. */
  revocationSigner: string;
  reason: string;
}

function allKeys(kel: KelState): string[] {
  return [...new Set(kel.states.flatMap((s) => s.keys))];
}

/** Looks for a stored reply that the (verified) revocation contradicts. */
export function findDuplicity(
  c: Credential,
  rev: RevokeEvent,
  replies: readonly StatusReply[],
  issuerKel: KelState,
  cache: SignatureCache,
  sigOk: SignatureOracle,
): DuplicityProof | undefined {
  const revokedAt = parseTimestamp(rev.dt);
  const issuerKeys = allKeys(issuerKel);
  for (const reply of replies) {
    if (
      reply.credential !== c.d ||
      reply.status !== "not-revoked" ||
      reply.replier !== c.i ||
      !hasValidSaid(reply)
    )
      continue;
    let asOf: number;
    try {
      asOf = parseTimestamp(reply.asOf);
    } catch {
      continue;
    }
    if (!(asOf > revokedAt)) continue;
    if (!sigOk(reply, "status-reply", issuerKeys, 1)) continue;
    const replySigner = cache.signers(reply, "status-reply", issuerKeys)[0]?.key;
    const revocationSigner = cache.signers(rev, "tel-event", issuerKeys)[0]?.key;
    if (!replySigner || !revocationSigner) continue;
    return {
      credential: c.d,
      reply,
      revocation: rev,
      replySigner,
      revocationSigner,
      reason: `revocation of ${c.d} dated ${rev.dt} contradicts the signed reply "not revoked as of ${reply.asOf}"`,
    };
  }
  return undefined;
}

/** Checks a duplicity proof on its own: both signatures, the same credential, the contradiction. */
export function verifyDuplicityProof(proof: DuplicityProof): boolean {
  try {
    const { reply, revocation } = proof;
    if (reply.t !== "rpy" || revocation.t !== "rev") return false;
    if (reply.credential !== proof.credential || revocation.i !== proof.credential) return false;
    if (reply.status !== "not-revoked") return false;
    if (!hasValidSaid(reply) || !hasValidSaid(revocation)) return false;
    if (!(parseTimestamp(reply.asOf) > parseTimestamp(revocation.dt))) return false;
    const items = [
      item(reply, "status-reply", proof.replySigner),
      item(revocation, "tel-event", proof.revocationSigner),
    ];
    if (items.some((x) => x === undefined)) return false;
    return verifyBatch(items as NonNullable<(typeof items)[number]>[]).every(Boolean);
  } catch {
    return false;
  }
}

const utf8 = new TextEncoder();

function item(doc: StatusReply | RevokeEvent, context: string, signer: string) {
  const entry = doc.signatures?.[signer];
  if (!entry || typeof entry.signed_at !== "string" || typeof entry.signature !== "string") return undefined;
  const { signatures: _s, ...payload } = doc;
  const hash = toBase64(canonicalHash(payload));
  return {
    publicKey: fromBase64(signer, "signer", 32),
    signature: fromBase64(entry.signature, "signature", 64),
    message: utf8.encode(signingString(context, entry.signed_at, hash)),
  };
}
