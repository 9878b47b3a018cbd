// `chronoseal keri parse FILE.cesr` and `chronoseal keri kel FILE.cesr…`: CESR streams split into
// messages with their attachments and SAID checks, and key event logs replayed to key states
// (or the exact reason a log does not replay, and what it waits for).
import { parseArgs } from "node:util";
import { init } from "@chronoseal/core";
import {
  type CesrMessage,
  describeWaiting,
  type KelResult,
  kelResultJson,
  keyStateJson,
  type Layout,
  messageJson,
  parseCesr,
  replayKels,
} from "@chronoseal/keri";
import { type Command, EXIT_INVALID, EXIT_OK, type Io, UsageError } from "../command.js";
import { readInput } from "../io.js";

function layoutOption(value: string | undefined): Layout | "auto" {
  if (value === undefined || value === "auto") return "auto";
  if (value === "current" || value === "2022") return value;
  throw new UsageError(`--layout must be auto, current or 2022, got ${value}`);
}

async function readStreams(files: string[], io: Io, layout: Layout | "auto"): Promise<CesrMessage[]> {
  const all: CesrMessage[] = [];
  for (const file of files.length ? files : ["-"]) {
    const bytes = await readInput(file, io);
    const msgs = parseCesr(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { layout });
    // Number messages across files so sources stay unambiguous.
    for (const m of msgs) all.push({ ...m, index: all.length });
  }
  return all;
}

function short(qb64: string | null | undefined): string {
  return qb64 ? `${qb64.slice(0, 12)}…` : "-";
}

function messageLine(m: CesrMessage): string {
  const j = messageJson(m);
  const a = m.attachments;
  const parts = [
    `#${m.index}`,
    `@${m.offset}`,
    (m.ilk ?? m.version.protocol.toLowerCase()).padEnd(4),
    m.said.ok
      ? `said ${m.said.said} ok (${m.said.layout})`
      : `said ${m.said.actual ?? "?"} BAD: ${m.said.reason}`,
  ];
  if (typeof m.body.i === "string") parts.push(`i ${short(m.body.i)}`);
  if (typeof m.body.s === "string") parts.push(`s ${m.body.s}`);
  const att: string[] = [];
  if (a.controllerSigs.length) att.push(`${a.controllerSigs.length} sig`);
  if (a.witnessSigs.length) att.push(`${a.witnessSigs.length} wit sig`);
  if (a.receipts.length) att.push(`${a.receipts.length} receipt`);
  if (a.transReceipts.length) att.push(`${a.transReceipts.length} trans receipt`);
  if (a.sealSources.length)
    att.push(`seal source ${a.sealSources.map((s) => `${s.sn.toString(16)}:${short(s.digest)}`).join(",")}`);
  if (a.sealSourceTriples.length) att.push(`${a.sealSourceTriples.length} seal triple`);
  if (a.pathedSignatures.length)
    att.push(
      `signed by ${a.pathedSignatures.flatMap((p) => p.groups.map((g) => short(g.prefix))).join(",")}`,
    );
  if (a.firstSeen.length) att.push(`first seen ${a.firstSeen.map((f) => f.dt).join(",")}`);
  parts.push(`[${att.join("; ") || "no attachments"}]`);
  const acdc = j.acdc as
    | { ok: boolean; sections: { path: string; kind: string; ok: boolean | null }[] }
    | undefined;
  if (acdc) {
    const sections = acdc.sections.map(
      (s) => `${s.path}:${s.kind === "block" ? (s.ok ? "ok" : "BAD") : s.kind}`,
    );
    parts.push(`sections ${sections.join(",") || "none"}`);
  }
  return parts.join("  ");
}

const parseCommand: Command = {
  name: ["keri", "parse"],
  summary: "split a CESR stream into messages, attachments and SAID checks",
  usage: [
    "usage: chronoseal keri parse [--json] [--layout auto|current|2022] [FILE.cesr|-]",
    "",
    "Prints one line per message: position, byte offset, type, SAID check (and the CESR layout",
    "it verified under), prefix, sequence number and attachments. ACDCs also list their section",
    "SAIDs. --json prints the same as a JSON array. A malformed stream is reported with the byte",
    "offset of the problem. Exit codes: 0 every SAID verifies, 1 a SAID does not, the stream is",
    "malformed or holds no message, 2 usage.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { json: { type: "boolean", default: false }, layout: { type: "string" } },
    });
    if (positionals.length > 1) throw new UsageError("expected at most one FILE");
    const msgs = await readStreams(positionals, io, layoutOption(values.layout));
    const bad = msgs.filter(
      (m) =>
        !m.said.ok ||
        (m.version.protocol === "ACDC" && (messageJson(m).acdc as { ok: boolean }).ok === false),
    );
    if (values.json) io.stdout.write(`${JSON.stringify(msgs.map(messageJson), null, 2)}\n`);
    else {
      for (const m of msgs) io.stdout.write(`${messageLine(m)}\n`);
      io.stdout.write(`${msgs.length} message(s), ${bad.length} with a bad SAID\n`);
    }
    if (msgs.length === 0) {
      io.stderr.write("chronoseal keri parse: no messages in the input\n");
      return EXIT_INVALID;
    }
    return bad.length ? EXIT_INVALID : EXIT_OK;
  },
};

function kelText(r: KelResult): string {
  const lines = [`${r.prefix}  ${r.status.toUpperCase()}`];
  if (r.state) {
    const s = keyStateJson(r.state);
    lines.push(
      `  sn ${s.s}  last ${s.d} (${s.et})  last establishment ${(s.ee as { s: string; d: string }).d} at sn ${(s.ee as { s: string }).s}`,
      `  keys (kt ${JSON.stringify(s.kt)}): ${(s.k as string[]).join(" ")}`,
      `  next digests (nt ${JSON.stringify(s.nt)}): ${(s.n as string[]).join(" ") || "none (non-transferable)"}`,
      `  witnesses (bt ${s.bt}): ${(s.b as string[]).join(" ") || "none"}`,
    );
    if (s.di) lines.push(`  delegator: ${s.di}`);
  }
  for (const w of r.waitingFor) lines.push(`  log ${describeWaiting(w)}`);
  for (const p of r.pending) {
    lines.push(
      `  pending ${p.ilk} sn ${p.sn.toString(16)} ${p.said}: ${p.waitingFor.map(describeWaiting).join("; ")}`,
    );
  }
  for (const x of r.superseded)
    lines.push(`  superseded ${x.ilk} sn ${x.sn.toString(16)} ${x.said} (by a recovery rotation)`);
  for (const x of r.rejected)
    lines.push(`  rejected ${x.ilk ?? "?"} ${x.said ?? "?"}: ${x.code}: ${x.reason}`);
  for (const d of r.duplicity) {
    lines.push(
      `  DUPLICITY at sn ${d.sn.toString(16)} after ${d.prior || "(none)"}: ${d.events.map((e) => `${e.ilk} ${e.said}`).join(" vs ")}`,
    );
  }
  return lines.join("\n");
}

const kelCommand: Command = {
  name: ["keri", "kel"],
  summary: "replay the key event logs of CESR streams: key state per identifier, or why not",
  usage: [
    "usage: chronoseal keri kel [--json] [--prefix AID] [--layout auto|current|2022] [FILE.cesr…|-]",
    "",
    "Replays every key event log in the files (read together, in any order) and prints, per",
    "identifier, its status (accepted, pending, duplicitous, rejected), its key state (keys and",
    "threshold, next-key digests, witnesses, delegator) and every event that is not accepted",
    "with the exact reason: what it waits for (a prior event, signatures, witness receipts, the",
    "delegator's log or anchor), why it was rejected, or the duplicity evidence.",
    "--prefix limits the output to one identifier. Exit codes: 0 every shown log is accepted,",
    "1 some log is pending, duplicitous or rejected (or the input is malformed or holds no key",
    "event), 2 usage.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: "boolean", default: false },
        prefix: { type: "string" },
        layout: { type: "string" },
      },
    });
    const msgs = await readStreams(positionals, io, layoutOption(values.layout));
    await init();
    const replay = replayKels(msgs);
    let logs = [...replay.logs.values()];
    if (values.prefix !== undefined) {
      logs = logs.filter((l) => l.prefix === values.prefix);
      if (!logs.length) throw new UsageError(`no key event of ${values.prefix} in the input`);
    }
    if (values.json) io.stdout.write(`${JSON.stringify(logs.map(kelResultJson), null, 2)}\n`);
    else {
      io.stdout.write(`${logs.map(kelText).join("\n\n")}\n`);
      if (!logs.length) io.stdout.write("no key events in the input\n");
    }
    // No key event log is nothing verified: exit 1, like a log that does not replay.
    return logs.length > 0 && logs.every((l) => l.status === "accepted") ? EXIT_OK : EXIT_INVALID;
  },
};

export const keriCommands: Command[] = [parseCommand, kelCommand];
