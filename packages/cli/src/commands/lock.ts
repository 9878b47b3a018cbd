// `chronoseal lock audit | export | verify-file`: auditing lock logs against their anchors.
//   audit        streams a collector's export through the auditor (progress bar on a terminal)
//   export       saves a collector's export as NDJSON (optionally with signature compaction)
//   verify-file  audits an exported NDJSON file offline
import { parseArgs } from "node:util";
import {
  type AuditOptions,
  Auditor,
  anchorBoundaries,
  compactSignatures,
  indexAnchors,
  type LockEntry,
} from "@chronoseal/lock";
import { SingleBar } from "cli-progress";
import { type Command, EXIT_OK, type Io, UsageError } from "../command.js";
import { checkOutputs, isStdout, openOutput } from "../output.js";
import { loadVerifiers, requireOf } from "./checkpoint.js";
import { type AnchorLine, writeReport } from "./lock-report.js";
import {
  type Anchors,
  anchorsFrom,
  collectorLines,
  collectorTotal,
  type EntryFilter,
  fileLines,
  parseLine,
  readDevices,
} from "./lock-sources.js";

function parse(argv: string[], options: Record<string, { type: "string" | "boolean"; multiple?: boolean }>) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

const witnessOptions = {
  witness: { type: "string", multiple: true },
  require: { type: "string" },
} as const;

/** --witness VKEY… --require K: the auditor's witness policy (none without --witness). */
async function witnessPolicy(
  values: Record<string, unknown>,
  io: Io,
): Promise<Pick<AuditOptions, "witnesses">> {
  const given = values.witness as string[] | undefined;
  if (!given) {
    if (values.require !== undefined) throw new UsageError("--require goes with --witness");
    return {};
  }
  const keys = await loadVerifiers(given, io, "--witness");
  return { witnesses: { keys, require: requireOf(values.require, keys.length) } };
}

const filterOptions = {
  door: { type: "string" },
  chain: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
} as const;

function filterOf(values: Record<string, unknown>): EntryFilter {
  const f: EntryFilter = {};
  for (const k of ["door", "chain", "from", "to", "since", "until"] as const) {
    const v = values[k];
    if (typeof v === "string") f[k] = v;
  }
  return f;
}

const anchorOptions = {
  anchors: { type: "string" },
  mesh: { type: "string" },
  network: { type: "string" },
  devices: { type: "string" },
} as const;

/** Each chain's anchors (and head) as the audit used them, with attested times from a mesh. */
function anchorLines(auditor: Auditor, chain: string, anchors: Anchors): AnchorLine[] {
  const c = auditor.anchorIndex.chains.get(chain);
  if (!c) return [];
  return [...c.list, ...(c.expired ? [c.expired] : [])].map((a) => {
    const at = anchors.attested?.get(a.hash);
    return {
      kind: a.kind,
      size: a.size,
      lastSeq: a.lastSeq,
      time: a.time,
      hash: a.hash,
      ...(at ? { attested: at.time, attestor: at.attestor } : {}),
    };
  });
}

async function runAudit(
  lines: AsyncIterable<string>,
  options: AuditOptions,
  only: { door?: string; chain?: string },
  json: boolean,
  io: Io,
  anchors: Anchors,
  total?: number,
): Promise<number> {
  const auditor = new Auditor(options);
  const bar =
    io.isTTY && !json
      ? new SingleBar({
          format: total
            ? "auditing [{bar}] {percentage}% {value}/{total} entries, eta {eta}s"
            : "auditing {value} entries",
          stream: io.stderr as NodeJS.WriteStream,
          hideCursor: true,
          noTTYOutput: true, // io.isTTY decided already (tests pass a stream)
          notTTYSchedule: 250,
        })
      : undefined;
  bar?.start(total ?? 0, 0);
  for await (const line of lines) {
    if (!line.trim()) continue;
    auditor.push(parseLine(line));
    if (bar && auditor.count % 1000 === 0) bar.update(auditor.count);
  }
  bar?.update(auditor.count);
  bar?.stop();
  const chains = auditor
    .finish()
    .filter(
      (v) =>
        (only.door === undefined || v.door === only.door) &&
        (only.chain === undefined || v.chain === only.chain),
    );
  return writeReport(
    {
      // Nothing to audit (no entries, or none of the door or chain asked for) is no verdict.
      verified: chains.length > 0 && chains.every((v) => v.verified),
      entries: auditor.count,
      chains: chains.map((v) => ({ ...v, anchors: anchorLines(auditor, v.chain, anchors) })),
      unattributed: auditor.unattributed,
      rejectedAnchors: [...auditor.rejectedAnchors],
      ...(anchors.mesh ? { mesh: anchors.mesh } : {}),
    },
    json,
    io,
  );
}

const auditCmd: Command = {
  name: ["lock", "audit"],
  summary: "audit a collector's lock logs against the devices' anchors",
  usage: [
    "usage: chronoseal lock audit --collector URL (--anchors SOURCE | --mesh URL[,URL…] [--network KEY])",
    "                             [--devices FILE] [--door ID] [--chain ID] [--compaction] [--expired CHAIN]...",
    "                             [--witness VKEY]... [--require K] [--json]",
    "",
    "SOURCE: an anchors NDJSON file or URL (signed notes, and device key registrations). --mesh: read",
    "the anchors, heads and device registrations from a mesh network instead (the first node that",
    "answers; every signature verified here, attestors from the admin-signed settings) and show each",
    "anchor's earliest trusted attestation; --network is needed when a node serves several networks.",
    "--devices: a JSON object door → base64 device public key (default: the source's registrations).",
    "Prints per chain: verified, or every finding with the exact sequence numbers — dropped, altered,",
    "backdated, reordered, replayed, forked, unproven, unanchored tail, clock-skew, missing final",
    "anchor, anchor problems. --compaction verifies one signature per anchor and the hash links.",
    "--expired accepts the deletion of a chain whose final anchor is linked, without an expired anchor.",
    "--witness: C2SP witness keys (cosignature/v1 vkeys, or files of them); anchored entries that no",
    "anchor cosigned by --require K of them (default 1) covers are reported as unwitnessed.",
    "Exit 0 only when every chain verifies.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      collector: { type: "string" },
      ...anchorOptions,
      compaction: { type: "boolean" },
      expired: { type: "string", multiple: true },
      json: { type: "boolean" },
      door: { type: "string" },
      chain: { type: "string" },
      ...witnessOptions,
    });
    if (positionals.length) throw new UsageError("lock audit takes no positional arguments");
    if (!values.collector) throw new UsageError("--collector URL is required");
    const witnesses = await witnessPolicy(values, io);
    const anchors = await anchorsFrom(values, io);
    const deviceKeys = await readDevices(values.devices as string | undefined, anchors, io);
    const filter = filterOf(values);
    const collector = values.collector as string;
    const total = io.isTTY ? await collectorTotal(collector, filter).catch(() => undefined) : undefined;
    return runAudit(
      collectorLines(collector, filter),
      {
        deviceKeys,
        anchors: anchors.notes,
        compaction: values.compaction === true,
        expiredChains: (values.expired as string[] | undefined) ?? [],
        ...witnesses,
      },
      filter,
      values.json === true,
      io,
      anchors,
      total,
    );
  },
};

const exportCmd: Command = {
  name: ["lock", "export"],
  summary: "save a collector's entries as NDJSON (for an offline audit)",
  usage: [
    "usage: chronoseal lock export --collector URL --out FILE|- [--force] [--door ID] [--chain ID] [--from N] [--to N]",
    "                              [--since TIME] [--until TIME] [--json]",
    "                              [--compact (--anchors SOURCE | --mesh URL[,URL…] [--network KEY]) [--devices FILE]]",
    "",
    "--compact drops the signatures that an anchored later signature covers (keeps the newest",
    "before each anchor and the unanchored tail's): audit the file with verify-file --compaction.",
    "FILE is written whole or not at all (temporary file, then put in place); an existing FILE only",
    "with --force. --out - writes the entries to standard output (the summary goes to stderr).",
    "Prints `exported N entries to FILE`; --json: {entries, signed, out}.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      collector: { type: "string" },
      out: { type: "string" },
      compact: { type: "boolean" },
      force: { type: "boolean" },
      json: { type: "boolean" },
      ...anchorOptions,
      ...filterOptions,
    });
    if (positionals.length) throw new UsageError("lock export takes no positional arguments");
    if (!values.collector || !values.out) throw new UsageError("--collector URL and --out FILE are required");
    const outArg = values.out as string;
    const force = values.force === true;
    await checkOutputs([outArg], io, force);
    let boundaries: Map<string, Set<number>> | undefined;
    if (values.compact) {
      const anchors = await anchorsFrom(values, io);
      const keys = await readDevices(values.devices as string | undefined, anchors, io);
      boundaries = anchorBoundaries(
        [...indexAnchors(anchors.notes, keys).chains.values()].flatMap((c) => c.list),
      );
    }
    const source = collectorLines(values.collector as string, filterOf(values));
    async function* entries(): AsyncGenerator<LockEntry> {
      for await (const line of source) if (line.trim()) yield parseLine(line) as LockEntry;
    }
    const out = await openOutput(outArg, io, { force });
    let n = 0;
    let signed = 0;
    try {
      const stream = boundaries ? compactSignatures(entries(), boundaries) : entries();
      for await (const e of stream) {
        n++;
        if (e.signatures) signed++;
        await out.write(`${JSON.stringify(e)}\n`);
      }
      await out.commit();
    } catch (e) {
      await out.abort();
      throw e;
    }
    const summary = values.json
      ? `${JSON.stringify({ entries: n, signed, out: outArg })}\n`
      : `exported ${n} entries to ${isStdout(outArg) ? "standard output" : outArg}${boundaries ? ` (${signed} with signatures)` : ""}\n`;
    (isStdout(outArg) ? io.stderr : io.stdout).write(summary);
    return EXIT_OK;
  },
};

const verifyFile: Command = {
  name: ["lock", "verify-file"],
  summary: "audit an exported NDJSON log offline",
  usage: [
    "usage: chronoseal lock verify-file (--anchors SOURCE | --mesh URL[,URL…] [--network KEY]) [--devices FILE]",
    "                                   [--door ID] [--compaction] [--expired CHAIN]... [--witness VKEY]...",
    "                                   [--require K] [--json] FILE.ndjson|-",
    "",
    "The same verdicts as lock audit, from a file (or standard input).",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      ...anchorOptions,
      door: { type: "string" },
      compaction: { type: "boolean" },
      expired: { type: "string", multiple: true },
      json: { type: "boolean" },
      ...witnessOptions,
    });
    if (positionals.length !== 1) throw new UsageError("expected one exported FILE.ndjson (or - for stdin)");
    const witnesses = await witnessPolicy(values, io);
    const anchors = await anchorsFrom(values, io);
    const deviceKeys = await readDevices(values.devices as string | undefined, anchors, io);
    return runAudit(
      fileLines(positionals[0]!, io),
      {
        deviceKeys,
        anchors: anchors.notes,
        compaction: values.compaction === true,
        expiredChains: (values.expired as string[] | undefined) ?? [],
        ...witnesses,
      },
      { ...(values.door ? { door: values.door as string } : {}) },
      values.json === true,
      io,
      anchors,
    );
  },
};

export const lockCommands: Command[] = [auditCmd, exportCmd, verifyFile];
