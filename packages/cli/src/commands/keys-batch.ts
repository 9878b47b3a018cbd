// `chronoseal verify --batch FILE.ndjson`: streams an NDJSON file of
// {"publicKey","message","signature"} lines (base64), verifies them in chunks with one
// verifyBatch call each, and prints a verdict per line and a summary. Memory stays bounded by
// the chunk size and the longest line, whatever the file size.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Writable } from "node:stream";
import { fromBase64, parseJson, type VerifyItem, type VerifyMode, verifyBatch } from "@chronoseal/core";
import { SingleBar } from "cli-progress";
import { EXIT_INVALID, EXIT_OK, InputError, type Io } from "../command.js";

export interface BatchOptions {
  mode: VerifyMode;
  /** Lines per verifyBatch call. */
  chunkSize?: number;
  /** Longer lines are reported malformed without being buffered. */
  maxLineBytes?: number;
  /** Show a progress bar on a terminal for files at least this large. */
  progressMinBytes?: number;
  /** NDJSON output: one object per line, then a summary object. */
  json?: boolean;
}

export const DEFAULT_CHUNK = 4096;
const DEFAULT_MAX_LINE = 1 << 24; // 16 MiB
const PROGRESS_MIN = 1 << 20; // 1 MiB

type Entry = { line: number; item: VerifyItem } | { line: number; malformed: string };

/** Splits a byte stream into lines (LF or CRLF), never holding more than `max` bytes of one line. */
class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private tooLong = false;
  constructor(
    private readonly max: number,
    private readonly onLine: (text: string | undefined) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start <= chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      this.take(chunk.subarray(start, end));
      if (nl < 0) return;
      this.emit();
      start = nl + 1;
    }
  }

  end(): void {
    if (this.size > 0 || this.tooLong) this.emit();
  }

  private take(piece: Buffer): void {
    if (this.tooLong || piece.length === 0) return;
    if (this.size + piece.length > this.max) {
      this.tooLong = true;
      this.parts = [];
      return;
    }
    this.parts.push(piece);
    this.size += piece.length;
  }

  private emit(): void {
    let text: string | undefined;
    if (!this.tooLong) {
      text = Buffer.concat(this.parts, this.size).toString("utf8");
      if (text.endsWith("\r")) text = text.slice(0, -1);
    }
    this.parts = [];
    this.size = 0;
    this.tooLong = false;
    this.onLine(text);
  }
}

/** One NDJSON line → a verification item; throws Error with the reason when malformed. */
function parseBatchLine(text: string): VerifyItem {
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (e) {
    throw new Error(`not JSON (${(e as Error).message})`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error("not a JSON object");
  }
  const o = value as Record<string, unknown>;
  for (const k of ["publicKey", "message", "signature"]) {
    if (!(k in o)) throw new Error(`missing "${k}"`);
    if (typeof o[k] !== "string") throw new Error(`"${k}" must be a base64 string`);
  }
  return {
    publicKey: fromBase64(o.publicKey as string, "publicKey", 32),
    message: fromBase64(o.message as string, "message"),
    signature: fromBase64(o.signature as string, "signature", 64),
  };
}

function write(out: Writable, text: string): Promise<void> | undefined {
  if (out.write(text)) return undefined;
  return new Promise((done) => out.once("drain", done));
}

export async function verifyNdjson(file: string, options: BatchOptions, io: Io): Promise<number> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE;
  let input: NodeJS.ReadableStream;
  let size: number | undefined;
  if (file === "-") {
    input = io.stdin;
  } else {
    const path = resolve(io.cwd, file);
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new InputError(`${file} is not a file`);
      size = st.size;
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code}`);
    }
    input = createReadStream(path);
  }

  const bar =
    io.isTTY && size !== undefined && size >= (options.progressMinBytes ?? PROGRESS_MIN)
      ? new SingleBar({
          format: "verifying [{bar}] {percentage}% | {lines} lines | ETA {eta_formatted}",
          stream: io.stderr as NodeJS.WriteStream,
          hideCursor: true,
          clearOnComplete: true,
        })
      : undefined;
  bar?.start(size ?? 0, 0, { lines: 0 });

  const counts = { valid: 0, invalid: 0, malformed: 0 };
  let entries: Entry[] = [];
  let items = 0;
  let lineNo = 0;
  let bytesRead = 0;
  let output = "";

  /** Verifies the pending lines with one verifyBatch call and queues their verdicts, in order. */
  const verifyPending = (): void => {
    if (entries.length === 0) return;
    const verifiable = entries.flatMap((e) => ("item" in e ? [e.item] : []));
    const verdicts = verifiable.length ? verifyBatch(verifiable, { mode: options.mode }) : [];
    let k = 0;
    for (const e of entries) {
      if ("malformed" in e) {
        counts.malformed++;
        output += options.json
          ? `${JSON.stringify({ line: e.line, verdict: "malformed", reason: e.malformed })}\n`
          : `line ${e.line}: malformed: ${e.malformed}\n`;
      } else {
        const ok = verdicts[k++] === true;
        counts[ok ? "valid" : "invalid"]++;
        const verdict = ok ? "valid" : "invalid";
        output += options.json
          ? `${JSON.stringify({ line: e.line, verdict })}\n`
          : `line ${e.line}: ${verdict}\n`;
      }
    }
    entries = [];
    items = 0;
    bar?.update(bytesRead, { lines: lineNo });
  };

  const splitter = new LineSplitter(maxLine, (text) => {
    lineNo++;
    if (text !== undefined && text.trim() === "") return;
    if (text === undefined) {
      entries.push({ line: lineNo, malformed: `line longer than ${maxLine} bytes` });
    } else {
      try {
        entries.push({ line: lineNo, item: parseBatchLine(text) });
        items++;
      } catch (e) {
        entries.push({ line: lineNo, malformed: (e as Error).message });
      }
    }
    // Malformed lines count towards a bound too, so a file of garbage cannot pile up.
    if (items >= chunkSize || entries.length >= 4 * chunkSize) verifyPending();
  });

  try {
    for await (const chunk of input) {
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
      bytesRead += buf.length;
      splitter.push(buf);
      if (output) {
        const text = output;
        output = "";
        await write(io.stdout, text);
      }
    }
    splitter.end();
    verifyPending();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.syscall !== undefined) throw new InputError(`cannot read ${file}: ${err.code}`);
    throw e;
  } finally {
    bar?.stop();
  }

  const total = counts.valid + counts.invalid + counts.malformed;
  await write(
    io.stdout,
    options.json
      ? `${output}${JSON.stringify({ summary: { lines: total, ...counts } })}\n`
      : `${output}summary: ${total} lines, ${counts.valid} valid, ${counts.invalid} invalid, ${counts.malformed} malformed\n`,
  );
  if (total === 0) {
    io.stderr.write("chronoseal verify: no signatures to verify (empty batch)\n");
    return EXIT_INVALID;
  }
  return counts.valid === total ? EXIT_OK : EXIT_INVALID;
}
