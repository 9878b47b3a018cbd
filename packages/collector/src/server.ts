// The collector's HTTP API (node:http):
//   POST /v1/entries          JSON array of entries (≤ 8 MiB) → 200 { accepted, duplicates } or 4xx { error, code }
//   GET  /v1/entries?door=&chain=&from=&to=   NDJSON export, ordered by chain and seq (streamed)
//   GET  /v1/chains           heads of every chain
//   GET  /healthz
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { parseJson } from "@chronoseal/core";
import { IngestError, ingest } from "./ingest.js";
import type { CollectorStore, EntryQuery } from "./store.js";

export const MAX_BODY = 8 << 20;

export interface CollectorOptions {
  store: CollectorStore;
  /** Device public key (base64) per door. */
  devices: ReadonlyMap<string, string>;
  log?: (level: "info" | "warn", msg: string, fields?: Record<string, unknown>) => void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY) throw new HttpError(413, "ERR_TOO_LARGE", `body larger than ${MAX_BODY} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, "ERR_TOO_LARGE", `body larger than ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function intParam(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null) return undefined;
  if (!/^\d{1,15}$/.test(v)) throw new HttpError(400, "ERR_QUERY", `${name} must be a non-negative integer`);
  return Number(v);
}

export function createCollectorServer(o: CollectorOptions): Server {
  const log = o.log ?? (() => {});
  // Appends are serialized so concurrent requests cannot interleave chain checks.
  let queue: Promise<unknown> = Promise.resolve();
  return createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://collector");
    const handle = async () => {
      if (req.method === "GET" && url.pathname === "/healthz") return send(res, 200, { ok: true });
      if (req.method === "GET" && url.pathname === "/v1/chains")
        return send(res, 200, await o.store.chains());
      if (req.method === "GET" && url.pathname === "/v1/entries") {
        const q: EntryQuery = {};
        const door = url.searchParams.get("door");
        const chain = url.searchParams.get("chain");
        if (door) q.door = door;
        if (chain) q.chain = chain;
        const from = intParam(url, "from");
        const to = intParam(url, "to");
        if (from !== undefined) q.fromSeq = from;
        if (to !== undefined) q.toSeq = to;
        res.writeHead(200, { "content-type": "application/x-ndjson" });
        for await (const e of o.store.query(q)) {
          if (!res.write(`${JSON.stringify(e)}\n`)) await new Promise((r) => res.once("drain", r));
        }
        res.end();
        return;
      }
      if (req.method === "POST" && url.pathname === "/v1/entries") {
        const text = await readBody(req);
        let body: unknown;
        try {
          body = parseJson(text);
        } catch (e) {
          throw new HttpError(400, "ERR_JSON", (e as Error).message);
        }
        const result = queue.then(
          () => ingest(o.store, o.devices, body),
          () => ingest(o.store, o.devices, body),
        );
        queue = result;
        const r = await result;
        log("info", "ingest", { ...r });
        return send(res, 200, r);
      }
      throw new HttpError(404, "ERR_NOT_FOUND", `no route ${req.method} ${url.pathname}`);
    };
    handle().catch((e: unknown) => {
      if (e instanceof IngestError) {
        log("warn", "rejected", { code: e.code, message: e.message });
        return send(res, e.status, { error: e.message, code: e.code, index: e.index });
      }
      if (e instanceof HttpError) {
        log("warn", "bad request", { code: e.code, message: e.message });
        if (!res.headersSent) return send(res, e.status, { error: e.message, code: e.code });
        return res.destroy();
      }
      log("warn", "internal error", { message: String(e) });
      if (!res.headersSent) send(res, 500, { error: "internal error", code: "ERR_INTERNAL" });
      else res.destroy();
    });
  });
}
