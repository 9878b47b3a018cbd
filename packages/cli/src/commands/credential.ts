// `chronoseal credential import | validate | status | escrow`: real KERI/ACDC evidence (CESR
// streams or JSON) kept in a SQLite evidence store, credential chains validated as of a time T,
// a credential's own status, and what waits in escrow. The verbs that make evidence (incept,
// issue, revoke, reply, …) live in credential-controller.ts.
import { parseArgs } from "node:util";
import { init } from "@chronoseal/core";
import {
  type CredentialStatus,
  EvidenceError,
  type EvidenceStore,
  type Missing,
  type Verdict,
  WindowError,
} from "@chronoseal/validity";
import { type Command, EXIT_INVALID, EXIT_OK, type Io, UsageError } from "../command.js";
import { readInput } from "../io.js";
import { aidFlag, saidFlag } from "../values.js";
import { controllerCommands } from "./credential-controller.js";
import { openStore } from "./credential-store.js";

function missingLine(m: Missing): string {
  return `${m.kind} ${m.id}: ${m.detail}`;
}

const importCmd: Command = {
  name: ["credential", "import"],
  summary: "import KERI/ACDC evidence (CESR streams or JSON, schemas too) into an evidence store",
  usage: [
    "usage: chronoseal credential import --store DB [--json] FILE…   (- for stdin)",
    "",
    "Stores every message not already stored (each distinct copy once, whatever its signatures);",
    "refuses, with the reason, what cannot be identified (bad SAID, unknown type, unreadable file).",
    "Exit 0 when nothing was refused; a file with no messages counts as refused.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { store: { type: "string" }, json: { type: "boolean", default: false } },
    });
    if (positionals.length === 0) throw new UsageError("expected at least one FILE (or - for stdin)");
    await init();
    const store = openStore(values.store, io);
    const reports: Record<string, unknown>[] = [];
    let refused = 0;
    try {
      for (const file of positionals) {
        let bytes: Buffer;
        try {
          bytes = await readInput(file, io);
        } catch (e) {
          refused++;
          reports.push({ file, error: (e as Error).message });
          continue;
        }
        try {
          const r = store.import(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
          if (r.items.length === 0) {
            // Nothing to import is not a successful import (an empty or truncated download).
            refused++;
            reports.push({ file, error: "no messages in it" });
            continue;
          }
          refused += r.rejected;
          reports.push({
            file,
            stored: r.stored,
            duplicates: r.duplicates,
            rejected: r.rejected,
            items: r.items,
          });
        } catch (e) {
          if (!(e instanceof EvidenceError)) throw e;
          refused++;
          reports.push({ file, error: e.message });
        }
      }
    } finally {
      store.close();
    }
    if (values.json) io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    else
      for (const r of reports) {
        if (r.error) {
          io.stdout.write(`${r.file}: REFUSED: ${r.error}\n`);
          continue;
        }
        io.stdout.write(`${r.file}: stored ${r.stored}, duplicates ${r.duplicates}, refused ${r.rejected}\n`);
        for (const item of r.items as { status: string; index: number; offset?: number; reason?: string }[])
          if (item.status === "rejected")
            io.stdout.write(
              `  #${item.index}${item.offset !== undefined ? ` @${item.offset}` : ""}: ${item.reason}\n`,
            );
      }
    return refused === 0 ? EXIT_OK : EXIT_INVALID;
  },
};

function printVerdict(v: Verdict, io: Io): void {
  const w = (s: string) => io.stdout.write(`${s}\n`);
  w(`${v.valid ? "VALID" : v.status.toUpperCase()}: ${v.reason}`);
  w(
    `  as of ${v.validOn}, resolution ${v.resolution} ms, trusted roots ${v.trustedRoots?.join(", ") ?? "(any)"}`,
  );
  for (const l of v.links)
    w(`  link ${l.status.padEnd(14)} chain ${l.chain.padEnd(14)} ${l.credential}  (${l.via})  ${l.reason}`);
  for (const e of v.edges)
    w(
      `  edge ${e.from}${e.path.slice(1)} ${e.not ? "NOT " : ""}${e.operator} → ${e.to}: ${e.result}${e.grace ? " (grace)" : ""}${e.reason ? ` (${e.reason})` : ""}`,
    );
  for (const m of v.missing) w(`  missing ${missingLine(m)}`);
  if (v.provisional)
    w(
      `  provisional (if the missing evidence arrives and checks out): ${v.provisional.valid ? "VALID" : v.provisional.status.toUpperCase()}: ${v.provisional.reason}`,
    );
  for (const p of v.duplicity) w(`  duplicity (${p.kind}): ${p.reason}`);
  for (const n of v.unauthenticated) w(`  unauthenticated ${n.what} ${n.said}: ${n.reason}`);
  for (const n of v.ignored) w(`  ignored ${n.reason}`);
}

const validateCmd: Command = {
  name: ["credential", "validate"],
  summary: "was this credential (and its whole chain) validly issued and not revoked as of T?",
  usage: [
    "usage: chronoseal credential validate SAID --store DB --valid-on T [--resolution 1d] [--trusted-root AID]... [--json]",
    "",
    "Prints the verdict, every link with its own and its chain's status, every edge, missing",
    "evidence (exactly), duplicity proofs, and evidence kept but not counted. No clock is read:",
    "the verdict depends only on T, the resolution, the trusted roots and the evidence.",
    "Exit 0 only for a valid verdict.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        store: { type: "string" },
        "valid-on": { type: "string" },
        resolution: { type: "string", default: "1d" },
        "trusted-root": { type: "string", multiple: true },
        json: { type: "boolean", default: false },
      },
    });
    if (positionals.length !== 1) throw new UsageError("expected one credential SAID");
    const said = saidFlag(positionals[0]!, "SAID");
    const roots = values["trusted-root"]?.map((r) => aidFlag(r, "--trusted-root"));
    const validOn = values["valid-on"];
    if (!validOn) throw new UsageError("--valid-on is required");
    await init();
    const store = openStore(values.store, io);
    let v: Verdict;
    try {
      v = store.validate(said, {
        validOn,
        resolution: values.resolution,
        ...(roots ? { trustedRoots: roots } : {}),
      });
    } catch (e) {
      if (e instanceof WindowError) throw new UsageError(e.message);
      throw e;
    } finally {
      store.close();
    }
    if (values.json) io.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
    else printVerdict(v, io);
    return v.valid ? EXIT_OK : EXIT_INVALID;
  },
};

function printStatus(s: CredentialStatus, io: Io): void {
  const w = (x: string) => io.stdout.write(`${x}\n`);
  w(`${s.state.toUpperCase()}: ${s.reason}`);
  if (s.issuer)
    w(`  issuer ${s.issuer}, registry ${s.registry}${s.received ? "" : " (credential not received)"}`);
  if (s.issuance) w(`  issued ${s.issuance.dt}  (${s.issuance.said}, anchored at ${s.issuance.anchor})`);
  if (s.revocation)
    w(`  revoked ${s.revocation.dt}  (${s.revocation.said}, anchored at ${s.revocation.anchor})`);
  for (const m of s.missing) w(`  missing ${missingLine(m)}`);
  for (const n of s.unauthenticated) w(`  unauthenticated ${n.what} ${n.said}: ${n.reason}`);
}

const statusCmd: Command = {
  name: ["credential", "status"],
  summary:
    "a credential's own transaction state (issued, revoked, pending…), independent of T and of its chain",
  usage: [
    "usage: chronoseal credential status SAID --store DB [--json]",
    "",
    "Exit 0 when the state is issued or revoked, 1 otherwise.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { store: { type: "string" }, json: { type: "boolean", default: false } },
    });
    if (positionals.length !== 1) throw new UsageError("expected one credential SAID");
    const said = saidFlag(positionals[0]!, "SAID");
    await init();
    const store = openStore(values.store, io);
    let s: CredentialStatus;
    try {
      s = store.status(said);
    } finally {
      store.close();
    }
    if (values.json) io.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    else printStatus(s, io);
    return s.state === "issued" || s.state === "revoked" ? EXIT_OK : EXIT_INVALID;
  },
};

const escrowCmd: Command = {
  name: ["credential", "escrow"],
  summary: "list the stored evidence that waits for something, and exactly for what",
  usage: "usage: chronoseal credential escrow --store DB [--json]\n\nExit 0 when nothing waits.",
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { store: { type: "string" }, json: { type: "boolean", default: false } },
    });
    await init();
    const store = openStore(values.store, io);
    let entries: ReturnType<EvidenceStore["escrow"]>;
    try {
      entries = store.escrow();
    } finally {
      store.close();
    }
    if (values.json) io.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    else
      for (const e of entries) {
        io.stdout.write(`${e.what} ${e.said}: ${e.reason}\n`);
        for (const m of e.missing) io.stdout.write(`  missing ${missingLine(m)}\n`);
      }
    return entries.length === 0 ? EXIT_OK : EXIT_INVALID;
  },
};

export const credentialCommands: Command[] = [
  importCmd,
  validateCmd,
  statusCmd,
  escrowCmd,
  ...controllerCommands,
];
