// Listening and graceful close. close() (fastify's, or closeHttpServer with its own grace):
//   - stops accepting connections; idle keep-alive connections are closed at once;
//   - requests in flight finish, and their connections close after the answer (so no new
//     request can arrive on them);
//   - whatever is still open after the grace period (a peer that stalls mid-body, a slow export)
//     is closed by force, so a daemon always stops.
// listenOn() listens and turns its errors (port in use, address not available, permission) into
// a StartupError with a one-line message naming the address.
import type { FastifyInstance } from "fastify";
import { StartupError } from "./errors.js";

const GRACE = Symbol("chronoseal.closeGraceMs");
type WithGrace = FastifyInstance & { [GRACE]?: number };

export function installClose(app: FastifyInstance, defaultGraceMs: number): void {
  let closing = false;
  let force: NodeJS.Timeout | undefined;
  (app as WithGrace)[GRACE] = defaultGraceMs;
  app.addHook("onSend", async (_request, reply, payload) => {
    if (closing) reply.header("connection", "close");
    return payload;
  });
  app.addHook("preClose", async () => {
    closing = true;
    const server = app.server;
    server.closeIdleConnections();
    force = setTimeout(() => server.closeAllConnections(), (app as WithGrace)[GRACE]);
    force.unref();
  });
  app.addHook("onClose", async () => {
    clearTimeout(force);
  });
}

/** Closes the server gracefully, forcing connections still open after graceMs. */
export async function closeHttpServer(app: FastifyInstance, graceMs?: number): Promise<void> {
  if (graceMs !== undefined) {
    if (!Number.isFinite(graceMs) || graceMs < 0)
      throw new RangeError(`graceMs: expected a non-negative number, got ${graceMs}`);
    (app as WithGrace)[GRACE] = graceMs;
  }
  await app.close();
}

const WHY: Record<string, string> = {
  EADDRINUSE: "address already in use",
  EADDRNOTAVAIL: "address not available on this machine",
  EACCES: "permission denied (ports below 1024 need privileges)",
  ENOTFOUND: "host name does not resolve",
  EAI_AGAIN: "host name does not resolve",
};

/** Listens on host:port; returns the base URL (with the port the OS chose for port 0). */
export async function listenOn(app: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    // The node server is started directly (fastify's documented serverFactory pattern) rather
    // than by app.listen, which logs its own "Server listening" line: each daemon logs one line
    // of its own with what it serves.
    await app.ready();
    await new Promise<void>((resolve, reject) => {
      const server = app.server;
      const onError = (e: Error) => reject(e);
      server.once("error", onError);
      server.listen({ host, port }, () => {
        server.off("error", onError);
        resolve();
      });
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
    throw new StartupError("ERR_LISTEN", `cannot listen on ${where}: ${WHY[code] ?? (e as Error).message}`, {
      cause: e,
    });
  }
  const address = app.server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  return `http://${host.includes(":") ? `[${host}]` : host}:${actual}`;
}
