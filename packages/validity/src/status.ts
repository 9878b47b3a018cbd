// status(said): the credential's transaction state as the evidence authenticates it — issued,
// revoked, pending (with what is missing), duplicitous — independent of any T and of its
// chain. Unanchored, unsigned or foreign events about it are listed, never counted: a forged
// far-future revocation shows up there, not as the revocation date.
import { parseCredential } from "./credential.js";
import type { Evidence } from "./evidence.js";
import { type Missing, normalizeMissing } from "./missing.js";
import { type Note, normalizeNotes } from "./notes.js";
import { resolveTel } from "./tel-resolve.js";

export interface CredentialStatus {
  readonly credential: string;
  readonly state: "unknown" | "issued" | "revoked" | "pending" | "duplicitous" | "malformed";
  readonly reason: string;
  readonly issuer: string | undefined;
  readonly registry: string | undefined;
  /** Whether the credential itself (ACDC) is in the evidence. */
  readonly received: boolean;
  readonly issuance: { readonly said: string; readonly dt: string; readonly anchor: string } | undefined;
  readonly revocation: { readonly said: string; readonly dt: string; readonly anchor: string } | undefined;
  readonly missing: readonly Missing[];
  readonly unauthenticated: readonly Note[];
}

function anchorText(a: { prefix: string; sn: bigint; said: string }): string {
  return `${a.prefix} sn ${a.sn.toString(16)} (${a.said})`;
}

export function credentialStatus(evidence: Evidence, said: string): CredentialStatus {
  if (typeof said !== "string" || said.length === 0)
    throw new TypeError("credential: expected a SAID string");
  const copy = evidence.acdcs.get(said)?.[0];
  let expect: { issuer: string; registry: string } | undefined;
  let malformed: string | undefined;
  if (copy) {
    const i = copy.body.i;
    const ri = copy.body.ri;
    if (typeof i === "string" && typeof ri === "string") expect = { issuer: i, registry: ri };
    try {
      parseCredential(copy.body, said);
    } catch (e) {
      malformed = (e as Error).message;
    }
  }
  const tel = resolveTel(evidence, said, expect, false);
  const base = {
    credential: said,
    issuer: expect?.issuer ?? tel.registry?.issuer,
    registry: expect?.registry ?? tel.registry?.registry,
    received: copy !== undefined,
    issuance: tel.issuance
      ? {
          said: tel.issuance.event.said,
          dt: tel.issuance.event.dtText,
          anchor: anchorText(tel.issuance.anchor),
        }
      : undefined,
    revocation: tel.revocation
      ? {
          said: tel.revocation.event.said,
          dt: tel.revocation.event.dtText,
          anchor: anchorText(tel.revocation.anchor),
        }
      : undefined,
    unauthenticated: normalizeNotes(tel.unauthenticated),
  };
  if (tel.fork)
    return {
      ...base,
      state: "duplicitous",
      reason: `the issuer anchored ${tel.fork.length} competing TEL events`,
      missing: [],
    };
  if (tel.malformed) return { ...base, state: "malformed", reason: tel.malformed, missing: [] };
  if (malformed) return { ...base, state: "malformed", reason: malformed, missing: [] };
  if (tel.revocation)
    return { ...base, state: "revoked", reason: `revoked at ${tel.revocation.event.dtText}`, missing: [] };
  if (tel.issuance)
    return {
      ...base,
      state: "issued",
      reason: `issued at ${tel.issuance.event.dtText}, not revoked`,
      missing: [],
    };
  const nothing = !copy && (evidence.credentialEvents.get(said) ?? []).length === 0;
  return {
    ...base,
    state: nothing ? "unknown" : "pending",
    reason: nothing ? `nothing about ${said} is in the evidence` : "no issuance is authenticated yet",
    missing: nothing ? [] : normalizeMissing(tel.missing),
  };
}
