// `chronoseal keygen`, `sign` and `verify`: Ed25519 key pairs in several formats, detached
// signatures over a file's bytes, and single or batch (NDJSON) verification. Also the key
// loaders other commands use (`loadPrivateKey`, `loadPublicKey`).
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  decodePrivateKey,
  decodePublicKey,
  encodePrivateKey,
  encodePublicKey,
  fromBase64,
  generateKeyPair,
  initKeys,
  type KeyPair,
  sign,
  toBase64,
  verify,
} from "@chronoseal/core";
import { type Command, EXIT_INVALID, EXIT_OK, InputError, type Io, UsageError } from "../command.js";
import { readInput } from "../io.js";
import { checkOutputs, isStdout, writeOutput } from "../output.js";
import { DEFAULT_CHUNK, verifyNdjson } from "./keys-batch.js";

/** Reads `arg` as a file when one exists at that path; undefined when there is none. */
async function readIfFile(arg: string, io: Io, what: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(resolve(io.cwd, arg)));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENAMETOOLONG" || code === "ENOTDIR") return undefined;
    throw new InputError(`cannot read ${what} ${arg}: ${code ?? String(e)}`);
  }
}

/**
 * Loads a private key file in any supported format (raw, base64, PKCS#8 PEM/DER, OpenSSH) for
 * `flag`. A public key is refused, naming the flag: any public-key format core recognises (an
 * `ssh-ed25519` line, SPKI), and a `.pub` file (what keygen writes the public key to: a base64
 * public key reads exactly like a base64 seed, so its name is what tells them apart).
 */
export async function loadPrivateKey(file: string, io: Io, flag = "--key"): Promise<KeyPair> {
  await initKeys();
  if (/\.pub$/i.test(file))
    throw new InputError(`${flag} ${file}: a public key file (.pub) where a private key belongs`);
  let data: Buffer;
  try {
    data = await readFile(resolve(io.cwd, file));
  } catch (e) {
    throw new InputError(
      `${flag} ${file}: cannot read it: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
  try {
    return decodePrivateKey(new Uint8Array(data));
  } catch (e) {
    throw new InputError(`${flag} ${file}: ${(e as Error).message}`);
  }
}

/** Loads a public key given as a file, or inline (base64, `ssh-ed25519 AAAA…`, PEM). */
export async function loadPublicKey(arg: string, io: Io): Promise<Uint8Array> {
  const file = await readIfFile(arg, io, "public key");
  try {
    return decodePublicKey(file ?? arg);
  } catch (e) {
    const where = file
      ? `public key file ${arg}`
      : `public key ${JSON.stringify(arg)} (no such file; inline key)`;
    throw new InputError(`${where}: ${(e as Error).message}`);
  }
}

/** A signature given inline as base64, or as a file holding base64 text or 64 raw bytes. */
async function loadSignature(arg: string, io: Io): Promise<Uint8Array> {
  const file = await readIfFile(arg, io, "signature");
  if (file?.length === 64) return file;
  const text = file ? new TextDecoder().decode(file).trim() : arg.trim();
  try {
    return fromBase64(text, "signature", 64);
  } catch (e) {
    const where = file ? `signature file ${arg}` : "signature (no such file; inline base64)";
    throw new InputError(`${where}: ${(e as Error).message}`);
  }
}

const FORMATS = ["raw", "base64", "ssh", "pem"] as const;
type KeygenFormat = (typeof FORMATS)[number];

const keygen: Command = {
  name: ["keygen"],
  summary: "generate an Ed25519 key pair",
  usage: [
    "usage: chronoseal keygen [--format raw|base64|ssh|pem] [--out FILE|- [--force]] [--comment TEXT] [--json]",
    "",
    "With --out, writes the private key to FILE (mode 0600) and the public key to FILE.pub",
    "(mode 0644); if either exists nothing is written (exit 1) unless --force. Without --out (or",
    "with --out -), prints both, labelled. --json: {format, publicKey, privateKeyFile, publicKeyFile}",
    "with --out FILE, else {format, publicKey, privateKey, publicKeyText}.",
    "Formats (default base64):",
    "  base64  the 32-byte seed / the 32-byte public key, base64, one line each",
    "  ssh     an OpenSSH private key file (unencrypted) / an `ssh-ed25519 AAAA… [comment]` line",
    "  pem     PKCS#8 `PRIVATE KEY` / SPKI `PUBLIC KEY` (OpenSSL, node:crypto)",
    "  raw     the 32-byte seed / the 32-byte public key as binary files (needs --out)",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: "string", default: "base64" },
        out: { type: "string" },
        force: { type: "boolean", default: false },
        comment: { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
    if (positionals.length) throw new UsageError("keygen takes no positional arguments");
    const toFile = values.out !== undefined && !isStdout(values.out);
    const format = values.format as KeygenFormat;
    if (!FORMATS.includes(format))
      throw new UsageError(`--format must be raw, base64, ssh or pem, got ${format}`);
    if (format === "raw" && !toFile)
      throw new UsageError("--format raw writes binary files: it needs --out FILE");
    if (values.comment !== undefined && format !== "ssh")
      throw new UsageError("--comment needs --format ssh");
    if (values.comment !== undefined && /[\r\n]/.test(values.comment))
      throw new UsageError("--comment must be one line");
    if (values.force && !toFile) throw new UsageError("--force needs --out FILE");
    if (toFile) await checkOutputs([values.out!, `${values.out}.pub`], io, values.force);

    await initKeys();
    const kp = generateKeyPair();
    const comment = values.comment ?? "";
    const priv = encodePrivateKey(kp, format === "ssh" ? "openssh" : format, comment);
    const pub = encodePublicKey(kp.publicKey, format, comment);
    const line = (v: Uint8Array | string) => (typeof v === "string" && !v.endsWith("\n") ? `${v}\n` : v);
    const force = values.force;
    if (toFile) {
      const out = values.out!;
      // Public first: if it cannot be written, no private key is left behind without it.
      await writeOutput(`${out}.pub`, line(pub), io, { force, mode: 0o644 });
      await writeOutput(out, line(priv), io, { force, mode: 0o600 });
      io.stdout.write(
        values.json
          ? `${JSON.stringify({ format, publicKey: toBase64(kp.publicKey), privateKeyFile: out, publicKeyFile: `${out}.pub` }, null, 2)}\n`
          : `private key: ${out} (${format}, mode 0600)\n` +
              `public key:  ${out}.pub (${format})\n` +
              `public key (base64): ${toBase64(kp.publicKey)}\n`,
      );
    } else if (values.json) {
      io.stdout.write(
        `${JSON.stringify({ format, publicKey: toBase64(kp.publicKey), privateKey: priv, publicKeyText: pub }, null, 2)}\n`,
      );
    } else {
      io.stdout.write(
        `# private key (${format}) — keep secret\n${line(priv) as string}# public key (${format})\n${line(pub) as string}`,
      );
    }
    return EXIT_OK;
  },
};

const signCommand: Command = {
  name: ["sign"],
  summary: "sign a file's bytes with an Ed25519 private key",
  usage: [
    "usage: chronoseal sign --key FILE [--json] [FILE|-]",
    "",
    "Prints the base64 Ed25519 signature (64 bytes) of FILE's bytes (standard input for - or no",
    "FILE) and a newline. The key file may be in any format keygen writes, PKCS#8 DER, or an",
    "unencrypted OpenSSH private key from ssh-keygen (format auto-detected); a public key is",
    "refused. --json: {signature, publicKey}.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { key: { type: "string" }, json: { type: "boolean", default: false } },
    });
    if (!values.key) throw new UsageError("--key is required");
    if (positionals.length > 1) throw new UsageError("expected at most one FILE");
    const kp = await loadPrivateKey(values.key, io);
    const data = await readInput(positionals[0], io);
    const signature = toBase64(sign(new Uint8Array(data), kp.secretKey));
    io.stdout.write(
      values.json
        ? `${JSON.stringify({ signature, publicKey: toBase64(kp.publicKey) })}\n`
        : `${signature}\n`,
    );
    return EXIT_OK;
  },
};

const verifyCommand: Command = {
  name: ["verify"],
  summary: "verify an Ed25519 signature, or an NDJSON batch of them",
  usage: [
    "usage: chronoseal verify --pub KEY --sig SIG [--mode zip215|strict] [--json] [FILE|-]",
    "       chronoseal verify --batch FILE.ndjson|- [--mode zip215|strict] [--chunk N] [--json]",
    "",
    "KEY: a public key file, or the key inline (base64, `ssh-ed25519 AAAA…`, PEM).",
    "SIG: base64 inline, or a file holding base64 or the 64 raw bytes.",
    "Prints valid (exit 0) or invalid (exit 1); --json: {valid}.",
    "",
    'Batch: one {"publicKey","message","signature"} object per line, base64 values. Prints',
    "`line N: valid|invalid|malformed: reason` per line and a summary; exit 0 only when every",
    `line is valid. Lines are verified ${DEFAULT_CHUNK} at a time (--chunk) in one batch call each.`,
    '--json: NDJSON, {"line":N,"verdict":"valid|invalid|malformed"[,"reason"]} per line, then',
    '{"summary":{"lines","valid","invalid","malformed"}}.',
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        pub: { type: "string" },
        sig: { type: "string" },
        batch: { type: "string" },
        chunk: { type: "string" },
        mode: { type: "string", default: "zip215" },
        json: { type: "boolean", default: false },
      },
    });
    const mode = values.mode;
    if (mode !== "zip215" && mode !== "strict")
      throw new UsageError(`--mode must be zip215 or strict, got ${mode}`);
    if (values.batch !== undefined) {
      if (values.pub !== undefined || values.sig !== undefined || positionals.length)
        throw new UsageError("--batch takes no --pub, --sig or FILE");
      const chunk = values.chunk === undefined ? DEFAULT_CHUNK : Number(values.chunk);
      if (!Number.isSafeInteger(chunk) || chunk < 1 || chunk > 1 << 20)
        throw new UsageError(`--chunk must be an integer from 1 to ${1 << 20}, got ${values.chunk}`);
      return verifyNdjson(values.batch, { mode, chunkSize: chunk, json: values.json }, io);
    }
    if (values.chunk !== undefined) throw new UsageError("--chunk needs --batch");
    if (values.pub === undefined || values.sig === undefined)
      throw new UsageError("--pub and --sig are required (or --batch)");
    if (positionals.length > 1) throw new UsageError("expected at most one FILE");
    const publicKey = await loadPublicKey(values.pub, io);
    const signature = await loadSignature(values.sig, io);
    const data = await readInput(positionals[0], io);
    const ok = verify(signature, new Uint8Array(data), publicKey, { mode });
    io.stdout.write(values.json ? `${JSON.stringify({ valid: ok })}\n` : ok ? "valid\n" : "invalid\n");
    return ok ? EXIT_OK : EXIT_INVALID;
  },
};

export const keysCommands: Command[] = [keygen, signCommand, verifyCommand];
