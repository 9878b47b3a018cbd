// `chronoseal keygen`, `sign` and `verify`: Ed25519 keys in several formats, detached
// signatures, and single or batch (NDJSON) verification.
import { createReadStream } from "node:fs";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
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
  type VerifyItem,
  verify,
  verifyBatch,
} from "@chronoseal/core";
import { SingleBar } from "cli-progress";
import { type Command, EXIT_INVALID, EXIT_OK, InputError, type Io, UsageError } from "../command.js";
import { readInput } from "../io.js";

/** Reads a key argument: a file path if it exists, else the text itself. */
async function keyText(arg: string, io: Io): Promise<string | Uint8Array> {
  try {
    return new Uint8Array(await readFile(resolve(io.cwd, arg)));
  } catch (e) {
    if (
      (e as NodeJS.ErrnoException).code === "ENOENT" ||
      (e as NodeJS.ErrnoException).code === "ENAMETOOLONG"
    )
      return arg;
    throw new InputError(`cannot read ${arg}: ${(e as NodeJS.ErrnoException).code}`);
  }
}

/** Loads a private key file in any supported format. */
export async function loadPrivateKey(file: string, io: Io): Promise<KeyPair> {
  await initKeys();
  let data: Buffer;
  try {
    data = await readFile(resolve(io.cwd, file));
  } catch (e) {
    throw new InputError(`cannot read key ${file}: ${(e as NodeJS.ErrnoException).code}`);
  }
  try {
    return decodePrivateKey(
      data.length === 32 || data.length === 64 ? new Uint8Array(data) : data.toString("utf8"),
    );
  } catch (e) {
    throw new InputError(`key ${file}: ${(e as Error).message}`);
  }
}

/** Loads a public key given inline or as a file. */
export async function loadPublicKey(arg: string, io: Io): Promise<Uint8Array> {
  try {
    return decodePublicKey(await keyText(arg, io));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`public key ${arg}: ${(e as Error).message}`);
  }
}

const keygen: Command = {
  name: ["keygen"],
  summary: "generate an Ed25519 key pair",
  usage: [
    "usage: chronoseal keygen [--format raw|base64|ssh|pem] [--out FILE] [--comment TEXT]",
    "",
    "Without --out, prints the private key and then the public key. With --out, writes the",
    "private key to FILE (mode 0600) and the public key to FILE.pub.",
    "Formats: raw (32-byte seed / 32-byte key, binary files only), base64, ssh (OpenSSH",
    "private key file and ssh-ed25519 public line), pem (PKCS#8 / SPKI). Default: base64.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: "string", default: "base64" },
        out: { type: "string" },
        comment: { type: "string", default: "" },
      },
    });
    if (positionals.length) throw new UsageError("keygen takes no positional arguments");
    const format = values.format;
    if (!["raw", "base64", "ssh", "pem"].includes(format))
      throw new UsageError(`--format must be raw, base64, ssh or pem, got ${format}`);
    if (format === "raw" && !values.out) throw new UsageError("--format raw needs --out (binary output)");
    await initKeys();
    const kp = generateKeyPair();
    const priv = encodePrivateKey(
      kp,
      format === "ssh" ? "openssh" : (format as "raw" | "base64" | "pem"),
      values.comment,
    );
    const pub = encodePublicKey(kp.publicKey, format as "raw" | "base64" | "ssh" | "pem", values.comment);
    const asText = (v: Uint8Array | string) =>
      typeof v === "string" ? (v.endsWith("\n") ? v : `${v}\n`) : v;
    if (values.out) {
      const out = resolve(io.cwd, values.out);
      await writeFile(out, asText(priv), { mode: 0o600 });
      await chmod(out, 0o600);
      await writeFile(`${out}.pub`, asText(pub));
      io.stdout.write(
        `private key: ${values.out}\npublic key:  ${values.out}.pub (${encodePublicKey(kp.publicKey, "base64")})\n`,
      );
    } else {
      io.stdout.write(`# private key (${format})\n${asText(priv)}# public key (${format})\n${asText(pub)}`);
    }
    return EXIT_OK;
  },
};

const signCommand: Command = {
  name: ["sign"],
  summary: "sign a file's bytes with an Ed25519 private key",
  usage:
    "usage: chronoseal sign --key FILE [FILE|-]\n\nPrints the base64 signature (64 bytes) and a newline.",
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { key: { type: "string" } },
    });
    if (!values.key) throw new UsageError("--key is required");
    if (positionals.length > 1) throw new UsageError("expected at most one FILE");
    const kp = await loadPrivateKey(values.key, io);
    const data = await readInput(positionals[0], io);
    io.stdout.write(`${Buffer.from(sign(new Uint8Array(data), kp.secretKey)).toString("base64")}\n`);
    return EXIT_OK;
  },
};

function parseLine(line: string): VerifyItem {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new Error("not JSON");
  }
  if (!v || typeof v !== "object") throw new Error("not an object");
  const o = v as Record<string, unknown>;
  for (const k of ["publicKey", "message", "signature"])
    if (typeof o[k] !== "string") throw new Error(`${k} must be a base64 string`);
  return {
    publicKey: fromBase64(o.publicKey as string, "publicKey", 32),
    message: fromBase64(o.message as string, "message"),
    signature: fromBase64(o.signature as string, "signature", 64),
  };
}

async function verifyNdjson(file: string, mode: "zip215" | "strict", io: Io): Promise<number> {
  const path = resolve(io.cwd, file);
  let size = 0;
  try {
    size = (await import("node:fs")).statSync(path).size;
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code}`);
  }
  const stream = createReadStream(path);
  const bar =
    io.isTTY && size > 1 << 20
      ? new SingleBar({
          format: "verifying [{bar}] {percentage}% | {value}/{total} bytes",
          stream: io.stderr as NodeJS.WriteStream,
        })
      : undefined;
  bar?.start(size, 0);
  let lineNo = 0;
  let read = 0;
  const counts = { valid: 0, invalid: 0, malformed: 0 };
  let pending: { line: number; item: VerifyItem }[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const verdicts = verifyBatch(
      pending.map((p) => p.item),
      { mode },
    );
    pending.forEach((p, i) => {
      const ok = verdicts[i];
      counts[ok ? "valid" : "invalid"]++;
      io.stdout.write(`line ${p.line}: ${ok ? "valid" : "invalid"}\n`);
    });
    pending = [];
  };
  for await (const line of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNo++;
    read += Buffer.byteLength(line) + 1;
    if (line.trim() === "") continue;
    try {
      pending.push({ line: lineNo, item: parseLine(line) });
    } catch (e) {
      flush();
      counts.malformed++;
      io.stdout.write(`line ${lineNo}: malformed: ${(e as Error).message}\n`);
    }
    if (pending.length >= 4096) {
      flush();
      bar?.update(read);
    }
  }
  flush();
  bar?.update(size);
  bar?.stop();
  const total = counts.valid + counts.invalid + counts.malformed;
  io.stdout.write(
    `summary: ${total} lines, ${counts.valid} valid, ${counts.invalid} invalid, ${counts.malformed} malformed\n`,
  );
  return counts.invalid + counts.malformed === 0 ? EXIT_OK : EXIT_INVALID;
}

const verifyCommand: Command = {
  name: ["verify"],
  summary: "verify an Ed25519 signature, or a batch file of them",
  usage: [
    "usage: chronoseal verify --pub KEY --sig SIG [--mode zip215|strict] [FILE|-]",
    "       chronoseal verify --batch FILE.ndjson [--mode zip215|strict]",
    "",
    "KEY: a public key file or inline key (base64, ssh-ed25519 line, PEM). SIG: base64 or a file.",
    "Single: prints valid or invalid (exit 0 or 1). Batch: one line per input line",
    '({"publicKey","message","signature"}, base64), then a summary; exit 0 only if all are valid.',
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
        mode: { type: "string", default: "zip215" },
      },
    });
    const mode = values.mode;
    if (mode !== "zip215" && mode !== "strict")
      throw new UsageError(`--mode must be zip215 or strict, got ${mode}`);
    if (values.batch !== undefined) {
      if (values.pub || values.sig || positionals.length)
        throw new UsageError("--batch takes no --pub, --sig or FILE");
      return verifyNdjson(values.batch, mode, io);
    }
    if (!values.pub || !values.sig) throw new UsageError("--pub and --sig are required (or --batch)");
    if (positionals.length > 1) throw new UsageError("expected at most one FILE");
    const pk = await loadPublicKey(values.pub, io);
    const sigText = await keyText(values.sig, io);
    let sig: Uint8Array;
    try {
      const text = typeof sigText === "string" ? sigText : Buffer.from(sigText).toString("utf8");
      sig =
        sigText instanceof Uint8Array && sigText.length === 64
          ? sigText
          : fromBase64(text.trim(), "signature", 64);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    const data = await readInput(positionals[0], io);
    const ok = verify(sig, new Uint8Array(data), pk, { mode });
    io.stdout.write(ok ? "valid\n" : "invalid\n");
    return ok ? EXIT_OK : EXIT_INVALID;
  },
};

export const keysCommands: Command[] = [keygen, signCommand, verifyCommand];
