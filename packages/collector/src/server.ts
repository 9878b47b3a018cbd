// The collector's HTTP API, on the shared HTTP layer (@chronoseal/http: one error body
// { error, code }, body limits, content-type checks, pino request logs, graceful close):
//   POST /v1/entries   JSON array of entries (≤ 10,000, body ≤ 8 MiB)
//                      → 200 { accepted, duplicates } | 4xx { error, code, index? }
//   POST /v1/expire    a device-signed `expired` anchor note (text) → deletes that chain's entries
//   GET  /v1/entries?door=&chain=&from=&to=&since=&until=   NDJSON export, by chain and seq, streamed
//   GET  /v1/chains?door=&chain=                            heads of chains
//   GET  /healthz                                           200 { status: "ok" } while the process runs
//   GET  /readyz                                            200 when the store answers (SELECT 1), else 503
// Appends are serialized in this process, so concurrent requests cannot interleave chain checks
// (several processes on one PostgreSQL database are safe too: a collision rolls back with 409).
import { Readable } from "node:stream";
import { fromBase64, noteVerifier } from "@chronoseal/core";
import {
  createHttpServer,
  HttpError,
  type HttpServer,
  type Logger,
  type ReadinessCheck,
  type RequestRecord,
  registerHealthRoutes,
} from "@chronoseal/http";
import { ANCHOR_ORIGIN_PREFIX, openAnchor } from "@chronoseal/lock";
import { type IngestCode, IngestError, type IngestResult, ingest } from "./ingest.js";
import type { CollectorStore, EntryQuery } from "./store.js";

export const MAX_BODY = 8 << 20;
const MAX_NOTE = 64 << 10;

export interface CollectorOptions {
  store: CollectorStore;
  /** Device public key (base64) per door. */
  devices: ReadonlyMap<string, string>;
  /** pino logger (default: silent). */
  logger?: Logger;
  /** Called once per answered request (the metrics hook). */
  observe?: (record: RequestRecord) => void;
  /** How long close() lets requests in flight (a long export) finish, ms (default 5 s). */
  closeGraceMs?: number;
  /** Readiness checks besides the store's (GET /readyz). */
  readiness?: Record<string, ReadinessCheck>;
  /** Instrumentation (metrics). */
  hooks?: CollectorHooks;
}

/** What the collector's metrics hear about: ingests, refused batches, exports, expiries. */
export interface CollectorHooks {
  /** A batch of `batch` entries was stored (its signatures verified in one batch). */
  ingested?(result: IngestResult, batch: number): void;
  /** A batch was refused with `code`; `batch` is its length when it was an array. */
  rejected?(code: IngestCode, batch: number | undefined): void;
  /** An export ended after `entries` entries (complete or not). */
  exported?(entries: number, complete: boolean): void;
  /** A chain's entries were deleted on its expiry anchor. */
  expired?(deleted: number): void;
}

const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const NAME = /^[A-Za-z0-9._:/-]{1,130}$/;

function queryOf(query: Record<string, unknown>): EntryQuery {
  const q: EntryQuery = {};
  for (const [k, v] of Object.entries(query)) {
    if (typeof v !== "string")
      throw new HttpError(400, "ERR_QUERY", `${k.slice(0, 40)} is given more than once`);
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
    } else throw new HttpError(400, "ERR_QUERY", `unknown parameter ${JSON.stringify(k.slice(0, 40))}`);
  }
  return q;
}

type Query = { Querystring: Record<string, unknown> };

/** The collector's HTTP server (not listening yet: `listenOn(app, host, port)` or `app.listen`). */
export function createCollectorServer(o: CollectorOptions): HttpServer {
  const app = createHttpServer({
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.observe ? { observe: o.observe } : {}),
    ...(o.closeGraceMs !== undefined ? { closeGraceMs: o.closeGraceMs } : {}),
  });
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(f: () => Promise<T>): Promise<T> => {
    const run = queue.then(f, f);
    queue = run.catch(() => {});
    return run;
  };

  registerHealthRoutes(app, {
    checks: { storage: () => o.store.ping().then(() => undefined), ...o.readiness },
  });

  app.get<Query>("/v1/chains", async (request) => {
    const q = queryOf(request.query);
    if (q.fromSeq !== undefined || q.toSeq !== undefined || q.since || q.until)
      throw new HttpError(400, "ERR_QUERY", "chains takes door and chain only");
    return o.store.chains({ ...(q.door ? { door: q.door } : {}), ...(q.chain ? { chain: q.chain } : {}) });
  });

  app.get<Query>("/v1/entries", async (request, reply) => {
    const q = queryOf(request.query);
    const log = request.log;
    // Streamed with backpressure; a client that goes away ends the query (its finally runs).
    async function* lines(): AsyncGenerator<string> {
      let n = 0;
      let complete = false;
      try {
        for await (const e of o.store.query(q)) {
          n++;
          yield `${JSON.stringify(e)}\n`;
        }
        complete = true;
      } finally {
        log.info({ ...q, entries: n, complete }, "export");
        o.hooks?.exported?.(n, complete);
      }
    }
    return reply.type("application/x-ndjson").send(Readable.from(lines()));
  });

  app.post("/v1/entries", { bodyLimit: MAX_BODY }, async (request) => {
    try {
      const r = await serially(() => ingest(o.store, o.devices, request.body));
      request.log.info({ ...r }, "ingest");
      o.hooks?.ingested?.(r, (request.body as unknown[]).length);
      return r;
    } catch (e) {
      if (!(e instanceof IngestError)) throw e;
      o.hooks?.rejected?.(
        e.code as IngestCode,
        Array.isArray(request.body) ? request.body.length : undefined,
      );
      throw new HttpError(e.status, e.code, e.message, {
        cause: e,
        ...(e.index !== undefined ? { extra: { index: e.index } } : {}),
      });
    }
  });

  app.post("/v1/expire", { bodyLimit: MAX_NOTE, config: { body: "text" } }, async (request) => {
    const note = request.body as string;
    const origin = note.slice(0, Math.max(0, note.indexOf("\n")));
    const chain = origin.startsWith(ANCHOR_ORIGIN_PREFIX) ? origin.slice(ANCHOR_ORIGIN_PREFIX.length) : "";
    const door = chain.slice(0, Math.max(0, chain.indexOf("/")));
    const key = o.devices.get(door);
    if (!key)
      throw new HttpError(403, "ERR_UNKNOWN_DEVICE", `not an anchor of a known door: ${origin.slice(0, 80)}`);
    let kind: string;
    try {
      kind = openAnchor(note, noteVerifier(door, fromBase64(key, "device key", 32))).kind;
    } catch (e) {
      throw new HttpError(422, "ERR_SIGNATURE", (e as Error).message, { cause: e });
    }
    if (kind !== "expired")
      throw new HttpError(422, "ERR_NOT_EXPIRED", `a ${kind} anchor does not expire a chain`);
    const deleted = await serially(() => o.store.deleteChain(chain));
    request.log.info({ chain, deleted }, "expired");
    o.hooks?.expired?.(deleted);
    return { chain, deleted };
  });

  return app;
}
