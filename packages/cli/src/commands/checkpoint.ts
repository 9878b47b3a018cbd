// `chronoseal checkpoint sign | verify | cosign | vkey`: C2SP tlog checkpoints in signed-note
// form, and witness cosignatures (C2SP tlog-cosignature: cosignature/v1, note key type 0x04).
// Keys: any private key format `loadPrivateKey` reads, or a note signer key
// ("PRIVATE+KEY+<name>+<id>+<key>", which also names the key and its type); verifier keys
// "<name>+<hex id>+<base64(type ‖ key)>" inline or in files (one per line, `#` comments).
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  type Checkpoint,
  cosignCheckpoint,
  cosignNote,
  formatVerifierKey,
  fromBase64,
  initKeys,
  isSignerKey,
  type NoteKeyType,
  type NoteSigner,
  type NoteVerifier,
  openNote,
  parseCheckpoint,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  toBase64,
  verifyCheckpoint,
} from "@chronoseal/core";
import { type Command, EXIT_OK, InputError, type Io, UsageError } from "../command.js";
import { readInput } from "../io.js";
import { loadPrivateKey, loadPublicKey } from "./keys.js";

/** Runs `fn`, turning the typed errors of @chronoseal/core (bad notes, keys...) into input errors. */
function input<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof UsageError || e instanceof InputError) throw e;
    const message = (e as Error).message;
    throw new InputError(message.startsWith(`${what}: `) ? message : `${what}: ${message}`);
  }
}

/**
 * A signer from --key (any private key format, or a note signer key, which carries its name) and
 * --name (or `fallback` when neither gives a name).
 */
async function loadSigner(
  file: string,
  name: string | undefined,
  io: Io,
  fallback?: string,
): Promise<NoteSigner & { publicKey: Uint8Array }> {
  let text: string | undefined;
  try {
    text = (await readFile(resolve(io.cwd, file), "utf8")).trim();
  } catch {
    // loadPrivateKey reports unreadable files.
  }
  if (text !== undefined && isSignerKey(text)) {
    await initKeys();
    const s = input(`--key ${file}`, () => parseSignerKey(text));
    if (name !== undefined && name !== s.name)
      throw new UsageError(`--name ${name} differs from the signer key's name ${s.name}`);
    return s;
  }
  const keyName = name ?? fallback;
  if (keyName === undefined) throw new UsageError("--name is required unless --key is a note signer key");
  const kp = await loadPrivateKey(file, io);
  return { name: keyName, secretKey: kp.secretKey, publicKey: kp.publicKey };
}

/** --type: ed25519 (plain note signatures, 0x01) or cosignature/v1 (witness cosignatures, 0x04). */
function keyType(v: unknown): NoteKeyType | undefined {
  if (v === undefined) return undefined;
  if (v !== "ed25519" && v !== "cosignature/v1")
    throw new UsageError(`--type: expected ed25519 or cosignature/v1, got ${String(v)}`);
  return v;
}

/** Verifier keys from --vkey values: comma-separated keys or files of keys (one per line). */
export async function loadVerifiers(
  args: readonly string[],
  io: Io,
  flag = "--vkey",
): Promise<NoteVerifier[]> {
  const out: NoteVerifier[] = [];
  for (const part of args.flatMap((a) => a.split(","))) {
    if (part === "") throw new UsageError(`${flag}: empty key`);
    let lines = [part];
    if (!/^[^+]+\+[0-9a-fA-F]{8}\+/.test(part)) {
      try {
        lines = (await readFile(resolve(io.cwd, part), "utf8"))
          .split("\n")
          .map((l) => l.trim())
          .filter((l) => l !== "" && !l.startsWith("#"));
      } catch (e) {
        throw new InputError(
          `${flag} ${part}: not a verifier key, and ${(e as NodeJS.ErrnoException).code ?? e}`,
        );
      }
      if (lines.length === 0) throw new InputError(`${flag} ${part}: no verifier keys in the file`);
    }
    for (const line of lines) out.push(input(`${flag} ${part}`, () => parseVerifierKey(line)));
  }
  return out;
}

/** --require K: how many witnesses must cosign (default 1 with witnesses, 0 without). */
export function requireOf(v: unknown, witnesses: number): number {
  if (v === undefined) return witnesses ? 1 : 0;
  const k = Number(v);
  if (typeof v !== "string" || !/^\d+$/.test(v) || k > witnesses)
    throw new UsageError(`--require: expected an integer from 0 to the ${witnesses} witness keys given`);
  return k;
}

const sign: Command = {
  name: ["checkpoint", "sign"],
  summary: "sign a tlog checkpoint (C2SP signed note)",
  usage: [
    "usage: chronoseal checkpoint sign --key FILE --origin NAME --size N --root B64 [--name KEYNAME] [--ext LINE]... [--json]",
    "",
    "Prints the signed checkpoint note; the verifier key line goes to stderr. --json: {note, verifierKey}.",
    "  --key FILE     private key (raw, base64, PEM, OpenSSH) or note signer key (PRIVATE+KEY+...)",
    "  --origin NAME  the log's origin line",
    "  --size N       tree size (decimal, at most 2^53 - 1)",
    "  --root B64     RFC 9162 root hash, 32 bytes in padded base64",
    "  --name NAME    key name (default: the signer key's name, else the origin)",
    "  --ext LINE     an extension line after the root (repeatable)",
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
        json: { type: "boolean", default: false },
      },
    });
    if (positionals.length) throw new UsageError("checkpoint sign takes no FILE");
    if (!values.key || values.origin === undefined || values.size === undefined || values.root === undefined)
      throw new UsageError("--key, --origin, --size and --root are required");
    if (!/^(0|[1-9]\d*)$/.test(values.size) || !Number.isSafeInteger(Number(values.size)))
      throw new UsageError("--size: expected a decimal integer in [0, 2^53 - 1]");
    let root: Uint8Array;
    try {
      root = fromBase64(values.root, "--root", 32);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const signer = await loadSigner(values.key, values.name, io, values.origin);
    if (signer.type === "cosignature/v1")
      throw new UsageError("--key is a witness's cosignature/v1 key: cosign with it (checkpoint cosign)");
    const cp: Checkpoint = { origin: values.origin, size: Number(values.size), root };
    if (values.ext) cp.extensions = values.ext;
    const note = input("checkpoint", () => signCheckpoint(cp, [signer]));
    const verifierKey = formatVerifierKey(signer.name, signer.publicKey);
    if (values.json) io.stdout.write(`${JSON.stringify({ note, verifierKey }, null, 2)}\n`);
    else {
      io.stdout.write(note);
      io.stderr.write(`verifier key: ${verifierKey}\n`);
    }
    return EXIT_OK;
  },
};

const verify: Command = {
  name: ["checkpoint", "verify"],
  summary: "verify a signed checkpoint against verifier keys",
  usage: [
    "usage: chronoseal checkpoint verify --vkey VKEY[,VKEY...] [--witness VKEY[,VKEY...]] [--require K]",
    "                                    [--origin NAME] [--json] [FILE|-]",
    "",
    "VKEY: a verifier key (<name>+<hex id>+<base64>) or a file of them (one per line; --vkey may",
    "repeat). --vkey: the log's keys. --witness: witness keys — cosignature/v1 (type 4, timestamped)",
    "or plain Ed25519 (type 1) — of which --require K (default 1 with --witness) must have cosigned;",
    "a witness counts once whatever names or types its key has, and a cosignature dated more than",
    "10 minutes ahead of this clock does not count. Prints origin, size, root, extension lines, the",
    "verified signers, the witnesses with their times, and signatures by unknown keys or that do not",
    "verify. Exit 1 when no log key's signature verifies, fewer than K witnesses cosigned, the note",
    "or checkpoint is malformed, or the origin is not --origin.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        vkey: { type: "string", multiple: true },
        witness: { type: "string", multiple: true },
        require: { type: "string" },
        origin: { type: "string" },
        json: { type: "boolean" },
      },
    });
    if (!values.vkey) throw new UsageError("--vkey is required");
    if (positionals.length > 1) throw new UsageError("expected at most one FILE");
    const keys = await loadVerifiers(values.vkey, io);
    const witnesses = values.witness ? await loadVerifiers(values.witness, io, "--witness") : [];
    const require = requireOf(values.require, witnesses.length);
    const note = new Uint8Array(await readInput(positionals[0], io));
    const origin = values.origin;
    const r = input("checkpoint", () =>
      verifyCheckpoint(note, { keys, witnesses, require, ...(origin === undefined ? {} : { origin }) }),
    );
    const cp = r.checkpoint;
    if (values.json) {
      const json = {
        origin: cp.origin,
        size: cp.size,
        root: toBase64(cp.root),
        extensions: cp.extensions ?? [],
        verified: r.signers,
        witnesses: r.witnesses.map((w) => ({
          name: w.name,
          keyId: w.keyId,
          type: w.type,
          ...(w.timestamp === undefined ? {} : { time: new Date(w.timestamp * 1000).toISOString() }),
        })),
        invalid: r.invalid,
        unknown: r.unknown,
      };
      io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      return EXIT_OK;
    }
    const lines = [`origin: ${cp.origin}`, `size: ${cp.size}`, `root: ${toBase64(cp.root)}`];
    for (const e of cp.extensions ?? []) lines.push(`extension: ${e}`);
    lines.push(`verified by: ${r.signers.join(", ")}`);
    for (const w of r.witnesses)
      lines.push(
        `witness: ${w.name}${w.timestamp === undefined ? " (plain signature)" : ` cosigned at ${new Date(w.timestamp * 1000).toISOString()}`}`,
      );
    if (witnesses.length)
      lines.push(`witnesses: ${r.witnesses.length} of ${witnesses.length} (${require} required)`);
    for (const s of r.invalid)
      lines.push(
        `invalid signature: ${s.name}+${s.keyId}${s.reason && s.reason !== "signature" ? ` (${s.reason})` : ""}`,
      );
    for (const s of r.unknown) lines.push(`unknown signer: ${s.name}+${s.keyId}`);
    io.stdout.write(`${lines.join("\n")}\n`);
    return EXIT_OK;
  },
};

const cosign: Command = {
  name: ["checkpoint", "cosign"],
  summary: "add a (witness) signature to a signed checkpoint",
  usage: [
    "usage: chronoseal checkpoint cosign --key FILE [--name KEYNAME] [--type ed25519|cosignature/v1]",
    "                                    [--timestamp SECONDS] [--vkey VKEY[,VKEY...]] [--json] [FILE|-]",
    "",
    "Prints the note with one more signature line (the verifier key line goes to stderr). --type",
    "cosignature/v1 makes a C2SP witness cosignature (timestamped: --timestamp, default now; the",
    "note must be a checkpoint); the default is a plain Ed25519 note signature (a signer key's own",
    "type when --key is one). With --vkey (the log's key), the note must verify first: a witness",
    "should always pass it (and check consistency: a witness daemon does, see meshd's witness).",
    "--json: {note, verifierKey}.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        key: { type: "string" },
        name: { type: "string" },
        type: { type: "string" },
        timestamp: { type: "string" },
        vkey: { type: "string", multiple: true },
        json: { type: "boolean", default: false },
      },
    });
    if (!values.key) throw new UsageError("--key is required");
    if (positionals.length > 1) throw new UsageError("expected at most one FILE");
    const loaded = await loadSigner(values.key, values.name, io);
    const type = keyType(values.type) ?? loaded.type ?? "ed25519";
    const signer = { ...loaded, type };
    let timestamp: number | undefined;
    if (values.timestamp !== undefined) {
      if (type !== "cosignature/v1") throw new UsageError("--timestamp goes with --type cosignature/v1");
      if (!/^(0|[1-9]\d*)$/.test(values.timestamp) || !Number.isSafeInteger(Number(values.timestamp)))
        throw new UsageError("--timestamp: expected POSIX seconds (a decimal integer)");
      timestamp = Number(values.timestamp);
    }
    const verifiers = values.vkey ? await loadVerifiers(values.vkey, io) : undefined;
    const note = new Uint8Array(await readInput(positionals[0], io));
    input("checkpoint", () => {
      parseCheckpoint(parseNote(note).text);
      if (verifiers) openNote(note, verifiers);
    });
    const options = timestamp === undefined ? {} : { timestamp };
    const cosigned = input("checkpoint", () =>
      type === "cosignature/v1" ? cosignCheckpoint(note, [signer], options) : cosignNote(note, [signer]),
    );
    const verifierKey = formatVerifierKey(signer.name, signer.publicKey, type);
    if (values.json) io.stdout.write(`${JSON.stringify({ note: cosigned, verifierKey }, null, 2)}\n`);
    else {
      io.stdout.write(cosigned);
      io.stderr.write(`verifier key: ${verifierKey}\n`);
    }
    return EXIT_OK;
  },
};

const vkey: Command = {
  name: ["checkpoint", "vkey"],
  summary: "print the note verifier key of a key",
  usage: [
    "usage: chronoseal checkpoint vkey --name KEYNAME (--key FILE | --pub KEY) [--type ed25519|cosignature/v1] [--json]",
    "",
    "Prints <name>+<hex key id>+<base64(type || public key)> for a private key file, a note signer",
    "key (whose name and type are used), or a public key (any format `chronoseal verify` reads, or",
    "a file). --type cosignature/v1 (byte 0x04): a witness's key, as logs and verifiers configure it.",
    "--json: {name, type, verifierKey}.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        name: { type: "string" },
        key: { type: "string" },
        pub: { type: "string" },
        type: { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
    let type = keyType(values.type);
    if (positionals.length) throw new UsageError("checkpoint vkey takes no FILE");
    if ((values.key === undefined) === (values.pub === undefined))
      throw new UsageError("give exactly one of --key and --pub");
    let name = values.name;
    let publicKey: Uint8Array;
    if (values.key !== undefined) {
      const s = await loadSigner(values.key, name, io);
      name = s.name;
      publicKey = s.publicKey;
      type ??= s.type;
    } else {
      if (name === undefined) throw new UsageError("--name is required");
      publicKey = await loadPublicKey(values.pub!, io);
    }
    const keyName = name;
    const verifierKey = input("--name", () => formatVerifierKey(keyName, publicKey, type));
    io.stdout.write(
      values.json
        ? `${JSON.stringify({ name: keyName, type: type ?? "ed25519", verifierKey })}\n`
        : `${verifierKey}\n`,
    );
    return EXIT_OK;
  },
};

export const checkpointCommands: Command[] = [sign, verify, cosign, vkey];
