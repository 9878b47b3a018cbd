// `chronoseal canonicalize` and `chronoseal hash`: RFC 8785 canonical JSON and SHA-2 digests.
import { parseArgs } from "node:util";
import { canonicalHash, canonicalize, parseJson, sha256, sha512 } from "@chronoseal/core";
import { type Command, EXIT_OK, InputError, type Io, UsageError } from "../command.js";
import { readInput } from "../io.js";

/** Parses input bytes as strict JSON; errors become input errors with line and column. */
export function readJson(bytes: Buffer, name: string): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${name}: not valid UTF-8`);
  }
  try {
    return parseJson(text);
  } catch (e) {
    throw new InputError(`${name}: ${(e as Error).message}`);
  }
}

function canonicalOrInputError(value: unknown, name: string): string {
  try {
    return canonicalize(value);
  } catch (e) {
    throw new InputError(`${name}: ${(e as Error).message}`);
  }
}

const canonicalizeCommand: Command = {
  name: ["canonicalize"],
  summary: "print the RFC 8785 canonical form of a JSON document",
  usage: [
    "usage: chronoseal canonicalize [--json] [FILE|-]",
    "",
    "Reads JSON (strict: duplicate keys and lone surrogates are errors) and prints its",
    "RFC 8785 canonical form. No newline is added, so the output is byte-exact for piping",
    "into other tools. --json: {canonical} (the canonical text as a string) and a newline.",
    "Exit codes: 0 ok, 1 invalid input, 2 usage.",
  ].join("\n"),
  async run(argv: string[], io: Io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { json: { type: "boolean", default: false } },
    });
    if (positionals.length > 1) throw new UsageError("expected at most one FILE");
    const file = positionals[0];
    const name = file === undefined || file === "-" ? "<stdin>" : file;
    const value = readJson(await readInput(file, io), name);
    const canonical = canonicalOrInputError(value, name);
    io.stdout.write(values.json ? `${JSON.stringify({ canonical })}\n` : canonical);
    return EXIT_OK;
  },
};

const hashCommand: Command = {
  name: ["hash"],
  summary: "SHA-256/512 of a file's bytes, or of a JSON document's canonical form",
  usage: [
    "usage: chronoseal hash [--canonical] [--alg sha256|sha512] [--encoding hex|base64] [--json] [FILE|-]",
    "",
    "  --canonical        parse FILE as JSON and hash its RFC 8785 canonical UTF-8 bytes",
    "  --alg ALG          sha256 (default) or sha512",
    "  --encoding ENC     hex (default) or base64",
    "",
    "Prints the digest and a newline; --json: {alg, encoding, canonical, digest}.",
    "Exit codes: 0 ok, 1 invalid input, 2 usage.",
  ].join("\n"),
  async run(argv: string[], io: Io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        canonical: { type: "boolean", default: false },
        alg: { type: "string", default: "sha256" },
        encoding: { type: "string", default: "hex" },
        json: { type: "boolean", default: false },
      },
    });
    if (values.alg !== "sha256" && values.alg !== "sha512")
      throw new UsageError(`--alg must be sha256 or sha512, got ${values.alg}`);
    if (values.encoding !== "hex" && values.encoding !== "base64") {
      throw new UsageError(`--encoding must be hex or base64, got ${values.encoding}`);
    }
    if (positionals.length > 1) throw new UsageError("expected at most one FILE");
    const file = positionals[0];
    const name = file === undefined || file === "-" ? "<stdin>" : file;
    const input = await readInput(file, io);
    let digest: Uint8Array;
    if (values.canonical) {
      const value = readJson(input, name);
      if (values.alg === "sha256") {
        canonicalOrInputError(value, name); // reports the path of an unsupported value
        digest = canonicalHash(value);
      } else {
        digest = sha512(Buffer.from(canonicalOrInputError(value, name), "utf8"));
      }
    } else {
      const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
      digest = values.alg === "sha256" ? sha256(bytes) : sha512(bytes);
    }
    const text = Buffer.from(digest).toString(values.encoding);
    io.stdout.write(
      values.json
        ? `${JSON.stringify({ alg: values.alg, encoding: values.encoding, canonical: values.canonical, digest: text })}\n`
        : `${text}\n`,
    );
    return EXIT_OK;
  },
};

export const hashingCommands: Command[] = [canonicalizeCommand, hashCommand];
