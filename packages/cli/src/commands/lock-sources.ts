// Inputs of the `chronoseal lock` verbs: entries streamed from a collector's NDJSON export or an
// exported file (one line at a time, memory independent of the log's length), anchors from a
// FileAnchors NDJSON file or URL, and device keys from a devices file or the anchors' registry.
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fromBase64, parseJson } from "@chronoseal/core";
import { InputError, type Io, UsageError } from "../command.js";

/** Splits a byte stream into lines (UTF-8), yielding each complete line. */
async function* lines(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let rest = "";
  for await (const chunk of chunks) {
    const text = rest + (typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    let start = 0;
    for (let nl = text.indexOf("\n", start); nl >= 0; nl = text.indexOf("\n", start)) {
      yield text.slice(start, nl);
      start = nl + 1;
    }
    rest = text.slice(start);
    if (rest.length > 1 << 20) throw new InputError("a line longer than 1 MiB: not an entries export");
  }
  rest += decoder.decode();
  if (rest) yield rest;
}

/** A line as a value for the auditor; a line that is not JSON becomes an unattributable marker. */
export function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return { malformed: line.slice(0, 80) };
  }
}

export interface EntryFilter {
  door?: string;
  chain?: string;
  from?: string;
  to?: string;
  since?: string;
  until?: string;
}

function base(url: string): string {
  if (!/^https?:\/\//.test(url)) throw new UsageError(`--collector must be an http(s) URL, got ${url}`);
  return url.replace(/\/+$/, "");
}

async function get(url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new InputError(
      `${url}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`,
    );
  }
  if (!res.ok) throw new InputError(`${url}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  return res;
}

/** How many entries the collector holds for the filter (for the progress bar), if it can tell. */
export async function collectorTotal(url: string, f: EntryFilter): Promise<number | undefined> {
  if (f.from || f.to || f.since || f.until) return undefined;
  const q = new URLSearchParams();
  if (f.door) q.set("door", f.door);
  if (f.chain) q.set("chain", f.chain);
  const heads = (await (await get(`${base(url)}/v1/chains?${q}`)).json()) as { seq: number }[];
  return heads.reduce((n, h) => n + h.seq + 1, 0);
}

/** The collector's NDJSON export, line by line. */
export async function* collectorLines(url: string, f: EntryFilter): AsyncGenerator<string> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined) q.set(k, v);
  const res = await get(`${base(url)}/v1/entries?${q}`);
  if (!res.body) return;
  yield* lines(res.body as unknown as AsyncIterable<Uint8Array>);
}

/** An exported NDJSON file ("-" for standard input), line by line. */
export async function* fileLines(file: string, io: Io): AsyncGenerator<string> {
  const stream = file === "-" ? io.stdin : createReadStream(resolve(io.cwd, file));
  try {
    yield* lines(stream as AsyncIterable<Uint8Array>);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export interface Anchors {
  notes: string[];
  devices: Map<string, string>;
}

/** Anchors from a FileAnchors NDJSON file or URL: notes, and device registrations if any. */
export async function readAnchors(source: string | undefined, io: Io): Promise<Anchors> {
  if (!source) throw new UsageError("--anchors SOURCE is required (an anchors NDJSON file or URL)");
  let text: string;
  if (/^https?:\/\//.test(source)) text = await (await get(source)).text();
  else {
    try {
      text = await readFile(resolve(io.cwd, source), "utf8");
    } catch (e) {
      throw new InputError(
        `cannot read anchors ${source}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      );
    }
  }
  const notes: string[] = [];
  const devices = new Map<string, string>();
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new InputError(`anchors ${source}:${i + 1}: not JSON`);
    }
    if (typeof v === "string") notes.push(v);
    else if (v && typeof v === "object" && typeof (v as { device?: unknown }).device === "string") {
      const { device, key } = v as { device: string; key: unknown };
      if (typeof key === "string" && !devices.has(device)) devices.set(device, key);
    } else throw new InputError(`anchors ${source}:${i + 1}: neither a note nor a device registration`);
  });
  return { notes, devices };
}

/** Device keys: --devices FILE (a JSON object door → base64 key), else the anchors' registry. */
export async function readDevices(
  file: string | undefined,
  anchors: Anchors,
  io: Io,
): Promise<Map<string, string>> {
  let devices: Map<string, string>;
  if (file) {
    let obj: unknown;
    try {
      obj = parseJson(await readFile(resolve(io.cwd, file), "utf8"));
    } catch (e) {
      throw new InputError(`devices ${file}: ${(e as Error).message}`);
    }
    if (!obj || typeof obj !== "object" || Array.isArray(obj))
      throw new InputError(`devices ${file}: expected a JSON object door → base64 public key`);
    devices = new Map(Object.entries(obj as Record<string, unknown>).map(([d, k]) => [d, k as string]));
  } else devices = anchors.devices;
  if (devices.size === 0)
    throw new UsageError(
      "no device keys: pass --devices FILE, or use an anchors source with device registrations",
    );
  for (const [door, key] of devices) {
    try {
      fromBase64(key, `device key of ${door}`, 32);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
  }
  return devices;
}
