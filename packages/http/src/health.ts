// Health and readiness routes of every chronoseal daemon:
//   GET /healthz  the process is up and its event loop answers: 200 { "status": "ok" }
//   GET /readyz   it can serve: every readiness check passes → 200 { status: "ready", checks };
//                 otherwise 503 { status: "not-ready", checks, error, code: "ERR_NOT_READY" },
//                 where checks maps each check's name to "ok" or the reason it failed.
// A check is a function that returns (or resolves) nothing when ready, and throws or returns a
// string naming the problem otherwise; a check that does not answer within timeoutMs fails
// with "no answer within N ms" (a database that hangs is not ready). Checks run in parallel.
import type { FastifyInstance } from "fastify";

/** Ready: returns nothing. Not ready: throws, or returns the reason. */
export type ReadinessCheck = () => undefined | string | Promise<undefined | string>;

export interface HealthOptions {
  /** The checks by name, or a function giving them (for checks that change while running). */
  checks: Record<string, ReadinessCheck> | (() => Record<string, ReadinessCheck>);
  /** How long one check may take (default 2000 ms). */
  timeoutMs?: number;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    const answer = Promise.resolve()
      .then(check)
      .then(
        (r) => (typeof r === "string" ? r || "not ready" : "ok"),
        (e: unknown) => (e instanceof Error ? e.message : String(e)) || "not ready",
      );
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the checks (in parallel, each bounded by timeoutMs). */
export async function readiness(o: HealthOptions): Promise<Readiness> {
  const checks = typeof o.checks === "function" ? o.checks() : o.checks;
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((n) => runCheck(checks[n]!, o.timeoutMs ?? 2000)));
  const out: Record<string, string> = {};
  names.forEach((n, i) => {
    out[n] = results[i]!;
  });
  return { ready: results.every((r) => r === "ok"), checks: out };
}

/** Registers GET /healthz and GET /readyz on a daemon's server (before it listens). */
export function registerHealthRoutes(app: FastifyInstance, o: HealthOptions): void {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const r = await readiness(o);
    if (r.ready) return { status: "ready", checks: r.checks };
    const failing = Object.keys(r.checks).filter((k) => r.checks[k] !== "ok");
    return reply.code(503).send({
      status: "not-ready",
      checks: r.checks,
      error: `not ready: ${failing.join(", ")}`,
      code: "ERR_NOT_READY",
    });
  });
}
