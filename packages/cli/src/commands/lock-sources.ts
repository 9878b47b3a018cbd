// Inputs of the `chronoseal lock` verbs: entries streamed from a collector's NDJSON export or an
// exported file (one line at a time, memory independent of the log's length), anchors from a
// FileAnchors NDJSON file or URL or from a mesh network (verified locally, with each anchor's
// earliest trusted attestation), and device keys from a devices file or the anchors' registry.
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { assertPublicKeyBase64, parseJson } from "@chronoseal/core";
import { type Attested, MeshAnchorError, readMeshAnchors } from "@chronoseal/lock";
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
  /** From a mesh: each note's earliest trusted attestation (by note hash). */
  attested?: Map<string, Attested>;
  /** From a mesh: which node answered, the network, its trusted attestors, what did not verify. */
  mesh?: { node: string; network: string; attestors: string[]; rejected: Partial<Record<string, number>> };
}

const KEY_RE = /^[A-Za-z0-9+/]{43}=$/;

/** The network a node serves, when it serves exactly one (GET /v1/ping). */
async function onlyNetwork(nodes: string[]): Promise<string> {
  const errors: string[] = [];
  for (const node of nodes) {
    try {
      const r = await fetch(`${node}/v1/ping`, { signal: AbortSignal.timeout(5000) });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const networks = ((await r.json()) as { networks?: unknown }).networks;
      if (!Array.isArray(networks)) throw new Error("not a mesh node");
      if (networks.length !== 1)
        throw new UsageError(`${node} serves ${networks.length} networks: name one with --network KEY`);
      return String(networks[0]);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      errors.push(`${node}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new InputError(`no mesh node answered (${errors.join("; ")})`);
}

/** Anchors, heads and device registrations from a mesh (any node that answers; verified here). */
async function readMeshSource(list: string, network: string | undefined): Promise<Anchors> {
  const nodes = list
    .split(",")
    .map((n) => n.trim().replace(/\/+$/, ""))
    .filter(Boolean);
  if (nodes.length === 0) throw new UsageError("--mesh needs at least one node URL");
  for (const n of nodes)
    if (!/^https?:\/\//.test(n)) throw new UsageError(`--mesh: ${n} is not an http(s) URL`);
  if (network !== undefined && !KEY_RE.test(network))
    throw new UsageError("--network must be the network's admin public key (base64, 32 bytes)");
  const net = network ?? (await onlyNetwork(nodes));
  try {
    const v = await readMeshAnchors({ nodes, network: net });
    return {
      notes: v.notes,
      devices: v.devices,
      attested: v.attested,
      mesh: { node: v.node, network: net, attestors: v.attestors, rejected: v.rejected },
    };
  } catch (e) {
    if (e instanceof MeshAnchorError) throw new InputError(e.message);
    throw e;
  }
}

/** --anchors SOURCE or --mesh URL[,URL…] [--network KEY]: exactly one. */
export async function anchorsFrom(
  values: { anchors?: unknown; mesh?: unknown; network?: unknown },
  io: Io,
): Promise<Anchors> {
  if (values.anchors !== undefined && values.mesh !== undefined)
    throw new UsageError("--anchors and --mesh are alternatives: give one");
  if (typeof values.mesh === "string")
    return readMeshSource(values.mesh, values.network as string | undefined);
  if (values.network !== undefined) throw new UsageError("--network goes with --mesh");
  return readAnchors(values.anchors as string | undefined, io);
}

/** Anchors from a FileAnchors NDJSON file or URL: notes, and device registrations if any. */
async function readAnchors(source: string | undefined, io: Io): Promise<Anchors> {
  if (!source)
    throw new UsageError("--anchors SOURCE (an anchors NDJSON file or URL) or --mesh URL[,URL…] is required");
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
      "no device keys: pass --devices FILE, or use an anchors source with (attested) device registrations",
    );
  for (const [door, key] of devices) {
    try {
      assertPublicKeyBase64(key, `device key of ${door}`);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
  }
  return devices;
}
