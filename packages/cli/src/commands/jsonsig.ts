// `chronoseal sign-json` and `verify-json`: the one signing rule on JSON documents.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  decodePublicKey,
  encodePublicKey,
  formatTimestamp,
  signDocument,
  toMillis,
  verifyDocument,
} from "@chronoseal/core";
import { type Command, EXIT_INVALID, EXIT_OK, InputError, type Io, UsageError } from "../command.js";
import { readInput } from "../io.js";
import { readJson } from "./hashing.js";
import { loadPrivateKey } from "./keys.js";

function time(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  try {
    return toMillis(/^-?\d+$/.test(value) ? Number(value) : value, flag);
  } catch (e) {
    throw new UsageError(`${flag}: ${(e as Error).message}`);
  }
}

function asObject(value: unknown, name: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new InputError(`${name}: expected a JSON object`);
  return value as Record<string, unknown>;
}

const signJson: Command = {
  name: ["sign-json"],
  summary: "add a signature (the chronoseal signing rule) to a JSON document",
  usage: [
    "usage: chronoseal sign-json --key FILE --context CTX [--signed-at T] [FILE|-]",
    "",
    "Prints the document with the signer's entry added to its `signatures` map.",
    "T is RFC 3339 or epoch milliseconds (default: now).",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { key: { type: "string" }, context: { type: "string" }, "signed-at": { type: "string" } },
    });
    if (!values.key || !values.context) throw new UsageError("--key and --context are required");
    if (positionals.length > 1) throw new UsageError("expected at most one FILE");
    const kp = await loadPrivateKey(values.key, io);
    const name = positionals[0] ?? "<stdin>";
    const doc = asObject(readJson(await readInput(positionals[0], io), name), name);
    const signedAt = time(values["signed-at"], "--signed-at");
    try {
      const signed = signDocument(doc, {
        secretKey: kp.secretKey,
        context: values.context,
        ...(signedAt !== undefined ? { signedAt } : {}),
      });
      io.stdout.write(`${JSON.stringify(signed, null, 2)}\n`);
    } catch (e) {
      throw new InputError(`${name}: ${(e as Error).message}`);
    }
    return EXIT_OK;
  },
};

/** Reads trusted keys: a JSON array of keys, or one key per line in any public-key format. */
async function readTrusted(file: string, io: Io): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), "utf8");
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code}`);
  }
  const entries = text.trim().startsWith("[")
    ? (readJson(Buffer.from(text), file) as unknown[])
    : text.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
  if (!Array.isArray(entries)) throw new InputError(`${file}: expected a JSON array or one key per line`);
  return entries.map((k, i) => {
    try {
      return encodePublicKey(decodePublicKey(String(k)), "base64") as string;
    } catch (e) {
      throw new InputError(`${file}: key ${i + 1}: ${(e as Error).message}`);
    }
  });
}

const verifyJson: Command = {
  name: ["verify-json"],
  summary: "verify a signed JSON document: its trusted time, or why it is pending",
  usage: [
    "usage: chronoseal verify-json --trusted FILE --context CTX [--now T] [--tolerance MS] [--json] [FILE|-]",
    "",
    "FILE of trusted keys: one key per line (base64, ssh-ed25519, PEM lines) or a JSON array.",
    "Prints the document's time (earliest valid trusted signature) or `pending`, and every",
    "ignored signature with its reason (invalid, untrusted, future, malformed, wrong-context).",
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
    if (!values.trusted || !values.context) throw new UsageError("--trusted and --context are required");
    if (positionals.length > 1) throw new UsageError("expected at most one FILE");
    const tolerance = values.tolerance === undefined ? undefined : Number(values.tolerance);
    if (tolerance !== undefined && !(Number.isFinite(tolerance) && tolerance >= 0))
      throw new UsageError("--tolerance: expected milliseconds");
    const trusted = await readTrusted(values.trusted, io);
    const name = positionals[0] ?? "<stdin>";
    const doc = asObject(readJson(await readInput(positionals[0], io), name), name);
    const now = time(values.now, "--now");
    const report = verifyDocument(doc, {
      trusted,
      context: values.context,
      ...(now !== undefined ? { now } : {}),
      ...(tolerance !== undefined ? { futureTolerance: tolerance } : {}),
    });
    const timeText = report.time === undefined ? "pending" : formatTimestamp(report.time);
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify({ time: timeText, hash: report.hash, valid: report.valid, ignored: report.ignored }, null, 2)}\n`,
      );
    } else {
      io.stdout.write(`time: ${timeText}\n`);
      for (const v of report.valid) io.stdout.write(`  valid    ${v.key}  ${v.signed_at}\n`);
      for (const g of report.ignored)
        io.stdout.write(`  ignored  ${g.key || "(map)"}  ${g.reason}: ${g.detail}\n`);
    }
    return report.time === undefined ? EXIT_INVALID : EXIT_OK;
  },
};

export const jsonsigCommands: Command[] = [signJson, verifyJson];
