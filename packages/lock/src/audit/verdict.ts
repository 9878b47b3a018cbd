// What the auditor reports: per chain a verdict, and findings naming the exact entries.
//   dropped              entries the device wrote (anchors or later entries prove it) but the log lacks
//   altered              entries whose content is not what the device signed (or malformed)
//   reordered            entries delivered out of sequence order
//   replayed             an entry delivered more than once
//   forked               a second, different entry under a sequence number already used
//   backdated            an entry whose time was moved earlier than the device wrote it
//   unanchored           the tail after the newest anchor or head (informational: nothing proves
//                        its length — a collector could drop entries after it unnoticed)
//   unwitnessed          entries covered by anchors, but by none that the required witnesses
//                        cosigned (heads are not witnessed)
//   unproven             entries without a signature that no intact link ties to a valid one (a
//                        compacted archive around a break)
//   clock-skew           genuine entries dated before what precedes them: the device clock went back
//                        (informational)
//   missing-final-anchor a closed (or superseded) chain without its final anchor
//   anchor-mismatch      entries that verify one by one but do not build the tree an anchor signed
//   bad-anchor           an anchor that does not verify, or does not link into the chain's anchors
//   unlinked             a genesis anchor links to a previous chain's anchor the auditor does not have
//   unknown-device       no device key for the door: nothing can be verified

import type { WitnessPolicy } from "./witnesses.js";

export type FindingKind =
  | "dropped"
  | "altered"
  | "reordered"
  | "replayed"
  | "forked"
  | "backdated"
  | "unproven"
  | "unanchored"
  | "unwitnessed"
  | "clock-skew"
  | "missing-final-anchor"
  | "anchor-mismatch"
  | "bad-anchor"
  | "unlinked"
  | "unknown-device";

/** Findings that do not make a chain unverified. */
export const INFORMATIONAL: ReadonlySet<FindingKind> = new Set(["unanchored", "clock-skew"]);

export interface Finding {
  kind: FindingKind;
  /** The affected sequence numbers, ascending. */
  seqs: number[];
  /** The same as inclusive ranges [from, to]. */
  ranges: [number, number][];
  detail: string;
}

export interface ChainVerdict {
  chain: string;
  door: string;
  /** Entries received for this chain (replays and forks included). */
  received: number;
  /** Highest sequence number received (−1 when none). */
  lastSeq: number;
  /**
   * Highest sequence number covered by a verified anchor or head (−1 when none): entries after it
   * are the unanchored tail, which a collector could have cut short without trace.
   */
  anchoredThrough: number;
  /** Device time of that newest anchor or head ("" when none). */
  anchoredAt: string;
  /** Highest sequence number covered by the chain's newest head (−1 when none). */
  headThrough: number;
  /**
   * With a witness policy: highest sequence number covered by an anchor that the required number of
   * witnesses cosigned (−1 when none).
   */
  witnessedThrough?: number;
  /** True when the chain's entries were deleted by retention (the device's signed `expired` anchor). */
  expired: boolean;
  /** True when every finding is informational. */
  verified: boolean;
  findings: Finding[];
}

export interface AuditOptions {
  /** Device public key (base64) per door. */
  deviceKeys: ReadonlyMap<string, string>;
  /** Anchor notes (from the mesh or a file); duplicates are ignored. */
  anchors: readonly string[];
  /** Out-of-order entries are held this many per chain before a gap is declared (default 1024). */
  reorderWindow?: number;
  /**
   * Signature compaction: verify only the newest signature before each anchor (and the tail's
   * newest); the hash chain proves the rest. Where a link breaks, the segment is verified entry
   * by entry, so verdicts stay exact when the entries carry their signatures.
   */
  compaction?: boolean;
  /** Chains whose deletion is accepted without an `expired` anchor when their final anchor is linked. */
  expiredChains?: Iterable<string>;
  /**
   * Entries per verification batch (default 4096: one verifyBatch call on 4,096 entries of a door
   * costs about 6 % less a signature than four calls on 1,024).
   */
  batchSize?: number;
  /**
   * Witnesses (C2SP tlog-witness): their keys and how many must have cosigned an anchor. Entries
   * anchored but not covered by such an anchor are reported as `unwitnessed`.
   */
  witnesses?: WitnessPolicy;
}
