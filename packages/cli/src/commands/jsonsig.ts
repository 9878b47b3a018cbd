// `chronoseal sign-json` and `verify-json`: the one signing rule on JSON documents.
// Exit codes: 0 signed / the document has a trusted time; 1 pending, or input that is not
// acceptable (bad JSON, bad key file, bad document); 2 usage (missing or malformed flags).
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  assertContext,
  canonicalPublicKey,
  type DocumentReport,
  formatTimestamp,
  signDocument,
  toMillis,
  verifyDocument,
} from "@chronoseal/core";
import { type Command, EXIT_INVALID, EXIT_OK, InputError, type Io, UsageError } from "../command.js";
import { readInput } from "../io.js";
import { readJson } from "./hashing.js";
import { loadPrivateKey } from "./keys.js";

/** A time flag: RFC 3339 or epoch milliseconds. */
function timeFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  try {
    return toMillis(/^-?\d+$/.test(value) ? Number(value) : value, flag);
  } catch (e) {
    throw new UsageError(`${flag}: ${(e as Error).message}`);
  }
}

function contextFlag(value: string | undefined): string {
  if (value === undefined) throw new UsageError("--context is required");
  try {
    return assertContext(value);
  } catch (e) {
    throw new UsageError(`--context: ${(e as Error).message}`);
  }
}

async function readDocument(file: string | undefined, io: Io): Promise<{ name: string; doc: object }> {
  const name = file === undefined || file === "-" ? "<stdin>" : file;
  const doc = readJson(await readInput(file, io), name);
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    throw new InputError(`${name}: expected a JSON object`);
  return { name, doc };
}

const signJson: Command = {
  name: ["sign-json"],
  summary: "add a signature (the chronoseal signing rule) to a JSON document",
  usage: [
    "usage: chronoseal sign-json --key FILE --context CTX [--signed-at T] [--json] [FILE|-]",
    "",
    "Prints the document with the signer's entry { signed_at, signature, context } added to its",
    "`signatures` map (replacing an older entry of the same signer). The signature covers",
    "chronoseal-v1:<CTX>:<signed_at>:<base64(SHA-256(JCS(document without signatures)))>.",
    "CTX is 1-64 of [a-z0-9-]. T is RFC 3339 or epoch milliseconds (default: now).",
    "The output is JSON already: --json is accepted and changes nothing.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        key: { type: "string" },
        context: { type: "string" },
        "signed-at": { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
    if (!values.key) throw new UsageError("--key is required");
    const context = contextFlag(values.context);
    const signedAt = timeFlag(values["signed-at"], "--signed-at");
    if (positionals.length > 1) throw new UsageError("expected at most one FILE");
    const kp = await loadPrivateKey(values.key, io);
    const { name, doc } = await readDocument(positionals[0], io);
    let signed: object;
    try {
      signed = signDocument(doc, {
        secretKey: kp.secretKey,
        context,
        ...(signedAt !== undefined ? { signedAt } : {}),
      });
    } catch (e) {
      throw new InputError(`${name}: ${(e as Error).message}`);
    }
    io.stdout.write(`${JSON.stringify(signed, null, 2)}\n`);
    return EXIT_OK;
  },
};

/**
 * Reads trusted keys: a JSON array of keys, or a text file of keys in any public-key format —
 * PEM blocks, and otherwise one key per line (base64, `ssh-ed25519 AAAA… comment`); blank lines
 * and `#` comments are skipped. Returns canonical base64 keys.
 */
async function readTrusted(file: string, io: Io): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), "utf8");
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code}`);
  }
  const entries: { where: string; key: unknown }[] = [];
  if (text.trim().startsWith("[")) {
    const list = readJson(Buffer.from(text), file);
    if (!Array.isArray(list)) throw new InputError(`${file}: expected a JSON array of keys`);
    for (const [i, key] of list.entries()) entries.push({ where: `entry ${i + 1}`, key });
  } else {
    let pem: string[] | undefined;
    let pemStart = 0;
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.trim();
      if (pem) {
        pem.push(line);
        if (line.startsWith("-----END ")) {
          entries.push({ where: `line ${pemStart}`, key: pem.join("\n") });
          pem = undefined;
        }
      } else if (line.startsWith("-----BEGIN ")) {
        pem = [line];
        pemStart = i + 1;
      } else if (line !== "" && !line.startsWith("#")) entries.push({ where: `line ${i + 1}`, key: line });
    });
    if (pem) throw new InputError(`${file}: line ${pemStart}: PEM block without an END line`);
  }
  return entries.map(({ where, key }) => {
    if (typeof key !== "string") throw new InputError(`${file}: ${where}: expected a key string`);
    try {
      return canonicalPublicKey(key);
    } catch (e) {
      throw new InputError(`${file}: ${where}: ${(e as Error).message}`);
    }
  });
}

function printReport(report: DocumentReport, io: Io): void {
  io.stdout.write(`time: ${report.time === undefined ? "pending" : formatTimestamp(report.time)}\n`);
  io.stdout.write(`hash: ${report.hash}\n`);
  for (const v of report.valid) io.stdout.write(`  valid    ${v.key}  ${v.signed_at}\n`);
  for (const g of report.ignored)
    io.stdout.write(`  ignored  ${g.key || "(signatures)"}  ${g.reason}: ${g.detail}\n`);
}

const verifyJson: Command = {
  name: ["verify-json"],
  summary: "verify a signed JSON document: its trusted time, or why it is pending",
  usage: [
    "usage: chronoseal verify-json --trusted FILE --context CTX [--now T] [--tolerance MS] [--json] [FILE|-]",
    "",
    "Trusted FILE: a JSON array of keys, or keys in any public-key format (base64, ssh-ed25519",
    "lines, PEM blocks), one per line; `#` comments.",
    "Prints the document's time (earliest valid signature by a trusted key) or `pending`, its",
    "payload hash, the valid trusted signatures, and every other signature with its reason:",
    "malformed, invalid, wrong-context, untrusted, future (dated after --now + tolerance;",
    "default tolerance 600000 ms). --json prints { time, hash, valid, ignored }.",
    "Exit 0 when the document has a trusted time, 1 when it is pending or the input is invalid.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        trusted: { type: "string" },
        context: { type: "string" },
        now: { type: "string" },
        tolerance: { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
    if (!values.trusted) throw new UsageError("--trusted is required");
    const context = contextFlag(values.context);
    const now = timeFlag(values.now, "--now");
    const tolerance = values.tolerance === undefined ? undefined : Number(values.tolerance);
    if (tolerance !== undefined && !(Number.isSafeInteger(tolerance) && tolerance >= 0))
      throw new UsageError("--tolerance: expected whole milliseconds >= 0");
    if (positionals.length > 1) throw new UsageError("expected at most one FILE");
    const trusted = await readTrusted(values.trusted, io);
    const { name, doc } = await readDocument(positionals[0], io);
    let report: DocumentReport;
    try {
      report = verifyDocument(doc, {
        trusted,
        context,
        ...(now !== undefined ? { now } : {}),
        ...(tolerance !== undefined ? { futureTolerance: tolerance } : {}),
      });
    } catch (e) {
      throw new InputError(`${name}: ${(e as Error).message}`);
    }
    if (values.json) {
      const time = report.time === undefined ? "pending" : formatTimestamp(report.time);
      io.stdout.write(
        `${JSON.stringify({ time, hash: report.hash, valid: report.valid, ignored: report.ignored }, null, 2)}\n`,
      );
    } else printReport(report, io);
    return report.time === undefined ? EXIT_INVALID : EXIT_OK;
  },
};

export const jsonsigCommands: Command[] = [signJson, verifyJson];
