// validate(credential, { validOn, resolution }): was this credential, and every credential its
// edges lean on, validly issued and not revoked as of T? A pure function of (T, W, evidence): the
// wall clock is never read. Signatures are checked through a SignatureCache (one batch per
// validation when cold, none when warm).
import { parseTimestamp } from "@chronoseal/core";
import { type DuplicityProof, findDuplicity } from "./duplicity.js";
import type { EvidenceView } from "./evidence.js";
import { type KelState, replayKel, type SignatureOracle, sealKey } from "./kel.js";
import { hasValidSaid } from "./said.js";
import { type Pending, SignatureCache } from "./signatures.js";
import type { Credential, Edge, EdgeOperator, IssueEvent, RevokeEvent } from "./types.js";
import { issuanceCounts, revocationCounts, windowOf } from "./window.js";

export type LinkStatus =
  | "valid"
  | "revoked-before"
  | "not-yet-issued"
  | "pin-violated"
  | "pending"
  | "signature-invalid"
  | "duplicity"
  | "untrusted-root"
  | "edge-failed";

export interface LinkVerdict {
  credential: string;
  /** "root" for the credential asked about, else `<child said>/<edge name>`. */
  via: string;
  operator?: EdgeOperator;
  issuer?: string;
  issuee?: string;
  /** The link's own status (its evidence only; edges are judged on the links they point to). */
  status: LinkStatus;
  reason: string;
  issuedAt?: string;
  revokedAt?: string;
  /** Sequence number of the issuer's key event that anchors the issuance. */
  anchoredAt?: number;
  missing?: string[];
  duplicity?: DuplicityProof;
}

export interface EdgeVerdict {
  /** The credential the edge belongs to. */
  from: string;
  name: string;
  operator: EdgeOperator;
  /** The parent credential the edge points to. */
  to: string;
  result: "holds" | "fails" | "pending";
  reason: string;
}

export interface Verdict {
  credential: string;
  validOn: number;
  resolution: number;
  valid: boolean;
  /** The chain's status: `valid`, or the first reason it is not. */
  status: LinkStatus;
  reason: string;
  links: LinkVerdict[];
  /** Every edge judged, with its operator and result. */
  edges: EdgeVerdict[];
  /** Evidence still missing (empty unless status is `pending`). */
  missing: string[];
  duplicity: DuplicityProof[];
}

export interface ValidateOptions {
  /** The time T (epoch ms or RFC 3339). */
  validOn: number | string;
  /** The window W in ms. */
  resolution: number;
  /** Root issuers whose edge-less credentials anchor a chain. Omit to accept any root. */
  trustedRoots?: readonly string[];
}

interface ChainResult {
  status: LinkStatus;
  reason: string;
  missing: string[];
}

interface OwnResult extends ChainResult {
  credential?: Credential;
  issuedAt?: number;
  revokedAt?: number;
  anchoredAt?: number;
}

/** Per-store context: the signature cache and replayed key event logs. */
export class ValidationContext {
  readonly signatures = new SignatureCache();
  private readonly kels = new Map<string, { version: number; state: KelState }>();
  /** Incremented whenever a signature verdict was needed but not yet known. */
  unknownVerdicts = 0;
  constructor(readonly evidence: EvidenceView) {}

  kel(aid: string, oracle: SignatureOracle, cacheable: boolean): KelState {
    const version = this.evidence.version(aid);
    const hit = this.kels.get(aid);
    if (hit && hit.version === version) return hit.state;
    const before = this.unknownVerdicts;
    const state = replayKel(aid, this.evidence.keyEvents(aid), oracle);
    // Only a replay judged on known verdicts may be reused.
    if (cacheable && this.unknownVerdicts === before) this.kels.set(aid, { version, state });
    return state;
  }
}

export function validate(said: string, options: ValidateOptions, ctx: ValidationContext): Verdict {
  const validOn = typeof options.validOn === "string" ? parseTimestamp(options.validOn) : options.validOn;
  if (!Number.isFinite(validOn))
    throw new RangeError(`validOn: expected a time, got ${String(options.validOn)}`);
  if (!Number.isSafeInteger(options.resolution) || options.resolution <= 0) {
    throw new RangeError(`resolution: expected a positive integer of ms, got ${options.resolution}`);
  }
  // Warm path: judge with cached verdicts; when some are missing, collect them all, verify in one
  // batch, and judge again.
  let missingSig = false;
  const check: SignatureOracle = (doc, context, keys, threshold) =>
    ctx.signatures.validSigners(doc, context, keys, () => {
      missingSig = true;
      ctx.unknownVerdicts++;
    }) >= threshold;
  let verdict = new Judge(ctx, validOn, options, check, false).run(said);
  if (!missingSig) return verdict;
  const pending: Pending[] = [];
  const collect: SignatureOracle = (doc, context, keys) => {
    ctx.signatures.collect(pending, doc, context, keys);
    return true;
  };
  new Judge(ctx, validOn, options, collect, true).run(said);
  ctx.signatures.run(pending);
  missingSig = false;
  verdict = new Judge(ctx, validOn, options, check, false).run(said);
  return verdict;
}

class Judge {
  private readonly own = new Map<string, OwnResult>();
  private readonly chain = new Map<string, ChainResult>();
  private readonly links: LinkVerdict[] = [];
  private readonly edges: EdgeVerdict[] = [];
  private readonly proofs: DuplicityProof[] = [];
  private readonly active = new Set<string>();
  private readonly W: number;

  constructor(
    private readonly ctx: ValidationContext,
    private readonly T: number,
    private readonly options: ValidateOptions,
    private readonly sigOk: SignatureOracle,
    private readonly optimistic: boolean,
  ) {
    this.W = options.resolution;
  }

  run(said: string): Verdict {
    const r = this.judgeChain(said, "root", undefined);
    return {
      credential: said,
      validOn: this.T,
      resolution: this.W,
      valid: r.status === "valid",
      status: r.status,
      reason: r.reason,
      links: this.links,
      edges: this.edges,
      missing: r.status === "pending" ? [...new Set(r.missing)].sort() : [],
      duplicity: this.proofs,
    };
  }

  private kel(aid: string): KelState {
    return this.ctx.kel(aid, this.sigOk, !this.optimistic);
  }

  private judgeChain(said: string, via: string, operator: EdgeOperator | undefined): ChainResult {
    const own = this.judgeOwn(said, via, operator);
    const memo = this.chain.get(said);
    if (memo) return memo;
    if (this.active.has(said))
      return { status: "edge-failed", reason: `edge cycle through ${said}`, missing: [] };
    this.active.add(said);
    const result = this.combine(own);
    this.active.delete(said);
    this.chain.set(said, result);
    return result;
  }

  private combine(own: OwnResult): ChainResult {
    const c = own.credential;
    if (own.status !== "valid" || !c) return own;
    const edges = namedEdges(c);
    if (edges.length === 0) {
      const roots = this.options.trustedRoots;
      if (roots && !roots.includes(c.i)) {
        return { status: "untrusted-root", reason: `root issuer ${c.i} is not trusted`, missing: [] };
      }
      return own;
    }
    const results = edges.map(([name, edge]) => {
      const r = this.judgeEdge(c, own, name, edge);
      this.edges.push({
        from: c.d,
        name,
        operator: edge.o ?? "I2I",
        to: edge.n,
        result: r.status === "valid" ? "holds" : r.status === "pending" ? "pending" : "fails",
        reason: r.status === "valid" ? "" : r.reason,
      });
      return r;
    });
    const any = c.e?.o === "OR";
    const holds = results.filter((r) => r.status === "valid");
    const pending = results.filter((r) => r.status === "pending");
    const failed = results.filter((r) => r.status !== "valid" && r.status !== "pending");
    if (any ? holds.length > 0 : failed.length === 0 && pending.length === 0) return own;
    if (!any && failed.length > 0) return failed[0]!;
    if (pending.length > 0)
      return { status: "pending", reason: pending[0]!.reason, missing: pending.flatMap((p) => p.missing) };
    return failed[0] ?? { status: "edge-failed", reason: "no edge holds", missing: [] };
  }

  private judgeEdge(child: Credential, childOwn: OwnResult, name: string, edge: Edge): ChainResult {
    const op = edge.o ?? "I2I";
    const where = `${child.d}/${name}`;
    if (edge.pin && childOwn.anchoredAt !== undefined) {
      const { min, max } = edge.pin;
      if (
        (min !== undefined && childOwn.anchoredAt < min) ||
        (max !== undefined && childOwn.anchoredAt > max)
      ) {
        const reason = `${where}: issued under key event ${childOwn.anchoredAt}, outside pin [${min ?? ""}, ${max ?? ""}]`;
        this.linkOf(child.d).status = "pin-violated";
        this.linkOf(child.d).reason = reason;
        return { status: "pin-violated", reason, missing: [] };
      }
    }
    const parent = this.judgeChain(edge.n, where, op);
    const parentOwn = this.own.get(edge.n);
    const p = parentOwn?.credential;
    if (op === "NOT") {
      if (parent.status === "pending") return parent;
      return parent.status === "valid"
        ? { status: "edge-failed", reason: `${where}: NOT edge, but ${edge.n} is valid`, missing: [] }
        : { status: "valid", reason: "", missing: [] };
    }
    if (p && edge.s !== undefined && p.s !== edge.s) {
      return {
        status: "edge-failed",
        reason: `${where}: parent schema ${p.s} is not ${edge.s}`,
        missing: [],
      };
    }
    if (p && op === "I2I" && p.a.i !== child.i) {
      return {
        status: "edge-failed",
        reason: `${where}: I2I, but issuer ${child.i} is not the parent's issuee ${p.a.i}`,
        missing: [],
      };
    }
    if (p && op === "DI2I" && (p.a.i === undefined || !this.delegatedBy(child.i, p.a.i))) {
      return {
        status: "edge-failed",
        reason: `${where}: DI2I, but ${child.i} is neither ${p.a.i} nor its delegate`,
        missing: [],
      };
    }
    if (parent.status === "valid") return parent;
    // Grace: a parent revoked at r still carries children issued before r until r + grace.
    if (
      edge.grace !== undefined &&
      parentOwn?.status === "revoked-before" &&
      parentOwn.revokedAt !== undefined
    ) {
      const r = parentOwn.revokedAt;
      const issuedBefore =
        childOwn.issuedAt !== undefined && windowOf(childOwn.issuedAt, this.W) <= windowOf(r, this.W);
      if (issuedBefore && !revocationCounts(r + edge.grace, this.T, this.W))
        return { status: "valid", reason: "", missing: [] };
    }
    return parent;
  }

  private delegatedBy(aid: string, delegator: string): boolean {
    let cur: string | undefined = aid;
    for (let depth = 0; cur && depth < 16; depth++) {
      if (cur === delegator) return true;
      cur = this.kel(cur).delegator;
    }
    return false;
  }

  private linkOf(said: string): LinkVerdict {
    return this.links.find((l) => l.credential === said)!;
  }

  private judgeOwn(said: string, via: string, operator: EdgeOperator | undefined): OwnResult {
    const memo = this.own.get(said);
    if (memo) return memo;
    const r = this.evaluate(said);
    this.own.set(said, r);
    const c = r.credential;
    const link: LinkVerdict = { credential: said, via, status: r.status, reason: r.reason };
    if (operator) link.operator = operator;
    if (c) {
      link.issuer = c.i;
      link.issuee = c.a?.i;
    }
    if (r.issuedAt !== undefined) link.issuedAt = new Date(r.issuedAt).toISOString();
    if (r.revokedAt !== undefined) link.revokedAt = new Date(r.revokedAt).toISOString();
    if (r.anchoredAt !== undefined) link.anchoredAt = r.anchoredAt;
    if (r.missing.length) link.missing = r.missing;
    const proof = this.proofs.find((p) => p.credential === said);
    if (proof) link.duplicity = proof;
    this.links.push(link);
    return r;
  }

  private evaluate(said: string): OwnResult {
    const ev = this.ctx.evidence;
    const c = ev.credential(said);
    if (!c)
      return {
        status: "pending",
        reason: `credential ${said} not received`,
        missing: [`credential:${said}`],
      };
    if (!hasValidSaid(c) || !c.a || typeof c.i !== "string") {
      return {
        status: "signature-invalid",
        reason: `credential ${said}: SAID does not match`,
        missing: [],
        credential: c,
      };
    }
    const kel = this.kel(c.i);
    const tel = ev.telEvents(said);
    const iss = tel.find(
      (e): e is IssueEvent => e.t === "iss" && e.s === 0 && e.ri === c.ri && hasValidSaid(e),
    );
    if (!iss)
      return {
        status: "pending",
        reason: `no issue event for ${said}`,
        missing: [`tel:${said}#iss`],
        credential: c,
      };
    const anchoredAt = kel.anchors.get(sealKey({ i: said, s: 0, d: iss.d }));
    if (anchoredAt === undefined) return this.unanchored(kel, iss.d, c);
    const state = kel.states[anchoredAt]!;
    if (!this.sigOk(c, "credential", state.keys, state.threshold)) {
      return {
        status: "signature-invalid",
        reason: `credential ${said} is not signed by ${c.i}`,
        missing: [],
        credential: c,
      };
    }
    if (!this.sigOk(iss, "tel-event", state.keys, state.threshold)) {
      return {
        status: "signature-invalid",
        reason: `issue event of ${said} is not signed by ${c.i}`,
        missing: [],
        credential: c,
      };
    }
    const issuedAt = safeTime(iss.dt);
    if (issuedAt === undefined)
      return {
        status: "signature-invalid",
        reason: `issue event of ${said}: bad dt`,
        missing: [],
        credential: c,
      };
    const base = { credential: c, issuedAt, anchoredAt };
    let revokedAt: number | undefined;
    const rev = tel.find(
      (e): e is RevokeEvent => e.t === "rev" && e.s === 1 && e.p === iss.d && hasValidSaid(e),
    );
    if (rev) {
      const at = safeTime(rev.dt);
      const revSn = kel.anchors.get(sealKey({ i: said, s: 1, d: rev.d }));
      const revState = revSn === undefined ? undefined : kel.states[revSn];
      if (at !== undefined && revState && this.sigOk(rev, "tel-event", revState.keys, revState.threshold)) {
        revokedAt = at;
        const proof = findDuplicity(c, rev, ev.replies(said), kel, this.ctx.signatures, this.sigOk);
        if (proof) {
          this.proofs.push(proof);
          return { ...base, revokedAt, status: "duplicity", reason: proof.reason, missing: [] };
        }
      } else if (at !== undefined && revSn === undefined && revocationCounts(at, this.T, this.W)) {
        return {
          ...base,
          status: "pending",
          reason: `revocation of ${said} is not anchored yet`,
          missing: [`anchor:${rev.d}`],
        };
      }
    }
    if (!issuanceCounts(issuedAt, this.T, this.W)) {
      return {
        ...base,
        status: "not-yet-issued",
        reason: `${said} issued at ${iss.dt}, after the window of T`,
        missing: [],
      };
    }
    if (revokedAt !== undefined && revocationCounts(revokedAt, this.T, this.W)) {
      return {
        ...base,
        revokedAt,
        status: "revoked-before",
        reason: `${said} revoked at ${rev!.dt}, before the window of T`,
        missing: [],
      };
    }
    const r: OwnResult = { ...base, status: "valid", reason: "issued, not revoked as of T", missing: [] };
    if (revokedAt !== undefined) r.revokedAt = revokedAt;
    return r;
  }

  private unanchored(kel: KelState, eventSaid: string, c: Credential): OwnResult {
    const stop = kel.stop;
    if (stop?.reason === "duplicity")
      return { status: "duplicity", reason: stop.detail, missing: [], credential: c };
    if (stop && stop.reason !== "missing") {
      return {
        status: "signature-invalid",
        reason: `issuer log ${c.i} broken: ${stop.detail}`,
        missing: [],
        credential: c,
      };
    }
    const missing = [`anchor:${eventSaid}`];
    if (kel.events.length === 0) missing.push(`kel:${c.i}@0`);
    else if (stop) missing.push(stop.detail);
    return {
      status: "pending",
      reason: `issuance of ${c.d} is not anchored in ${c.i}'s key event log`,
      missing,
      credential: c,
    };
  }
}

function namedEdges(c: Credential): [string, Edge][] {
  if (!c.e || typeof c.e !== "object") return [];
  const out: [string, Edge][] = [];
  for (const [name, value] of Object.entries(c.e)) {
    if (name === "d" || name === "o") continue;
    if (value && typeof value === "object" && typeof (value as Edge).n === "string")
      out.push([name, value as Edge]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function safeTime(dt: unknown): number | undefined {
  try {
    return typeof dt === "string" ? parseTimestamp(dt) : undefined;
  } catch {
    return undefined;
  }
}
