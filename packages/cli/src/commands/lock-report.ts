// The `chronoseal lock` audit report: a readable summary per chain (or JSON), and the exit code.
import type { ChainVerdict } from "@chronoseal/lock";
import { EXIT_INVALID, EXIT_OK, type Io } from "../command.js";

export interface AuditReport {
  verified: boolean;
  entries: number;
  chains: ChainVerdict[];
  unattributed: number;
  rejectedAnchors: { note: string; reason: string }[];
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
  for (const v of r.chains) {
    if (v.expired) {
      expired++;
      out.push(`${v.chain}  expired — deleted by retention (the device's expired anchor verifies)`);
    } else {
      if (v.verified) verified++;
      out.push(
        `${v.chain}  ${v.verified ? "verified" : "TAMPERED"} — ${v.received} entries received, last seq ${v.lastSeq}, anchored through ${v.anchoredThrough}`,
      );
    }
    for (const f of v.findings) {
      const where = f.ranges.length ? ranges(f.ranges) : "-";
      out.push(`  ${f.kind.padEnd(21)}${where.padEnd(24)} ${f.detail}`);
    }
  }
  if (r.chains.length === 0) out.push("no chains found");
  const tampered = r.chains.length - verified - expired;
  out.push("");
  out.push(
    `${r.chains.length} chain${r.chains.length === 1 ? "" : "s"}: ${verified} verified, ${expired} expired, ${tampered} tampered; ${r.entries} entries read`,
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
