// `chronoseal lock audit | export | verify-file`: auditing lock logs against their anchors.
import { createReadStream, createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { parseJson } from "@chronoseal/core";
import { audit, type ChainVerdict, FileAnchors } from "@chronoseal/lock";
import { SingleBar } from "cli-progress";
import { type Command, EXIT_INVALID, EXIT_OK, InputError, type Io, UsageError } from "../command.js";

async function readDevices(file: string | undefined, io: Io): Promise<Map<string, string>> {
  if (!file) throw new UsageError("--devices FILE is required (a JSON object: door → base64 device key)");
  try {
    const obj = parseJson(await readFile(resolve(io.cwd, file), "utf8")) as Record<string, string>;
    return new Map(Object.entries(obj));
  } catch (e) {
    throw new InputError(`devices ${file}: ${(e as Error).message}`);
  }
}

function anchorNotes(source: string | undefined, io: Io): string[] {
  if (!source) throw new UsageError("--anchors SOURCE is required (an anchors NDJSON file)");
  try {
    return new FileAnchors(resolve(io.cwd, source)).notes();
  } catch (e) {
    throw new InputError(`anchors ${source}: ${(e as Error).message}`);
  }
}

async function* collectorEntries(
  url: string,
  door: string | undefined,
  io: Io,
  bar?: SingleBar,
): AsyncIterable<unknown> {
  const q = door ? `?door=${encodeURIComponent(door)}` : "";
  let res: Response;
  try {
    res = await fetch(`${url.replace(/\/$/, "")}/v1/entries${q}`);
  } catch (e) {
    throw new InputError(`collector ${url}: ${(e as Error).message}`);
  }
  if (!res.ok || !res.body) throw new InputError(`collector ${url}: HTTP ${res.status}`);
  let buf = "";
  let n = 0;
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let i = buf.indexOf("\n");
    while (i >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.trim()) {
        n++;
        if (n % 1000 === 0) bar?.update(n);
        yield parseLineOrMarker(line);
      }
      i = buf.indexOf("\n");
    }
  }
  if (buf.trim()) yield parseLineOrMarker(buf);
  void io;
}

function parseLineOrMarker(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return { malformed: line.slice(0, 80) };
  }
}

async function* fileEntries(file: string, io: Io): AsyncIterable<unknown> {
  const stream = createReadStream(resolve(io.cwd, file));
  stream.on("error", () => {});
  try {
    for await (const line of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
      if (line.trim()) yield parseLineOrMarker(line);
    }
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function report(verdicts: ChainVerdict[], json: boolean, io: Io): number {
  if (json) io.stdout.write(`${JSON.stringify(verdicts, null, 2)}\n`);
  else {
    for (const v of verdicts) {
      io.stdout.write(
        `${v.chain}: ${v.verified ? "verified" : "TAMPERED"} (${v.received} entries, last seq ${v.lastSeq}, anchored through ${v.anchoredThrough})\n`,
      );
      for (const f of v.findings) {
        const seqs =
          f.seqs.length > 12
            ? `${f.seqs.slice(0, 5).join(", ")} … ${f.seqs.at(-1)} (${f.seqs.length})`
            : f.seqs.join(", ");
        io.stdout.write(`  ${f.kind.padEnd(20)} ${seqs}  ${f.detail}\n`);
      }
    }
    if (verdicts.length === 0) io.stdout.write("no chains found\n");
  }
  return verdicts.every((v) => v.verified) ? EXIT_OK : EXIT_INVALID;
}

const auditCmd: Command = {
  name: ["lock", "audit"],
  summary: "audit a collector's lock logs against the devices' anchors",
  usage: [
    "usage: chronoseal lock audit --collector URL --anchors FILE --devices FILE [--door ID] [--json]",
    "",
    "--devices: JSON object door → base64 device public key. Prints a verdict per chain and every",
    "finding (dropped, altered, reordered, replayed, forked, backdated, unanchored, missing final",
    "anchor). Exit 0 only when every chain verifies.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        collector: { type: "string" },
        anchors: { type: "string" },
        devices: { type: "string" },
        door: { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
    if (positionals.length) throw new UsageError("lock audit takes no positional arguments");
    if (!values.collector) throw new UsageError("--collector URL is required");
    const devices = await readDevices(values.devices, io);
    const anchors = anchorNotes(values.anchors, io);
    const bar = io.isTTY
      ? new SingleBar({ format: "auditing {value} entries", stream: io.stderr as NodeJS.WriteStream })
      : undefined;
    bar?.start(0, 0);
    const verdicts = await audit(collectorEntries(values.collector, values.door, io, bar), {
      deviceKeys: devices,
      anchors,
    });
    bar?.stop();
    return report(values.door ? verdicts.filter((v) => v.door === values.door) : verdicts, values.json, io);
  },
};

const exportCmd: Command = {
  name: ["lock", "export"],
  summary: "export a collector's entries as NDJSON (for an offline audit)",
  usage: "usage: chronoseal lock export --collector URL [--door ID] --out FILE.ndjson",
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { collector: { type: "string" }, door: { type: "string" }, out: { type: "string" } },
    });
    if (!values.collector || !values.out) throw new UsageError("--collector and --out are required");
    const out = createWriteStream(resolve(io.cwd, values.out));
    let n = 0;
    for await (const e of collectorEntries(values.collector, values.door, io)) {
      n++;
      if (!out.write(`${JSON.stringify(e)}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
    io.stdout.write(`exported ${n} entries to ${values.out}\n`);
    return EXIT_OK;
  },
};

const verifyFile: Command = {
  name: ["lock", "verify-file"],
  summary: "audit an exported NDJSON log offline",
  usage: "usage: chronoseal lock verify-file --anchors FILE --devices FILE [--json] FILE.ndjson",
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        anchors: { type: "string" },
        devices: { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
    if (positionals.length !== 1) throw new UsageError("expected one exported FILE.ndjson");
    const devices = await readDevices(values.devices, io);
    const anchors = anchorNotes(values.anchors, io);
    const verdicts = await audit(fileEntries(positionals[0]!, io), { deviceKeys: devices, anchors });
    return report(verdicts, values.json, io);
  },
};

export const lockCommands: Command[] = [auditCmd, exportCmd, verifyFile];
