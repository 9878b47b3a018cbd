// Registries (management TELs): a registry exists for validation once its inception (vcp) is
// anchored in its issuer's KEL by the seal {i: registry, s: "0", d: vcp SAID}; backer rotations
// (vrt) follow, each anchored the same way and chained by its prior SAID. The result names the
// issuer whose KEL authenticates every credential event of the registry, its backers, and what
// is missing when it cannot be established yet.
import type { Anchor, CesrMessage } from "@chronoseal/keri";
import type { Evidence } from "./evidence.js";
import type { Missing } from "./missing.js";
import { parseTelEvent, type RegistryInception, type RegistryRotation, TRAIT_NO_BACKERS } from "./tel.js";

interface RegistryState {
  readonly said: string;
  readonly sn: bigint;
  readonly backers: readonly string[];
  readonly toad: number;
}

export interface Registry {
  readonly registry: string;
  readonly issuer: string;
  readonly noBackers: boolean;
  readonly inception: RegistryInception;
  readonly message: CesrMessage;
  readonly anchor: Anchor;
  /** True when the anchor is only provisional (the issuer's log waits for a delegator). */
  readonly provisional: boolean;
  /** Registry states by event SAID (the inception and each anchored rotation). */
  readonly states: ReadonlyMap<string, RegistryState>;
}

export type RegistryResult =
  | { readonly ok: true; readonly registry: Registry }
  | { readonly ok: false; readonly malformed: string | undefined; readonly missing: readonly Missing[] };

function hex(n: bigint): string {
  return n.toString(16);
}

/** Establishes registry `regk` from the evidence (provisional anchors allowed when asked). */
export function resolveRegistry(evidence: Evidence, regk: string, provisional: boolean): RegistryResult {
  const events = evidence.registryEvents.get(regk) ?? [];
  const vcpMsg = events.find((m) => m.ilk === "vcp");
  if (!vcpMsg)
    return {
      ok: false,
      malformed: undefined,
      missing: [{ kind: "registry", id: regk, detail: `the inception (vcp) of registry ${regk}` }],
    };
  let vcp: RegistryInception;
  try {
    vcp = parseTelEvent(vcpMsg.body, vcpMsg.layout) as RegistryInception;
  } catch (e) {
    return { ok: false, malformed: `registry ${regk}: ${(e as Error).message}`, missing: [] };
  }
  const kels = evidence.kels();
  const seal = { i: regk, s: "0", d: vcp.said };
  const strict = kels.anchor(vcp.issuer, seal, false);
  const anchor = strict ?? (provisional ? kels.anchor(vcp.issuer, seal, true) : undefined);
  if (!anchor) {
    const missing: Missing[] = [];
    const sealer = kels.pendingSealer(vcp.issuer, seal);
    if (sealer) missing.push(...kels.explain(vcp.issuer, sealer, sealer.waitingFor));
    else if (!kels.replay.get(vcp.issuer)?.state) missing.push(...kels.explainLog(vcp.issuer));
    if (missing.length === 0)
      missing.push({
        kind: "anchor",
        id: vcp.said,
        detail: `a seal of registry inception ${vcp.said} in the key event log of its issuer ${vcp.issuer}`,
      });
    return { ok: false, malformed: undefined, missing };
  }
  const states = new Map<string, RegistryState>();
  let current: RegistryState = { said: vcp.said, sn: 0n, backers: vcp.backers, toad: vcp.toad };
  states.set(vcp.said, current);
  // Backer rotations: at each step, the one anchored vrt whose prior is the current state.
  const rotations = events
    .filter((m) => m.ilk === "vrt")
    .flatMap((m) => {
      try {
        return [parseTelEvent(m.body, m.layout) as RegistryRotation];
      } catch {
        return [];
      }
    });
  for (;;) {
    const next = rotations.filter(
      (r) =>
        r.prior === current.said &&
        r.sn === current.sn + 1n &&
        kels.anchor(vcp.issuer, { i: regk, s: hex(r.sn), d: r.said }, provisional) !== undefined,
    );
    const unique = [...new Map(next.map((r) => [r.said, r])).values()];
    if (unique.length !== 1) break; // none, or a fork the issuer anchored twice: stop before it
    const r = unique[0] as RegistryRotation;
    const backers = [...current.backers.filter((b) => !r.cuts.includes(b)), ...r.adds];
    current = { said: r.said, sn: r.sn, backers, toad: r.toad };
    states.set(r.said, current);
  }
  return {
    ok: true,
    registry: {
      registry: regk,
      issuer: vcp.issuer,
      noBackers: vcp.config.includes(TRAIT_NO_BACKERS),
      inception: vcp,
      message: vcpMsg,
      anchor,
      provisional: strict === undefined,
      states,
    },
  };
}
