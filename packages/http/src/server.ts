// createHttpServer: the fastify instance every chronoseal daemon serves with. One error body for
// every 4xx/5xx (routes throw HttpError; fastify's own errors, 404, 405, malformed URLs and
// malformed HTTP are mapped to it), body limits per route, content-type checks, strict UTF-8 and
// JSON bodies, request logs through the daemon's pino logger, a hook for metrics, and graceful
// close (see close.ts). Routes are plain fastify routes; `config: { body: "text" }` makes a
// POST take text instead of JSON, and `bodyLimit` sets its limit.
import {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  fastify,
  LogController,
} from "fastify";
import { pino } from "pino";
import { type BodyKind, checkContentType, checkQuery, decodeBody } from "./body.js";
import { installClose } from "./close.js";
import { errorAnswer } from "./errors.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** What a POST/PUT/PATCH route reads: JSON (default), UTF-8 text, or UTF-8 text of any content type. */
    body?: BodyKind;
  }
}

export type Logger = FastifyBaseLogger;
export type HttpServer = FastifyInstance;

/** What the metrics hook sees of every answered request (route is the pattern: bounded labels). */
export interface RequestRecord {
  method: string;
  /** The route pattern (`/v1/networks/:admin/digest`), or undefined when no route matched. */
  route: string | undefined;
  status: number;
  durationMs: number;
}

export interface HttpServerOptions {
  /** The daemon's pino logger (default: silent). Request lines go to it at debug, refusals at warn. */
  logger?: Logger;
  /** Body limit of routes that do not set their own, bytes (default 1 MiB). */
  bodyLimit?: number;
  /** How long close() lets requests in flight finish before closing their connections (default 5 s). */
  closeGraceMs?: number;
  /** A request (headers and body) must arrive within this time, ms (default 60 s; slowloris). */
  requestTimeoutMs?: number;
  /** Called once per answered request: the hook point for metrics. */
  observe?: (record: RequestRecord) => void;
}

const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const;
const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function limitOf(request: FastifyRequest): number | undefined {
  return request.routeOptions?.bodyLimit;
}

/** A fastify instance configured as every chronoseal daemon's HTTP server. */
export function createHttpServer(options: HttpServerOptions = {}): HttpServer {
  const app = fastify({
    ...(options.logger ? { loggerInstance: options.logger } : {}),
    // fastify's own "incoming request"/"request completed" lines are replaced by ours below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 1 << 20,
    requestTimeout: options.requestTimeoutMs ?? 60_000,
    // (no request can arrive while closing: see close.ts)
    return503OnClosing: false,
    routerOptions: { maxParamLength: 512 },
    // Malformed HTTP (bad request line, oversized headers, timeouts): answered with our body.
    clientErrorHandler(err, socket) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === "ECONNRESET" || socket.destroyed) return;
      const [status, code, message] =
        e.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? [408, "ERR_TIMEOUT", "request not received in time"]
          : e.code === "HPE_HEADER_OVERFLOW"
            ? [431, "ERR_HEADERS_TOO_LARGE", "request headers too large"]
            : [400, "ERR_HTTP", "malformed HTTP request"];
      const body = JSON.stringify({ error: message, code });
      if (socket.writable)
        socket.write(
          `HTTP/1.1 ${status} ${status === 400 ? "Bad Request" : status === 408 ? "Request Timeout" : "Request Header Fields Too Large"}\r\n` +
            `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        );
      socket.destroy();
      options.observe?.({ method: "", route: undefined, status, durationMs: 0 });
    },
    frameworkErrors(error, request, reply) {
      const a = errorAnswer(error);
      request.log.warn({ status: a.status, code: a.body.code, error: a.body.error }, "bad request");
      (reply as FastifyReply).code(a.status).header("connection", "close").send(a.body);
      // (no route context: the onResponse hook does not run for these)
      options.observe?.({ method: request.method, route: undefined, status: a.status, durationMs: 0 });
    },
  });

  // Every body is read as bytes (with the route's limit) and decoded after the type check.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

  app.addHook("onRequest", async (request) => checkQuery(request.url));
  app.addHook("preParsing", async (request, _reply, payload) => {
    if (!request.is404 && BODY_METHODS.has(request.method))
      checkContentType(request.routeOptions.config.body ?? "json", request.headers["content-type"]);
    return payload;
  });
  app.addHook("preValidation", async (request) => {
    if (!request.is404 && BODY_METHODS.has(request.method) && request.method !== "DELETE")
      request.body = decodeBody(
        request.routeOptions.config.body ?? "json",
        request.body as Buffer | undefined,
      );
  });

  app.addHook("onResponse", async (request, reply) => {
    const record: RequestRecord = {
      method: request.method,
      route: request.is404 ? undefined : request.routeOptions.url,
      status: reply.statusCode,
      durationMs: reply.elapsedTime,
    };
    request.log.debug(
      { method: record.method, url: request.url.slice(0, 200), status: record.status, ms: record.durationMs },
      "request",
    );
    options.observe?.(record);
  });

  app.setErrorHandler((error, request, reply) => {
    const a = errorAnswer(error, limitOf(request));
    if (a.internal) request.log.error({ err: error, url: request.url.slice(0, 200) }, "internal error");
    else
      request.log[a.quiet ? "debug" : "warn"](
        { status: a.status, code: a.body.code, error: a.body.error },
        "bad request",
      );
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    if (a.close) reply.header("connection", "close");
    reply.code(a.status).send(a.body);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "/";
    const allowed = METHODS.filter((m) => m !== request.method && app.findRoute({ method: m, url: path }));
    if (allowed.length) {
      request.log.warn({ method: request.method, path: path.slice(0, 200) }, "bad request");
      return reply
        .code(405)
        .header("allow", allowed.join(", "))
        .send({ error: `${request.method} is not allowed on ${path.slice(0, 200)}`, code: "ERR_METHOD" });
    }
    request.log.debug({ method: request.method, path: path.slice(0, 200) }, "no route");
    return reply
      .code(404)
      .send({ error: `no route ${request.method} ${path.slice(0, 200)}`, code: "ERR_NOT_FOUND" });
  });

  installClose(app, options.closeGraceMs ?? 5000);
  return app;
}

/** A logger that drops everything (the default of packages that take an optional logger). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
