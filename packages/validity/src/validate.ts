// validate(said, { validOn: T, resolution: W, trustedRoots }): was this credential, and every
// credential its edges lean on, validly issued and not revoked as of T? A pure function of
// (T, W, trusted roots, evidence): no clock is read, nothing depends on what was asked before.
// Every link reachable through edges is judged at the same T and listed with its own status
// and the status of everything it leans on, even after the first failure. The walk over the
// credential graph is iterative (chains of any length, no recursion over links).
import type { Credential, Edge, EdgeGroup, UnaryOperator } from "./credential.js";
import type { DuplicityProof } from "./duplicity.js";
import type { Evidence } from "./evidence.js";
import { computeFacts, type Facts, type Own } from "./facts.js";
import { type Missing, normalizeMissing } from "./missing.js";
import { type Note, normalizeNotes } from "./notes.js";
import {
  addMillis,
  formatInstant,
  type Instant,
  issuanceCounts,
  parseResolution,
  parseValidOn,
  revocationCounts,
  windowOf,
} from "./time.js";
import {
  and,
  type EdgeVerdict,
  fail,
  type LinkStatus,
  type LinkVerdict,
  OK,
  type Outcome,
  or,
  statusOf,
  type ValidateOptions,
  type Verdict,
} from "./verdict.js";

export type { EdgeVerdict, LinkStatus, LinkVerdict, ValidateOptions, Verdict } from "./verdict.js";

export class Validator {
  private readonly cache = new Map<string, Facts>();
  private version = -1;

  constructor(readonly evidence: Evidence) {}

  facts(said: string): Facts {
    if (this.evidence.version !== this.version) {
      this.cache.clear();
      this.version = this.evidence.version;
    }
    let f = this.cache.get(said);
    if (!f) {
      f = computeFacts(this.evidence, said);
      this.cache.set(said, f);
    }
    return f;
  }

  validate(said: string, options: ValidateOptions): Verdict {
    if (typeof said !== "string" || said.length === 0)
      throw new TypeError(`credential: expected a SAID string, got ${typeof said}`);
    if (options === null || typeof options !== "object") throw new TypeError("options: expected an object");
    const T = parseValidOn(options.validOn);
    const W = parseResolution(options.resolution);
    const roots = options.trustedRoots;
    if (roots !== undefined && (!Array.isArray(roots) || roots.some((r) => typeof r !== "string")))
      throw new TypeError("trustedRoots: expected an array of identifier strings");
    const strict = new Judge(this, T, W, roots, false).run(said);
    let provisional: Verdict["provisional"];
    if (strict.status === "pending") {
      const p = new Judge(this, T, W, roots, true).run(said);
      provisional = { valid: p.valid, status: p.status, reason: p.reason };
    }
    return { ...strict, provisional };
  }
}

class Judge {
  private readonly chains = new Map<string, Outcome>();
  private readonly supports = new Map<string, Outcome>();
  private readonly owns = new Map<string, Outcome>();
  private readonly edges: EdgeVerdict[] = [];

  constructor(
    private readonly v: Validator,
    private readonly T: Instant,
    private readonly W: number,
    private readonly roots: readonly string[] | undefined,
    private readonly provisional: boolean,
  ) {}

  private own(f: Facts): Own {
    return this.provisional ? f.provisional : f.strict;
  }

  private ownAt(f: Facts): Outcome {
    const cached = this.owns.get(f.said);
    if (cached) return cached;
    const own = this.own(f);
    let o: Outcome;
    if (own.kind === "problem")
      o =
        own.status === "pending"
          ? { s: "pending", reason: own.reason, missing: own.missing }
          : fail(own.status, own.reason);
    else if (!issuanceCounts(own.issued, this.T, this.W))
      o = fail("not-yet-issued", `${f.said} is issued at ${own.issuedText}, after the window of T`);
    else if (own.revoked && revocationCounts(own.revoked, this.T, this.W))
      o = fail("revoked", `${f.said} is revoked at ${own.revokedText}, in a window before T's`);
    else o = OK;
    this.owns.set(f.said, o);
    return o;
  }

  run(said: string): Omit<Verdict, "provisional"> {
    const order: { said: string; via: string }[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: { said: string; next: number }[] = [{ said, next: 0 }];
    state.set(said, "open");
    order.push({ said, via: "root" });
    while (stack.length) {
      const top = stack[stack.length - 1] as { said: string; next: number };
      const f = this.v.facts(top.said);
      const edges = f.credential?.edges;
      if (edges && top.next < f.children.length) {
        const child = f.children[top.next] as string;
        const path = (f.edges[top.next] as Edge).path;
        top.next++;
        if (!state.has(child)) {
          state.set(child, "open");
          order.push({ said: child, via: `${top.said}:${path}` });
          stack.push({ said: child, next: 0 });
        }
        continue;
      }
      const own = this.ownAt(f);
      const support = this.support(f, state);
      this.supports.set(f.said, support);
      this.chains.set(f.said, and([own, support]));
      state.set(f.said, "done");
      stack.pop();
    }
    const result = this.chains.get(said) as Outcome;
    const links: LinkVerdict[] = [];
    const missing: Missing[] = [];
    const proofs = new Map<string, DuplicityProof>();
    const unauthenticated: Note[] = [];
    const ignored: Note[] = [];
    for (const { said: s, via } of order) {
      const f = this.v.facts(s);
      const own = this.own(f);
      const o = this.owns.get(s) as Outcome;
      const chain = this.chains.get(s) as Outcome;
      const c = f.credential;
      links.push({
        credential: s,
        via,
        issuer: c?.issuer,
        issuee: c?.issuee,
        schema: c?.schema,
        status: statusOf(o),
        reason:
          o.s === "ok"
            ? `issued at ${own.kind === "issued" ? own.issuedText : "?"}, not revoked as of T`
            : o.reason,
        chain: statusOf(chain),
        chainReason: chain.s === "ok" ? "valid with everything it leans on" : chain.reason,
        issuedAt: own.kind === "issued" ? formatInstant(own.issued) : undefined,
        revokedAt: own.kind === "issued" && own.revoked ? formatInstant(own.revoked) : undefined,
        anchoredAt:
          own.kind === "issued"
            ? { prefix: own.anchor.prefix, sn: own.anchor.sn.toString(16), said: own.anchor.said }
            : undefined,
        missing: own.kind === "problem" ? normalizeMissing(own.missing) : [],
      });
      if (own.kind === "problem") for (const p of own.proofs) proofs.set(JSON.stringify(p), p);
      unauthenticated.push(...f.unauthenticated);
      ignored.push(...f.ignored);
    }
    if (result.s === "pending") missing.push(...result.missing);
    return {
      credential: said,
      validOn: formatInstant(this.T),
      resolution: this.W,
      trustedRoots: this.roots ? [...this.roots] : null,
      valid: result.s === "ok",
      status: statusOf(result),
      reason:
        result.s === "ok" ? `${said} and every credential it leans on are valid as of T` : result.reason,
      links,
      edges: this.edges,
      missing: normalizeMissing(missing),
      duplicity: [...proofs.values()],
      unauthenticated: normalizeNotes(unauthenticated),
      ignored: normalizeNotes(ignored),
    };
  }

  /** The edges of `f` (or the trusted-root check when it has none), children already judged. */
  private support(f: Facts, state: Map<string, "open" | "done">): Outcome {
    const c = f.credential;
    if (!c) return OK; // its own status (pending or malformed) says everything
    if (!c.edges) return this.rootCheck(c);
    // Lineage: trust reaches a credential only through its positive (non-NOT) edges. A NOT edge
    // says what must not hold; it leads to no root. So a credential whose edges are all NOT is
    // itself a root for the trusted-root check, and an OR group holds only when at least one
    // positive edge holds (a NOT edge alone never makes a chain).
    const positive: Outcome[] = [];
    const group = (g: EdgeGroup): Outcome => {
      const results = g.members.map((m) => {
        if (m.kind === "group") return group(m);
        const o = this.edge(f, c, m, state);
        if (!m.not) positive.push(o);
        return o;
      });
      return g.operator === "OR" ? or(results) : and(results);
    };
    const edges = group(c.edges);
    const lineage = positive.length === 0 ? this.rootCheck(c) : or(positive);
    return and([edges, lineage]);
  }

  private rootCheck(c: Credential): Outcome {
    const roots = this.roots;
    if (!roots) return OK;
    const kels = this.v.evidence.kels();
    if (roots.some((r) => kels.isDelegateOf(c.issuer, r, false))) return OK;
    if (roots.some((r) => kels.isDelegateOf(c.issuer, r, true))) {
      if (this.provisional) return OK;
      // The delegation chain up to a trusted root is not proven yet: name the unaccepted logs.
      const missing: Missing[] = [];
      let cur: string | undefined = c.issuer;
      const seen = new Set<string>();
      while (cur !== undefined && !seen.has(cur)) {
        seen.add(cur);
        if (!kels.replay.get(cur)?.state) missing.push(...kels.explainLog(cur));
        cur = kels.delegatorOf(cur, true).delegator;
      }
      return {
        s: "pending",
        reason: `root credential ${c.said}: the delegation of its issuer ${c.issuer} from a trusted root is not proven yet`,
        missing,
      };
    }
    return fail(
      "untrusted-root",
      `root credential ${c.said} is issued by ${c.issuer}, neither a trusted root nor a delegate of one`,
    );
  }

  private edge(f: Facts, child: Credential, e: Edge, state: Map<string, "open" | "done">): Outcome {
    const record = (operator: UnaryOperator, o: Outcome, grace = false): Outcome => {
      this.edges.push({
        from: f.said,
        path: e.path,
        to: e.node,
        operator,
        not: e.not,
        result: o.s === "ok" ? "holds" : o.s === "pending" ? "pending" : "fails",
        reason: o.s === "ok" ? "" : o.reason,
        grace,
      });
      return o;
    };
    if (state.get(e.node) === "open")
      return record(
        e.operator ?? "I2I",
        fail("edge-failed", `edge ${e.path} of ${f.said} closes a cycle through ${e.node}`),
      );
    const pf = this.v.facts(e.node);
    const parent = pf.credential;
    const parentChain = this.chains.get(e.node) as Outcome;
    if (!parent) return record(e.operator ?? "I2I", e.not && parentChain.s === "fail" ? OK : parentChain);
    const op: UnaryOperator = e.operator ?? (parent.issuee !== undefined ? "I2I" : "NI2I");
    const where = `edge ${e.path} of ${f.said}`;
    const checks: Outcome[] = [];
    if (e.schema !== undefined && parent.schema !== e.schema)
      checks.push(
        fail("edge-failed", `${where}: parent ${e.node} has schema ${parent.schema}, not ${e.schema}`),
      );
    if (op === "I2I" && parent.issuee !== child.issuer)
      checks.push(
        fail(
          "edge-failed",
          `${where}: I2I, but issuer ${child.issuer} is not the parent's issuee ${parent.issuee ?? "(none)"}`,
        ),
      );
    if (op === "DI2I") checks.push(this.delegated(child, parent, where));
    const childOwn = this.own(f);
    if (parent.pin && (op === "I2I" || op === "DI2I") && childOwn.kind === "issued") {
      const sn = childOwn.anchor.sn;
      const { min, max } = parent.pin;
      if ((min !== undefined && sn < min) || (max !== undefined && sn > max))
        checks.push(
          fail(
            "pin-violated",
            `${where}: issued under key event sn ${sn.toString(16)} of ${child.issuer}, outside the pin [${min?.toString(16) ?? ""}, ${max?.toString(16) ?? ""}] stated by ${parent.issuer} in ${parent.said}`,
          ),
        );
    }
    let parentOutcome = parentChain;
    let grace = false;
    const parentOwn = this.own(pf);
    if (
      !e.not &&
      parent.graceMs !== undefined &&
      parentOwn.kind === "issued" &&
      parentOwn.revoked !== undefined &&
      childOwn.kind === "issued" &&
      this.ownAt(pf).s === "fail" &&
      (this.ownAt(pf) as { status: LinkStatus }).status === "revoked" &&
      windowOf(childOwn.issued, this.W) <= windowOf(parentOwn.revoked, this.W) &&
      !revocationCounts(addMillis(parentOwn.revoked, parent.graceMs), this.T, this.W)
    ) {
      // The vLEI rule: a revoked parent still carries credentials issued before its revocation
      // for the grace its own issuer granted — but never without its own chain and root.
      parentOutcome = this.supports.get(e.node) as Outcome;
      grace = true;
    }
    const inner = and([...checks, parentOutcome]);
    if (!e.not) return record(op, inner, grace);
    if (inner.s === "pending") return record(op, inner);
    return record(
      op,
      inner.s === "ok" ? fail("edge-failed", `${where}: NOT, but ${e.node} is valid as of T`) : OK,
    );
  }

  private delegated(child: Credential, parent: Credential, where: string): Outcome {
    const issuee = parent.issuee;
    if (issuee === undefined) return fail("edge-failed", `${where}: DI2I to a credential without issuee`);
    if (child.issuer === issuee) return OK;
    const kels = this.v.evidence.kels();
    if (kels.isDelegateOf(child.issuer, issuee, false)) return OK;
    if (kels.isDelegateOf(child.issuer, issuee, true)) {
      if (this.provisional) return OK;
      return {
        s: "pending",
        reason: `${where}: the delegation of ${child.issuer} by ${issuee} is not proven yet`,
        missing: kels.explainLog(child.issuer),
      };
    }
    return fail(
      "edge-failed",
      `${where}: DI2I, but ${child.issuer} is neither ${issuee} nor a delegate whose delegation ${issuee}'s log anchors`,
    );
  }
}
