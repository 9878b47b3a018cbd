// Duplicity: an issuer that said two contradictory things, each provably its own.
// - backdated-revocation: a status reply "not revoked as of t" signed by the issuer's key
//   state, and a revocation dated before t anchored in the issuer's KEL under that same key
//   state (the establishment event in force where the revocation is anchored is the one that
//   signed the reply: a statement under keys the issuer had already rotated away is not
//   attributable to it — rotation is how KERI recovers from compromise);
// - tel-fork: two different issuances, or two different revocations, of one credential, both
//   anchored in the issuer's KEL;
// - kel-fork: two valid events at one sequence number of a KEL (found by KERI replay).
// A proof carries every message needed (the KEL closure, the registry, the events, the reply)
// as base64 CESR, and verifyDuplicityProof checks it on its own with the same rules.
import { fromBase64, toBase64 } from "@chronoseal/core";
import {
  type AcceptedEvent,
  type CesrMessage,
  concatStream,
  decodeMatter,
  ED25519_INDEXED_CODES,
} from "@chronoseal/keri";
import { Evidence } from "./evidence.js";
import type { KelView } from "./kel-view.js";
import { parseReply, type StatusReply, saysNotRevoked } from "./reply.js";
import { type AuthenticatedEvent, resolveTel } from "./tel-resolve.js";
import { compareInstants, formatInstant } from "./time.js";
import type { VerdictCache } from "./verdicts.js";

export type DuplicityProof =
  | {
      readonly kind: "backdated-revocation";
      readonly credential: string;
      readonly issuer: string;
      readonly reason: string;
      /** Base64 CESR: the signed reply. */
      readonly reply: string;
      /** Base64 CESR: the registry inception, the issuance and the revocation. */
      readonly tel: string;
      /** Base64 CESR: the issuer's KEL (with its delegators' KELs). */
      readonly kel: string;
    }
  | {
      readonly kind: "tel-fork";
      readonly credential: string;
      readonly issuer: string;
      readonly reason: string;
      /** Base64 CESR: the registry inception, the issuance(s) and the forked events. */
      readonly tel: string;
      readonly kel: string;
      /** SAIDs of the forked events. */
      readonly events: readonly string[];
    }
  | {
      readonly kind: "kel-fork";
      readonly prefix: string;
      /** Hex sequence number of the fork. */
      readonly sn: string;
      readonly reason: string;
      readonly kel: string;
      readonly events: readonly string[];
    };

/** Checks a status reply's signatures: the issuer's group, an accepted establishment event, kt met. */
export function authenticateReply(
  kels: KelView,
  verdicts: VerdictCache,
  reply: StatusReply,
  issuer: string,
): { ok: true; establishment: AcceptedEvent } | { ok: false; reason: string } {
  const group = reply.signers.find((g) => g.prefix === issuer);
  if (!group)
    return {
      ok: false,
      reason: reply.signers.length
        ? `signed by ${reply.signers.map((g) => g.prefix).join(", ")}, not by the issuer ${issuer}`
        : "carries no signature group (-F)",
    };
  const est = kels.replay.get(issuer)?.accepted.find((e) => e.sn === group.sn && e.said === group.said);
  if (!est || est.ilk === "ixn")
    return {
      ok: false,
      reason: `names ${group.said} (sn ${group.sn.toString(16)}), not an accepted establishment event of ${issuer}`,
    };
  const items: { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[] = [];
  const indices: number[] = [];
  for (const sig of group.signatures) {
    const keyText = est.state.keys[sig.index];
    if (!ED25519_INDEXED_CODES.has(sig.code) || keyText === undefined) continue;
    try {
      const k = decodeMatter(keyText, est.state.layout);
      if (k.raw.length !== 32) continue;
      items.push({ publicKey: k.raw, message: reply.message.raw, signature: sig.raw });
      indices.push(sig.index);
    } catch {}
  }
  const ok = items.length ? verdicts.verify(items) : [];
  const verified = new Set(indices.filter((_, i) => ok[i]));
  if (!est.state.kt.satisfy(verified))
    return {
      ok: false,
      reason: `${verified.size} verified signature(s) do not meet threshold ${JSON.stringify(est.state.kt.sith)}`,
    };
  return { ok: true, establishment: est };
}

/** Why an authenticated reply and an authenticated revocation contradict each other, if they do. */
export function contradiction(
  kels: KelView,
  reply: StatusReply,
  establishment: AcceptedEvent,
  revocation: AuthenticatedEvent,
): string | undefined {
  if (!saysNotRevoked(reply) || reply.credential !== revocation.event.credential) return undefined;
  if (compareInstants(reply.dt, revocation.event.dt) <= 0) return undefined;
  const inForce = kels.establishmentAt(revocation.anchor.prefix, revocation.anchor.sn);
  if (inForce?.said !== establishment.said) return undefined;
  return `revocation ${revocation.event.said} of ${reply.credential} is dated ${revocation.event.dtText}, before the issuer's signed reply ${reply.said} "not revoked as of ${reply.dtText}" (both under establishment event ${establishment.said})`;
}

function b64(evidence: Evidence, messages: readonly CesrMessage[]): string {
  return toBase64(concatStream(messages.map((m) => evidence.bytesOf(m))));
}

export function backdatedRevocationProof(
  evidence: Evidence,
  reply: StatusReply,
  issuance: AuthenticatedEvent,
  revocation: AuthenticatedEvent,
  registryMessage: CesrMessage,
  issuer: string,
  reason: string,
): DuplicityProof {
  return {
    kind: "backdated-revocation",
    credential: reply.credential,
    issuer,
    reason,
    reply: b64(evidence, [reply.message]),
    tel: b64(evidence, [registryMessage, issuance.message, revocation.message]),
    kel: b64(evidence, evidence.kelClosure(issuer)),
  };
}

export function telForkProof(
  evidence: Evidence,
  credential: string,
  issuer: string,
  registryMessage: CesrMessage,
  issuance: AuthenticatedEvent | undefined,
  fork: readonly AuthenticatedEvent[],
): DuplicityProof {
  const events = fork.map((f) => f.event.said);
  return {
    kind: "tel-fork",
    credential,
    issuer,
    reason: `the issuer anchored ${fork.length} different ${fork[0]?.event.sn === 0n ? "issuances" : "revocations"} of ${credential}: ${events.join(", ")}`,
    tel: b64(evidence, [
      registryMessage,
      ...(issuance ? [issuance.message] : []),
      ...fork.map((f) => f.message),
    ]),
    kel: b64(evidence, evidence.kelClosure(issuer)),
    events,
  };
}

export function kelForkProofs(evidence: Evidence, kels: KelView, prefix: string): DuplicityProof[] {
  return kels.duplicity(prefix).flatMap((log) =>
    log.duplicity.map((d) => ({
      kind: "kel-fork" as const,
      prefix: log.prefix,
      sn: d.sn.toString(16),
      reason: `${d.events.length} valid events at sequence number ${d.sn.toString(16)} of ${log.prefix}: ${d.events.map((e) => e.said).join(", ")}`,
      kel: b64(evidence, evidence.kelClosure(log.prefix)),
      events: d.events.map((e) => e.said),
    })),
  );
}

export interface ProofCheck {
  readonly ok: boolean;
  readonly reason: string;
}

function load(parts: readonly string[]): Evidence {
  const ev = new Evidence();
  for (const p of parts) {
    const report = ev.import(fromBase64(p, "proof part"));
    const bad = report.items.find((i) => i.status === "rejected");
    if (bad) throw new Error(`proof message ${bad.index} rejected: ${bad.reason}`);
  }
  return ev;
}

/** Checks a duplicity proof on its own (no store): every signature, anchor and contradiction. */
export function verifyDuplicityProof(proof: DuplicityProof): ProofCheck {
  try {
    if (proof.kind === "kel-fork") {
      const ev = load([proof.kel]);
      const log = ev.kels().replay.get(proof.prefix);
      const fork = log?.duplicity.find((d) => d.sn.toString(16) === proof.sn);
      if (!fork)
        return { ok: false, reason: `no duplicity at sn ${proof.sn} of ${proof.prefix} in the proof's KEL` };
      const found = new Set(fork.events.map((e) => e.said));
      if (proof.events.length < 2 || !proof.events.every((e) => found.has(e)))
        return { ok: false, reason: "the named events are not the valid competing events of the fork" };
      return { ok: true, reason: `KEL duplicity of ${proof.prefix} at sn ${proof.sn}` };
    }
    const ev = load([proof.kel, proof.tel, ...(proof.kind === "backdated-revocation" ? [proof.reply] : [])]);
    const acdcIssuer = proof.issuer;
    const registries = [...ev.registryEvents.keys()];
    if (registries.length !== 1)
      return { ok: false, reason: "the proof must hold exactly one registry inception" };
    const registry = registries[0] as string;
    const tel = resolveTel(ev, proof.credential, { issuer: acdcIssuer, registry }, false);
    if (!tel.registry)
      return { ok: false, reason: `registry ${registry} is not anchored in the KEL of ${acdcIssuer}` };
    if (proof.kind === "tel-fork") {
      const forked = new Set((tel.fork ?? []).map((f) => f.event.said));
      if (proof.events.length < 2 || !proof.events.every((e) => forked.has(e)))
        return {
          ok: false,
          reason: "the named events are not authenticated competing events of one TEL position",
        };
      return { ok: true, reason: `TEL duplicity of ${proof.credential}` };
    }
    const revocation = tel.revocation;
    if (!revocation)
      return {
        ok: false,
        reason: `no revocation of ${proof.credential} is authenticated by ${acdcIssuer}'s KEL`,
      };
    const replyMsg = ev.replies.get(proof.credential)?.[0];
    if (!replyMsg) return { ok: false, reason: `the proof's reply is not about ${proof.credential}` };
    const reply = parseReply(replyMsg);
    const auth = authenticateReply(ev.kels(), ev.verdicts, reply, acdcIssuer);
    if (!auth.ok) return { ok: false, reason: `reply ${reply.said} ${auth.reason}` };
    const why = contradiction(ev.kels(), reply, auth.establishment, revocation);
    if (!why)
      return {
        ok: false,
        reason: `reply ${reply.said} (${formatInstant(reply.dt)}, ${reply.et}) and revocation ${revocation.event.said} (${formatInstant(revocation.event.dt)}) do not contradict each other under one key state`,
      };
    return { ok: true, reason: why };
  } catch (e) {
    return { ok: false, reason: `malformed proof: ${(e as Error).message}` };
  }
}
