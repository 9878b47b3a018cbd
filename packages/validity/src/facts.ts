// What validation knows about one credential independently of T: the credential itself (from
// the stored copy whose sections are complete), its schema check, its authenticated issuance
// and revocation, duplicity of its issuer, and the evidence it still waits for. Computed from
// the evidence set alone, so it never depends on arrival or query order; the Validator caches
// it until evidence is added. Two views: strict, and provisional (pending key events that wait
// only for a delegator, and missing schemas, assumed to resolve favourably).
import type { CesrMessage } from "@chronoseal/keri";
import { CompactSectionError, type Credential, type Edge, edgesOf, parseCredential } from "./credential.js";
import {
  authenticateReply,
  backdatedRevocationProof,
  contradiction,
  type DuplicityProof,
  kelForkProofs,
  telForkProof,
} from "./duplicity.js";
import type { Evidence } from "./evidence.js";
import type { Missing } from "./missing.js";
import type { Note } from "./notes.js";
import { parseReply } from "./reply.js";
import { checkAgainstSchema } from "./schema.js";
import { resolveTel } from "./tel-resolve.js";
import type { Instant } from "./time.js";

type ProblemStatus = "pending" | "malformed" | "schema-invalid" | "duplicity";

interface Issued {
  readonly kind: "issued";
  readonly issued: Instant;
  readonly issuedText: string;
  readonly revoked: Instant | undefined;
  readonly revokedText: string | undefined;
  /** Where the issuance is anchored in the issuer's KEL. */
  readonly anchor: { readonly prefix: string; readonly sn: bigint; readonly said: string };
}

interface Problem {
  readonly kind: "problem";
  readonly status: ProblemStatus;
  readonly reason: string;
  readonly missing: readonly Missing[];
  readonly proofs: readonly DuplicityProof[];
}

export type Own = Issued | Problem;

export interface Facts {
  readonly said: string;
  readonly credential: Credential | undefined;
  readonly strict: Own;
  readonly provisional: Own;
  /** SAIDs of the far nodes of every edge, in the order written. */
  readonly children: readonly string[];
  /** The edges themselves, in the same order. */
  readonly edges: readonly Edge[];
  readonly unauthenticated: readonly Note[];
  readonly ignored: readonly Note[];
}

function problem(
  status: ProblemStatus,
  reason: string,
  missing: Missing[] = [],
  proofs: DuplicityProof[] = [],
): Problem {
  return { kind: "problem", status, reason, missing, proofs };
}

/** The stored copy to read: a copy with full sections first, then by bytes (deterministic). */
function pickCopy(copies: readonly CesrMessage[]): CesrMessage | undefined {
  const score = (m: CesrMessage) =>
    (typeof m.body.a === "object" ? 2 : 0) + (typeof m.body.e !== "string" ? 1 : 0);
  return [...copies].sort((a, b) => {
    const d = score(b) - score(a);
    if (d !== 0) return d;
    const x = Buffer.from(a.raw).toString("latin1");
    const y = Buffer.from(b.raw).toString("latin1");
    return x < y ? -1 : x > y ? 1 : 0;
  })[0];
}

function ownFacts(
  evidence: Evidence,
  said: string,
  c: Credential,
  provisional: boolean,
  unauthenticated: Note[],
): Own {
  const kels = evidence.kels();
  const kelProofs = kelForkProofs(evidence, kels, c.issuer);
  if (kelProofs.length) return problem("duplicity", kelProofs[0]?.reason as string, [], kelProofs);
  const tel = resolveTel(evidence, said, { issuer: c.issuer, registry: c.registry }, provisional);
  unauthenticated.push(...tel.unauthenticated);
  if (tel.fork && tel.registry)
    return problem(
      "duplicity",
      `TEL duplicity of ${said}`,
      [],
      [telForkProof(evidence, said, c.issuer, tel.registry.message, tel.issuance, tel.fork)],
    );
  if (tel.malformed) return problem("malformed", tel.malformed);
  const schema = evidence.schemas.get(c.schema);
  if (schema) {
    const check = checkAgainstSchema(schema, c.body);
    if (!check.ok)
      return problem(
        "schema-invalid",
        `${said} does not satisfy schema ${c.schema}: ${check.errors.join("; ")}`,
      );
  }
  const missing: Missing[] = [...tel.missing];
  if (!schema && !provisional)
    missing.push({
      kind: "schema",
      id: c.schema,
      detail: `the schema document ${c.schema} of credential ${said}`,
    });
  if (!tel.issuance || missing.length > 0) {
    const reasons = [
      !tel.issuance ? `no issuance of ${said} is authenticated by ${c.issuer}'s key event log yet` : "",
      !schema && !provisional ? `schema ${c.schema} not received` : "",
    ].filter(Boolean);
    return problem("pending", reasons.join("; "), missing);
  }
  const issuance = tel.issuance;
  const revocation = tel.revocation;
  if (revocation && tel.registry) {
    for (const m of evidence.replies.get(said) ?? []) {
      let reply: ReturnType<typeof parseReply>;
      try {
        reply = parseReply(m);
      } catch (e) {
        unauthenticated.push({
          said: String(m.body.d),
          what: "rpy",
          reason: `malformed: ${(e as Error).message}`,
        });
        continue;
      }
      const auth = authenticateReply(kels, evidence.verdicts, reply, c.issuer);
      if (!auth.ok) {
        unauthenticated.push({ said: reply.said, what: "rpy", reason: auth.reason });
        continue;
      }
      const why = contradiction(kels, reply, auth.establishment, revocation);
      if (why)
        return problem(
          "duplicity",
          why,
          [],
          [
            backdatedRevocationProof(
              evidence,
              reply,
              issuance,
              revocation,
              tel.registry.message,
              c.issuer,
              why,
            ),
          ],
        );
    }
  } else {
    for (const m of evidence.replies.get(said) ?? []) {
      try {
        const reply = parseReply(m);
        const auth = authenticateReply(kels, evidence.verdicts, reply, c.issuer);
        if (!auth.ok) unauthenticated.push({ said: reply.said, what: "rpy", reason: auth.reason });
      } catch (e) {
        unauthenticated.push({
          said: String(m.body.d),
          what: "rpy",
          reason: `malformed: ${(e as Error).message}`,
        });
      }
    }
  }
  return {
    kind: "issued",
    issued: issuance.event.dt,
    issuedText: issuance.event.dtText,
    revoked: revocation?.event.dt,
    revokedText: revocation?.event.dtText,
    anchor: { prefix: issuance.anchor.prefix, sn: issuance.anchor.sn, said: issuance.anchor.said },
  };
}

/** Computes the facts of credential `said` from the evidence. */
export function computeFacts(evidence: Evidence, said: string): Facts {
  const copy = pickCopy(evidence.acdcs.get(said) ?? []);
  const none = { children: [], edges: [], unauthenticated: [], ignored: [] };
  if (!copy) {
    const p = problem("pending", `credential ${said} not received`, [
      { kind: "credential", id: said, detail: `the credential (ACDC) ${said}` },
    ]);
    return { said, credential: undefined, strict: p, provisional: p, ...none };
  }
  let c: Credential;
  try {
    c = parseCredential(copy.body, said);
  } catch (e) {
    if (e instanceof CompactSectionError) {
      const p = problem("pending", `credential ${said}: ${e.message}`, [
        {
          kind: "section",
          id: e.sectionSaid,
          detail: `the full "${e.section}" section of credential ${said}`,
        },
      ]);
      return { said, credential: undefined, strict: p, provisional: p, ...none };
    }
    const p = problem("malformed", `credential ${said}: ${(e as Error).message}`);
    return { said, credential: undefined, strict: p, provisional: p, ...none };
  }
  const unauthenticated: Note[] = [];
  const strict = ownFacts(evidence, said, c, false, unauthenticated);
  const provisional =
    strict.kind === "problem" && strict.status === "pending" ? ownFacts(evidence, said, c, true, []) : strict;
  const edges = edgesOf(c.edges);
  const ignored: Note[] = edges.flatMap((e) =>
    e.ignored.map((field) => ({
      said,
      what: "edge",
      reason: `${e.path}.${field} ignored: limits on a delegation come from the parent credential's issuer, not from this edge`,
    })),
  );
  return {
    said,
    credential: c,
    strict,
    provisional,
    children: edges.map((e) => e.node),
    edges,
    unauthenticated,
    ignored,
  };
}
