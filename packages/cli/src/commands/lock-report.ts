// The `chronoseal lock` audit report: a readable summary per chain (or JSON), and the exit code.
// With anchors from a mesh it lists each chain's anchors with their earliest trusted attestation.
import { type ChainVerdict, INFORMATIONAL } from "@chronoseal/lock";
import { EXIT_INVALID, EXIT_OK, type Io } from "../command.js";

/** One anchor (or head) of a chain as the audit used it. */
export interface AnchorLine {
  kind: string;
  size: number;
  lastSeq: number;
  /** Device time. */
  time: string;
  hash: string;
  /** Earliest trusted attestation (mesh only) and its attestor. */
  attested?: string;
  attestor?: string;
}

export interface AuditReport {
  verified: boolean;
  entries: number;
  chains: (ChainVerdict & { anchors: AnchorLine[] })[];
  unattributed: number;
  rejectedAnchors: { note: string; reason: string }[];
  mesh?: { node: string; network: string; attestors: string[]; rejected: Partial<Record<string, number>> };
}

/** Anchor lines shown per chain in the text report (the JSON has all). */
const SHOWN_ANCHORS = 12;

function anchorText(a: AnchorLine): string {
  const what = `${a.kind} ${a.size}`.padEnd(19);
  const attested = a.attested ? `attested ${a.attested} by ${a.attestor!.slice(0, 8)}…` : "not attested";
  return `  anchor ${what} device ${a.time}  ${attested}`;
}

/** "3-7, 12, 30-41" (at most `max` ranges, then the count of the rest). */
function ranges(list: readonly [number, number][], max = 8): string {
  const shown = list.slice(0, max).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
  if (list.length > max) shown.push(`… (${list.length - max} more ranges)`);
  return shown.join(", ");
}

export function writeReport(r: AuditReport, json: boolean, io: Io): number {
  if (json) {
    io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return r.verified ? EXIT_OK : EXIT_INVALID;
  }
  const out: string[] = [];
  let verified = 0;
  let expired = 0;
  let unwitnessedChains = 0;
  for (const v of r.chains) {
    if (v.expired) {
      expired++;
      out.push(`${v.chain}  expired — deleted by retention (the device's expired anchor verifies)`);
    } else {
      if (v.verified) verified++;
      // Only short of witness cosignatures: not evidence of tampering, but not verified either.
      const unwitnessed = v.findings.every((f) => f.kind === "unwitnessed" || INFORMATIONAL.has(f.kind));
      if (!v.verified && unwitnessed) unwitnessedChains++;
      out.push(
        `${v.chain}  ${v.verified ? "verified" : unwitnessed ? "UNWITNESSED" : "TAMPERED"} — ${v.received} entries received, last seq ${v.lastSeq}, anchored through ${v.anchoredThrough}${v.witnessedThrough === undefined ? "" : `, witnessed through ${v.witnessedThrough}`}`,
      );
    }
    for (const f of v.findings) {
      const where = f.ranges.length ? ranges(f.ranges) : "-";
      out.push(`  ${f.kind.padEnd(21)}${where.padEnd(24)} ${f.detail}`);
    }
    if (r.mesh) {
      const hidden = v.anchors.length - SHOWN_ANCHORS;
      if (hidden > 0) out.push(`  … ${hidden} earlier anchors (--json lists all)`);
      for (const a of v.anchors.slice(Math.max(0, hidden))) out.push(anchorText(a));
    }
  }
  if (r.chains.length === 0)
    out.push(`no chains found${r.entries ? "" : " (no entries read)"}: nothing was audited`);
  if (r.mesh) {
    const bad = Object.entries(r.mesh.rejected).map(([k, n]) => `${n} ${k}`);
    out.push(
      `anchors from mesh node ${r.mesh.node}: ${r.mesh.attestors.length} trusted attestor${r.mesh.attestors.length === 1 ? "" : "s"}${bad.length ? `; not verified and ignored: ${bad.join(", ")}` : ""}`,
    );
  }
  const tampered = r.chains.length - verified - expired - unwitnessedChains;
  out.push("");
  out.push(
    `${r.chains.length} chain${r.chains.length === 1 ? "" : "s"}: ${verified} verified, ${expired} expired, ${unwitnessedChains ? `${unwitnessedChains} unwitnessed, ` : ""}${tampered} tampered; ${r.entries} entries read`,
  );
  if (r.unattributed) out.push(`${r.unattributed} lines were not entries of any chain`);
  if (r.rejectedAnchors.length)
    out.push(
      `${r.rejectedAnchors.length} anchors not used: ${[...new Set(r.rejectedAnchors.map((a) => a.reason))].join("; ")}`,
    );
  out.push(r.verified ? "RESULT: verified" : "RESULT: NOT verified");
  io.stdout.write(`${out.join("\n")}\n`);
  return r.verified ? EXIT_OK : EXIT_INVALID;
}
