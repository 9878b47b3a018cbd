// JSON-friendly views of parsed messages and replayed logs, for CLIs and reports: sequence
// numbers as KERI writes them (lowercase hex strings), byte offsets as numbers, no raw bytes.
import { verifyAcdc } from "./acdc.js";
import type { CesrMessage } from "./cesr/stream.js";
import { keyStateJson } from "./kel/state.js";
import type { EventRecord, KelResult, WaitingFor } from "./kel/types.js";

function hex(n: bigint | undefined): string | undefined {
  return n === undefined ? undefined : n.toString(16);
}

/** A parsed message: what it is, where it is, its SAID check and its attachments. */
export function messageJson(m: CesrMessage): Record<string, unknown> {
  const a = m.attachments;
  const out: Record<string, unknown> = {
    index: m.index,
    offset: m.offset,
    size: m.raw.length,
    protocol: m.version.protocol,
    ilk: m.ilk ?? null,
    said: m.said.ok ? m.said.said : (m.said.actual ?? null),
    saidCheck: m.said.ok
      ? { ok: true, layout: m.said.layout }
      : { ok: false, reason: m.said.reason, message: m.said.message },
    layout: m.layout,
    prefix: typeof m.body.i === "string" ? m.body.i : null,
    sn: typeof m.body.s === "string" ? m.body.s : null,
    attachments: {
      groups: a.groups.map((g) => ({
        code: g.code,
        name: g.name,
        count: g.count,
        offset: g.offset,
        domain: g.domain,
      })),
      controllerSigs: a.controllerSigs.map((s) => ({ code: s.code, index: s.index, ondex: s.ondex ?? null })),
      witnessSigs: a.witnessSigs.map((s) => ({ code: s.code, index: s.index })),
      receipts: a.receipts.map((r) => ({ prefix: r.prefix })),
      transReceipts: a.transReceipts.map((g) => ({
        prefix: g.prefix,
        sn: hex(g.sn),
        digest: g.digest,
        signatures: g.signatures.length,
      })),
      transSigGroups: a.transSigGroups.map((g) => ({
        prefix: g.prefix,
        sn: hex(g.sn),
        digest: g.digest,
        signatures: g.signatures.length,
      })),
      sealSources: a.sealSources.map((s) => ({ sn: hex(s.sn), digest: s.digest })),
      sealSourceTriples: a.sealSourceTriples.map((s) => ({
        prefix: s.prefix,
        sn: hex(s.sn),
        digest: s.digest,
      })),
      firstSeen: a.firstSeen.map((f) => ({ fn: hex(f.fn), dt: f.dt })),
      pathedSignatures: a.pathedSignatures.map((p) => ({
        path: p.path,
        groups: p.groups.map((g) => ({
          prefix: g.prefix,
          sn: hex(g.sn),
          digest: g.digest,
          signatures: g.signatures.length,
        })),
        signatures: p.signatures.length,
      })),
    },
  };
  if (m.version.protocol === "ACDC") {
    const check = verifyAcdc(m.raw, { layout: m.layout });
    out.acdc = {
      ok: check.ok,
      form: check.form ?? null,
      sections: check.sections.map((s) => ({
        path: s.path,
        kind: s.kind,
        said: s.said ?? null,
        ok: s.check ? s.check.ok : null,
      })),
    };
  }
  return out;
}

/** A waiting reason as JSON. */
export function waitingJson(w: WaitingFor): Record<string, unknown> {
  return JSON.parse(JSON.stringify(w, (_, v) => (typeof v === "bigint" ? v.toString(16) : v))) as Record<
    string,
    unknown
  >;
}

/** One-line human description of a waiting reason. */
export function describeWaiting(w: WaitingFor): string {
  switch (w.kind) {
    case "prior-event":
      return `waits for its prior event ${w.said} (sn ${w.sn.toString(16)}), not in the evidence`;
    case "prior-pending":
      return `waits for its prior event ${w.said} to be accepted`;
    case "inception":
      return "waits for a valid inception event";
    case "signatures":
      return `has ${w.verified} verified controller signature(s); threshold ${JSON.stringify(w.threshold)} not met`;
    case "prior-next-signatures":
      return `exposes ${w.exposed} pre-rotated key(s); prior next threshold ${JSON.stringify(w.threshold)} not met`;
    case "witness-receipts":
      return `has ${w.verified} of ${w.toad} required witness receipts`;
    case "delegator-log":
      return `waits for the delegator's key event log ${w.delegator} (not in the evidence)`;
    case "delegator-pending":
      return `waits for the delegator ${w.delegator}, whose own log is not accepted`;
    case "delegation-anchor":
      return `waits for delegator ${w.delegator} to anchor seal ${JSON.stringify(w.seal)}`;
    case "duplicity":
      return `sits on a disputed branch (duplicity at sn ${w.sn.toString(16)})`;
  }
}

function recordJson(e: EventRecord): Record<string, unknown> {
  return {
    said: e.said,
    sn: hex(e.sn),
    ilk: e.ilk,
    sources: e.sources,
    signatures: e.signatures,
    anchor: e.anchor
      ? { prefix: e.anchor.prefix, sn: hex(e.anchor.sn), said: e.anchor.said, sealIndex: e.anchor.sealIndex }
      : null,
    firstSeen: e.firstSeen,
  };
}

/** A replayed log as JSON: status, key state, and every event's fate with its reason. */
export function kelResultJson(r: KelResult): Record<string, unknown> {
  return {
    prefix: r.prefix,
    status: r.status,
    state: r.state ? keyStateJson(r.state) : null,
    waitingFor: r.waitingFor.map(waitingJson),
    accepted: r.accepted.map(recordJson),
    pending: r.pending.map((p) => ({ ...recordJson(p), waitingFor: p.waitingFor.map(waitingJson) })),
    superseded: r.superseded.map(recordJson),
    rejected: r.rejected.map((x) => ({
      said: x.said ?? null,
      sn: hex(x.sn) ?? null,
      ilk: x.ilk ?? null,
      sources: x.sources,
      code: x.code,
      reason: x.reason,
    })),
    duplicity: r.duplicity.map((d) => ({ sn: hex(d.sn), prior: d.prior, events: d.events.map(recordJson) })),
  };
}
