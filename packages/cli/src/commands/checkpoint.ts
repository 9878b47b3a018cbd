// `chronoseal checkpoint sign | verify | cosign`: C2SP checkpoints in signed-note format.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  cosignNote,
  formatVerifierKey,
  fromBase64,
  type NoteVerifier,
  parseVerifierKey,
  signCheckpoint,
  verifyCheckpoint,
} from "@chronoseal/core";
import { type Command, EXIT_OK, InputError, type Io, UsageError } from "../command.js";
import { readInput } from "../io.js";
import { loadPrivateKey } from "./keys.js";

async function verifiers(arg: string, io: Io): Promise<NoteVerifier[]> {
  const out: NoteVerifier[] = [];
  for (const part of arg.split(",")) {
    let text = part;
    try {
      text = (await readFile(resolve(io.cwd, part), "utf8")).trim();
    } catch {}
    try {
      out.push(parseVerifierKey(text));
    } catch (e) {
      throw new InputError(`--vkey ${part}: ${(e as Error).message}`);
    }
  }
  return out;
}

const sign: Command = {
  name: ["checkpoint", "sign"],
  summary: "sign a tlog checkpoint (C2SP signed note)",
  usage: [
    "usage: chronoseal checkpoint sign --key FILE --origin NAME --size N --root B64 [--name KEYNAME] [--ext LINE]...",
    "",
    "Prints the signed checkpoint note, then (on stderr) the verifier key line.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        key: { type: "string" },
        origin: { type: "string" },
        size: { type: "string" },
        root: { type: "string" },
        name: { type: "string" },
        ext: { type: "string", multiple: true },
      },
    });
    if (positionals.length) throw new UsageError("checkpoint sign takes no FILE");
    if (!values.key || !values.origin || values.size === undefined || !values.root)
      throw new UsageError("--key, --origin, --size and --root are required");
    if (!/^(0|[1-9]\d*)$/.test(values.size)) throw new UsageError("--size: expected a non-negative integer");
    const kp = await loadPrivateKey(values.key, io);
    const name = values.name ?? values.origin;
    try {
      const root = fromBase64(values.root, "--root", 32);
      const note = signCheckpoint(
        {
          origin: values.origin,
          size: Number(values.size),
          root,
          ...(values.ext ? { extensions: values.ext } : {}),
        },
        [{ name, secretKey: kp.secretKey }],
      );
      io.stdout.write(note);
      io.stderr.write(`verifier key: ${formatVerifierKey(name, kp.publicKey)}\n`);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    return EXIT_OK;
  },
};

const verify: Command = {
  name: ["checkpoint", "verify"],
  summary: "verify a signed checkpoint against verifier keys",
  usage: [
    "usage: chronoseal checkpoint verify --vkey VKEY[,VKEY...] [FILE|-]",
    "",
    "VKEY: a verifier key (<name>+<hex id>+<base64>) or a file holding one. Prints origin, size,",
    "root and the verified signers; exit 1 if no known signer's signature verifies.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { vkey: { type: "string" } },
    });
    if (!values.vkey) throw new UsageError("--vkey is required");
    if (positionals.length > 1) throw new UsageError("expected at most one FILE");
    const vs = await verifiers(values.vkey, io);
    const note = (await readInput(positionals[0], io)).toString("utf8");
    let result: ReturnType<typeof verifyCheckpoint>;
    try {
      result = verifyCheckpoint(note, vs);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    const cp = result.checkpoint;
    io.stdout.write(
      `origin: ${cp.origin}\nsize: ${cp.size}\nroot: ${Buffer.from(cp.root).toString("base64")}\n`,
    );
    for (const e of cp.extensions ?? []) io.stdout.write(`extension: ${e}\n`);
    io.stdout.write(`verified by: ${result.signers.join(", ")}\n`);
    return EXIT_OK;
  },
};

const cosign: Command = {
  name: ["checkpoint", "cosign"],
  summary: "add a (witness) signature to a signed checkpoint",
  usage:
    "usage: chronoseal checkpoint cosign --key FILE --name KEYNAME [FILE|-]\n\nPrints the note with the new signature line.",
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { key: { type: "string" }, name: { type: "string" } },
    });
    if (!values.key || !values.name) throw new UsageError("--key and --name are required");
    const kp = await loadPrivateKey(values.key, io);
    const note = (await readInput(positionals[0], io)).toString("utf8");
    try {
      io.stdout.write(cosignNote(note, [{ name: values.name, secretKey: kp.secretKey }]));
      io.stderr.write(`verifier key: ${formatVerifierKey(values.name, kp.publicKey)}\n`);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    return EXIT_OK;
  },
};

export const checkpointCommands: Command[] = [sign, verify, cosign];
