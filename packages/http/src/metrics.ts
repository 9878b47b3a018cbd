// Prometheus metrics of a daemon (prom-client): one Registry per daemon instance — never the
// global default, so several daemons in one process (tests, the simulator) keep their figures
// apart — holding
//   - Node's default process metrics (CPU, memory, event loop lag, GC, handles), prefixed
//     chronoseal_ unless told otherwise;
//   - chronoseal_http_requests_total{method,route,status} and
//     chronoseal_http_request_duration_seconds{method,route} from the HTTP layer's observe hook
//     (route is the pattern, "unmatched" when none matched: bounded labels);
//   - chronoseal_fsync_duration_seconds{file}: every fsync of the durable-write helpers
//     (@chronoseal/core/fsync; process-wide, so two daemons in one process see each other's).
// The app adds its own figures to `registry`; registerMetricsRoute serves GET /metrics in the
// text exposition format.
import { onFsync } from "@chronoseal/core/fsync";
import type { FastifyInstance } from "fastify";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import type { RequestRecord } from "./server.js";

export interface DaemonMetrics {
  registry: Registry;
  /** Pass as the HTTP server's `observe` option. */
  observe: (record: RequestRecord) => void;
  /** Stops observing fsyncs (call when the daemon stops). */
  close(): void;
}

/** Latency buckets for disk syncs, seconds (0.1 ms … 10 s). */
export const FSYNC_BUCKETS = [
  0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
];

export function createDaemonMetrics(o: { defaultMetrics?: boolean } = {}): DaemonMetrics {
  const registry = new Registry();
  if (o.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "chronoseal_" });
  const requests = new Counter({
    name: "chronoseal_http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "chronoseal_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by method and route pattern",
    labelNames: ["method", "route"] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [registry],
  });
  const fsync = new Histogram({
    name: "chronoseal_fsync_duration_seconds",
    help: "Latency of fsync in the durable-write helpers, by kind of file",
    labelNames: ["file"] as const,
    buckets: FSYNC_BUCKETS,
    registers: [registry],
  });
  const stop = onFsync((seconds, file) => fsync.observe({ file }, seconds));
  return {
    registry,
    observe: (r) => {
      const route = r.route ?? "unmatched";
      const method = r.method || "unknown";
      requests.inc({ method, route, status: String(r.status) });
      duration.observe({ method, route }, r.durationMs / 1000);
    },
    close: stop,
  };
}

/** Serves GET /metrics (Prometheus text format) from `registry`. */
export function registerMetricsRoute(app: FastifyInstance, registry: Registry): void {
  app.get("/metrics", async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}
