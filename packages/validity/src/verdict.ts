// The shape of a verdict (what validate() returns, link by link and edge by edge) and the
// three-valued outcomes the judge combines: holds, pending (with the missing evidence), fails
// (with a status and a reason). AND fails on the first definitive failure and is pending while
// anything it needs is pending; OR holds on any holding member.
import type { UnaryOperator } from "./credential.js";
import type { DuplicityProof } from "./duplicity.js";
import type { Missing } from "./missing.js";
import type { Note } from "./notes.js";

export type LinkStatus =
  | "valid"
  | "not-yet-issued"
  | "revoked"
  | "pending"
  | "malformed"
  | "schema-invalid"
  | "duplicity"
  | "edge-failed"
  | "pin-violated"
  | "untrusted-root";

export interface ValidateOptions {
  /** The time T: RFC 3339 (microseconds kept) or epoch milliseconds. */
  readonly validOn: string | number;
  /** The window W: "1d", "6h", … or milliseconds. */
  readonly resolution: string | number;
  /** Root issuers (or their delegators) a chain must end in. Omit to accept any root. */
  readonly trustedRoots?: readonly string[];
}

export interface LinkVerdict {
  readonly credential: string;
  /** "root", or `<credential>:<edge path>` of the first edge that reached this one. */
  readonly via: string;
  readonly issuer: string | undefined;
  readonly issuee: string | undefined;
  readonly schema: string | undefined;
  /** The link's own status at T (its own evidence). */
  readonly status: LinkStatus;
  readonly reason: string;
  /** Its own status combined with every edge it leans on (or the trusted-root check). */
  readonly chain: LinkStatus;
  readonly chainReason: string;
  readonly issuedAt: string | undefined;
  readonly revokedAt: string | undefined;
  /** Where the issuance is anchored in the issuer's KEL (hex sequence number). */
  readonly anchoredAt: { readonly prefix: string; readonly sn: string; readonly said: string } | undefined;
  readonly missing: readonly Missing[];
}

export interface EdgeVerdict {
  readonly from: string;
  readonly path: string;
  readonly to: string;
  readonly operator: UnaryOperator;
  readonly not: boolean;
  readonly result: "holds" | "fails" | "pending";
  readonly reason: string;
  /** True when the parent is revoked but the grace its issuer granted still covers T. */
  readonly grace: boolean;
}

export interface Verdict {
  readonly credential: string;
  readonly validOn: string;
  readonly resolution: number;
  readonly trustedRoots: readonly string[] | null;
  readonly valid: boolean;
  readonly status: LinkStatus;
  readonly reason: string;
  readonly links: readonly LinkVerdict[];
  readonly edges: readonly EdgeVerdict[];
  /** Evidence still missing (empty unless status is pending), each named exactly. */
  readonly missing: readonly Missing[];
  readonly duplicity: readonly DuplicityProof[];
  /** Evidence kept but not counted (unanchored or unsigned events, foreign replies…). */
  readonly unauthenticated: readonly Note[];
  /** Edge fields written by the delegate that validation ignores. */
  readonly ignored: readonly Note[];
  /**
   * When pending: the verdict if the pending key events that wait only for a delegator were
   * accepted and missing schemas satisfied. Not a verdict; a guide to what the missing evidence
   * decides.
   */
  readonly provisional:
    | { readonly valid: boolean; readonly status: LinkStatus; readonly reason: string }
    | undefined;
}

export type Outcome =
  | { readonly s: "ok" }
  | { readonly s: "pending"; readonly reason: string; readonly missing: readonly Missing[] }
  | { readonly s: "fail"; readonly status: LinkStatus; readonly reason: string };

export const OK: Outcome = { s: "ok" };

export function fail(status: LinkStatus, reason: string): Outcome {
  return { s: "fail", status, reason };
}

export function and(list: readonly Outcome[]): Outcome {
  const failed = list.find((o) => o.s === "fail");
  if (failed) return failed;
  const pending = list.filter((o): o is Extract<Outcome, { s: "pending" }> => o.s === "pending");
  if (pending.length === 0) return OK;
  if (pending.length === 1) return pending[0] as Outcome;
  return {
    s: "pending",
    reason: (pending[0] as { reason: string }).reason,
    missing: pending.flatMap((p) => p.missing),
  };
}

export function or(list: readonly Outcome[]): Outcome {
  if (list.some((o) => o.s === "ok")) return OK;
  const pending = list.filter((o): o is Extract<Outcome, { s: "pending" }> => o.s === "pending");
  if (pending.length)
    return {
      s: "pending",
      reason: (pending[0] as { reason: string }).reason,
      missing: pending.flatMap((p) => p.missing),
    };
  return list[0] ?? fail("edge-failed", "an empty edge group");
}

export function statusOf(o: Outcome): LinkStatus {
  return o.s === "ok" ? "valid" : o.s === "pending" ? "pending" : o.status;
}

/** Validates credentials over one evidence set; caches T-independent facts until it changes. */
