// A credential's transaction state, decided from every TEL event about it: an event counts
// only when it is well formed, belongs to the credential's registry (whose inception is
// anchored by the credential's issuer), has the kind the registry allows (iss/rev without
// backers, bis/brv with), is anchored in the issuer's KEL by the seal {i, s, d}, and (backed
// registries) carries enough receipts of the registry's backers. Everything else is kept and
// reported as unauthenticated and changes nothing. Two authenticated issuances, or two
// authenticated revocations, of one credential are the issuer's own duplicity.
import { type Anchor, type CesrMessage, decodeMatter } from "@chronoseal/keri";
import type { Evidence } from "./evidence.js";
import type { Missing } from "./missing.js";
import type { Note } from "./notes.js";
import { type Registry, resolveRegistry } from "./registry.js";
import { type CredentialEvent, parseTelEvent } from "./tel.js";

export interface AuthenticatedEvent {
  readonly event: CredentialEvent;
  readonly message: CesrMessage;
  readonly anchor: Anchor;
}

export interface TelState {
  readonly registry: Registry | undefined;
  readonly issuance: AuthenticatedEvent | undefined;
  readonly revocation: AuthenticatedEvent | undefined;
  /** Two authenticated events at one TEL sequence number. */
  readonly fork: readonly AuthenticatedEvent[] | undefined;
  /** An event the issuer anchored that is malformed (the issuer's own fault). */
  readonly malformed: string | undefined;
  /** Why there is no authenticated issuance (empty when there is one). */
  readonly missing: readonly Missing[];
  readonly unauthenticated: readonly Note[];
}

interface Candidate {
  readonly message: CesrMessage;
  readonly event: CredentialEvent | undefined;
  readonly error: string | undefined;
}

function hex(n: bigint): string {
  return n.toString(16);
}

function sortKey(m: CesrMessage): string {
  return `${String(m.body.d)}|${Buffer.from(m.raw).toString("latin1")}`;
}

/**
 * Distinct backers whose receipts (indexed -B or couples -C) verify on any stored copy of the
 * event: receipts of one event add up across copies, as witness receipts do in a KEL.
 */
function backerReceipts(
  evidence: Evidence,
  copies: readonly CesrMessage[],
  backers: readonly string[],
): number {
  const items: { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[] = [];
  const who: number[] = [];
  for (const m of copies) collectReceipts(m, backers, items, who);
  if (items.length === 0) return 0;
  const ok = evidence.verdicts.verify(items);
  return new Set(who.filter((_, i) => ok[i])).size;
}

function collectReceipts(
  m: CesrMessage,
  backers: readonly string[],
  items: { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[],
  who: number[],
): void {
  const key = (qb64: string) => {
    try {
      const k = decodeMatter(qb64, m.layout);
      return k.code === "B" || k.code === "D" ? k.raw : undefined;
    } catch {
      return undefined;
    }
  };
  for (const s of m.attachments.witnessSigs) {
    const b = backers[s.index];
    const k = b === undefined ? undefined : key(b);
    if (k && s.raw.length === 64) {
      items.push({ publicKey: k, message: m.raw, signature: s.raw });
      who.push(s.index);
    }
  }
  for (const r of m.attachments.receipts) {
    const i = backers.indexOf(r.prefix);
    const k = i < 0 ? undefined : key(r.prefix);
    if (k && r.signature.code === "0B") {
      items.push({ publicKey: k, message: m.raw, signature: r.signature.raw });
      who.push(i);
    }
  }
}

/**
 * The TEL state of credential `said` issued by `issuer` in registry `registry` (both from the
 * credential; when it is unknown, from the events themselves, for status()).
 */
export function resolveTel(
  evidence: Evidence,
  said: string,
  expect: { issuer: string; registry: string } | undefined,
  provisional: boolean,
): TelState {
  const kels = evidence.kels();
  const unauthenticated: Note[] = [];
  const missing: Missing[] = [];
  let malformed: string | undefined;
  const candidates: Candidate[] = [...(evidence.credentialEvents.get(said) ?? [])]
    .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1))
    .map((m) => {
      try {
        return { message: m, event: parseTelEvent(m.body, m.layout) as CredentialEvent, error: undefined };
      } catch (e) {
        return { message: m, event: undefined, error: (e as Error).message };
      }
    });
  const registries = new Map<string, ReturnType<typeof resolveRegistry>>();
  const registryOf = (regk: string) => {
    let r = registries.get(regk);
    if (!r) {
      r = resolveRegistry(evidence, regk, provisional);
      registries.set(regk, r);
    }
    return r;
  };
  const accepted: AuthenticatedEvent[] = [];
  for (const c of candidates) {
    const m = c.message;
    const note = (reason: string) =>
      unauthenticated.push({ said: String(m.body.d), what: m.ilk ?? "?", reason });
    const ev = c.event;
    if (!ev) {
      // Malformed. If the credential's issuer anchored it anyway, the issuer published junk.
      const s = m.body.s;
      if (
        expect &&
        typeof s === "string" &&
        kels.anchor(expect.issuer, { i: said, s, d: String(m.body.d) }, provisional)
      )
        malformed = `${m.ilk} ${String(m.body.d)} anchored by ${expect.issuer} is malformed: ${c.error}`;
      else note(`malformed: ${c.error}`);
      continue;
    }
    if (expect && ev.registry !== expect.registry) {
      note(`names registry ${ev.registry}, not the credential's registry ${expect.registry}`);
      continue;
    }
    const reg = registryOf(ev.registry);
    if (!reg.ok) {
      if (reg.malformed) note(reg.malformed);
      else {
        note(`registry ${ev.registry} is not established yet`);
        missing.push(...reg.missing);
      }
      continue;
    }
    const registry = reg.registry;
    if (expect && registry.issuer !== expect.issuer) {
      note(
        `registry ${ev.registry} belongs to ${registry.issuer}, not to the credential's issuer ${expect.issuer}`,
      );
      continue;
    }
    const backed = ev.ilk === "bis" || ev.ilk === "brv";
    if (backed === registry.noBackers) {
      note(`${ev.ilk} does not belong in a registry ${registry.noBackers ? "without" : "with"} backers`);
      continue;
    }
    const seal = { i: said, s: hex(ev.sn), d: ev.said };
    const anchor = kels.anchor(registry.issuer, seal, provisional);
    if (!anchor) {
      const sealer = kels.pendingSealer(registry.issuer, seal);
      if (sealer) {
        const why = kels.explain(registry.issuer, sealer, sealer.waitingFor);
        note(`sealed in pending event sn ${hex(sealer.sn)} of ${registry.issuer}, not accepted yet`);
        if (ev.sn === 0n) missing.push(...why);
      } else {
        note(`not anchored in the key event log of ${registry.issuer}`);
        if (ev.sn === 0n && !kels.replay.get(registry.issuer)?.state)
          missing.push(...kels.explainLog(registry.issuer));
        else if (ev.sn === 0n)
          missing.push({
            kind: "anchor",
            id: ev.said,
            detail: `a seal of ${ev.ilk} ${ev.said} in the key event log of ${registry.issuer}`,
          });
      }
      continue;
    }
    if (backed) {
      const state = ev.registrySeal ? registry.states.get(ev.registrySeal.d) : undefined;
      if (!state || state.sn.toString(16) !== ev.registrySeal?.s) {
        note(
          `names registry state ${JSON.stringify(ev.registrySeal)}, not an established state of ${registry.registry}`,
        );
        continue;
      }
      const copies = candidates.filter((x) => x.event?.said === ev.said).map((x) => x.message);
      const got = backerReceipts(evidence, copies, state.backers);
      if (got < state.toad) {
        note(`has ${got} of ${state.toad} required backer receipts`);
        if (ev.sn === 0n)
          missing.push({
            kind: "backer-receipts",
            id: ev.said,
            detail: `${state.toad - got} more backer receipt(s) of ${ev.ilk} ${ev.said}`,
          });
        continue;
      }
    }
    if (!accepted.some((a) => a.event.said === ev.said)) accepted.push({ event: ev, message: m, anchor });
  }
  const firstRegistry = [...registries.values()].find((r) => r.ok);
  const registry = expect
    ? (() => {
        const r = registryOf(expect.registry);
        return r.ok ? r.registry : undefined;
      })()
    : firstRegistry?.ok
      ? firstRegistry.registry
      : undefined;
  if (expect && !registry) {
    const r = registryOf(expect.registry);
    if (!r.ok) {
      if (r.malformed) malformed ??= r.malformed;
      missing.push(...r.missing);
    }
  }
  const issuances = accepted.filter((a) => a.event.sn === 0n);
  let fork: AuthenticatedEvent[] | undefined = issuances.length > 1 ? issuances : undefined;
  const issuance = issuances.length === 1 ? issuances[0] : undefined;
  let revocation: AuthenticatedEvent | undefined;
  if (issuance) {
    const revocations = accepted.filter((a) => a.event.sn === 1n);
    const following = revocations.filter((r) => r.event.prior === issuance.event.said);
    for (const r of revocations)
      if (r.event.prior !== issuance.event.said)
        unauthenticated.push({
          said: r.event.said,
          what: r.event.ilk,
          reason: `anchored, but its prior ${r.event.prior} is not the issuance ${issuance.event.said}`,
        });
    if (following.length > 1) fork = following;
    else revocation = following[0];
  }
  if (!issuance && !fork && missing.length === 0 && !malformed) {
    missing.push({
      kind: "issuance",
      id: said,
      detail: `an issuance event of ${said}${expect ? ` anchored in the key event log of ${expect.issuer}` : ""}`,
    });
  }
  return {
    registry,
    issuance,
    revocation,
    fork,
    malformed,
    missing: issuance || fork ? [] : missing,
    unauthenticated,
  };
}
