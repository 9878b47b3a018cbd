// The collector's HTTP API (node:http):
//   POST /v1/entries   JSON array of entries (≤ 10,000, body ≤ 8 MiB)
//                      → 200 { accepted, duplicates } | 4xx { error, code, index? }
//   POST /v1/expire    a device-signed `expired` anchor note (text) → deletes that chain's entries
//   GET  /v1/entries?door=&chain=&from=&to=&since=&until=   NDJSON export, by chain and seq, streamed
//   GET  /v1/chains?door=&chain=                            heads of chains
//   GET  /healthz
// Appends are serialized in this process, so concurrent requests cannot interleave chain checks
// (several processes on one PostgreSQL database are safe too: a collision rolls back with 409).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { fromBase64, noteVerifier, parseJson } from "@chronoseal/core";
import { ANCHOR_ORIGIN_PREFIX, openAnchor } from "@chronoseal/lock";
import { IngestError, ingest } from "./ingest.js";
import type { CollectorStore, EntryQuery } from "./store.js";

export const MAX_BODY = 8 << 20;
const MAX_NOTE = 64 << 10;

export type CollectorLog = (
  level: "info" | "warn" | "error",
  msg: string,
  fields?: Record<string, unknown>,
) => void;

export interface CollectorOptions {
  store: CollectorStore;
  /** Device public key (base64) per door. */
  devices: ReadonlyMap<string, string>;
  log?: CollectorLog;
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

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw new HttpError(413, "ERR_TOO_LARGE", `body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, "ERR_TOO_LARGE", `body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  const buf = Buffer.concat(chunks);
  const text = buf.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(buf))
    throw new HttpError(400, "ERR_ENCODING", "body is not valid UTF-8");
  return text;
}

const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const NAME = /^[A-Za-z0-9._:/-]{1,130}$/;

function queryOf(url: URL): EntryQuery {
  const q: EntryQuery = {};
  for (const [k, v] of url.searchParams) {
    if (k === "door" || k === "chain") {
      if (!NAME.test(v)) throw new HttpError(400, "ERR_QUERY", `${k} is not a door serial or chain id`);
      q[k] = v;
    } else if (k === "from" || k === "to") {
      if (!/^\d{1,15}$/.test(v)) throw new HttpError(400, "ERR_QUERY", `${k} must be a non-negative integer`);
      q[k === "from" ? "fromSeq" : "toSeq"] = Number(v);
    } else if (k === "since" || k === "until") {
      if (!TIME_RE.test(v))
        throw new HttpError(400, "ERR_QUERY", `${k} must be RFC 3339 UTC with milliseconds`);
      q[k] = v;
    } else throw new HttpError(400, "ERR_QUERY", `unknown parameter ${k}`);
  }
  return q;
}

export function createCollectorServer(o: CollectorOptions): Server {
  const log: CollectorLog = o.log ?? (() => {});
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(f: () => Promise<T>): Promise<T> => {
    const run = queue.then(f, f);
    queue = run.catch(() => {});
    return run;
  };

  const routes = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname;
    const method = req.method ?? "GET";
    if (path === "/healthz" && method === "GET") return send(res, 200, { ok: true });
    if (path === "/v1/chains" && method === "GET") {
      const q = queryOf(url);
      if (q.fromSeq !== undefined || q.toSeq !== undefined || q.since || q.until)
        throw new HttpError(400, "ERR_QUERY", "chains takes door and chain only");
      return send(
        res,
        200,
        await o.store.chains({ ...(q.door ? { door: q.door } : {}), ...(q.chain ? { chain: q.chain } : {}) }),
      );
    }
    if (path === "/v1/entries" && method === "GET") {
      const q = queryOf(url);
      let closed = false;
      res.on("close", () => {
        closed = true;
      });
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      let n = 0;
      for await (const e of o.store.query(q)) {
        if (closed) break;
        n++;
        if (!res.write(`${JSON.stringify(e)}\n`))
          await new Promise<void>((r) => {
            // Both listeners go once either fires (a long export waits many times).
            const done = () => {
              res.off("drain", done);
              res.off("close", done);
              r();
            };
            res.on("drain", done);
            res.on("close", done);
          });
      }
      res.end();
      log("info", "export", { ...q, entries: n, complete: !closed });
      return;
    }
    if (path === "/v1/entries" && method === "POST") {
      const text = await readBody(req, MAX_BODY);
      let body: unknown;
      try {
        body = parseJson(text);
      } catch (e) {
        throw new HttpError(400, "ERR_JSON", (e as Error).message);
      }
      const r = await serially(() => ingest(o.store, o.devices, body));
      log("info", "ingest", { ...r });
      return send(res, 200, r);
    }
    if (path === "/v1/expire" && method === "POST") {
      const note = await readBody(req, MAX_NOTE);
      const origin = note.slice(0, Math.max(0, note.indexOf("\n")));
      const chain = origin.startsWith(ANCHOR_ORIGIN_PREFIX) ? origin.slice(ANCHOR_ORIGIN_PREFIX.length) : "";
      const door = chain.slice(0, Math.max(0, chain.indexOf("/")));
      const key = o.devices.get(door);
      if (!key)
        throw new HttpError(
          403,
          "ERR_UNKNOWN_DEVICE",
          `not an anchor of a known door: ${origin.slice(0, 80)}`,
        );
      let kind: string;
      try {
        kind = openAnchor(note, noteVerifier(door, fromBase64(key, "device key", 32))).kind;
      } catch (e) {
        throw new HttpError(422, "ERR_SIGNATURE", (e as Error).message);
      }
      if (kind !== "expired")
        throw new HttpError(422, "ERR_NOT_EXPIRED", `a ${kind} anchor does not expire a chain`);
      const deleted = await serially(() => o.store.deleteChain(chain));
      log("info", "expired", { chain, deleted });
      return send(res, 200, { chain, deleted });
    }
    if (["/healthz", "/v1/chains", "/v1/entries", "/v1/expire"].includes(path))
      throw new HttpError(405, "ERR_METHOD", `${method} is not allowed on ${path}`);
    throw new HttpError(404, "ERR_NOT_FOUND", `no route ${method} ${path}`);
  };

  return createServer((req, res) => {
    req.on("error", () => {});
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://collector");
    } catch {
      return send(res, 400, { error: "bad request target", code: "ERR_URL" });
    }
    routes(req, res, url).catch((e: unknown) => {
      if (e instanceof IngestError) {
        log("warn", "rejected", { code: e.code, message: e.message });
        return send(res, e.status, {
          error: e.message,
          code: e.code,
          ...(e.index !== undefined ? { index: e.index } : {}),
        });
      }
      if (e instanceof HttpError) {
        log("warn", "bad request", { code: e.code, message: e.message });
        if (res.headersSent) return res.destroy();
        // Stop reading a body we refuse (the connection closes after the answer).
        if (e.status === 413) res.setHeader("connection", "close");
        return send(res, e.status, { error: e.message, code: e.code });
      }
      log("error", "internal error", { message: String(e) });
      if (!res.headersSent) send(res, 500, { error: "internal error", code: "ERR_INTERNAL" });
      else res.destroy();
    });
  });
}
