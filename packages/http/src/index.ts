// @chronoseal/http: the one HTTP and operations layer of the chronoseal daemons (meshd, the
// collector, the lock agent's status endpoint): fastify with one error body, limits, content-type
// checks, request logs through pino, graceful close; health and readiness routes; Prometheus
// metrics (one registry per daemon); environment overrides of config fields.
export { type BodyKind, checkContentType, decodeBody, mediaType } from "./body.js";
export { closeHttpServer, listenOn } from "./close.js";
export {
  applyOverrides,
  blameVariable,
  EnvError,
  type EnvField,
  type EnvOverride,
  type EnvType,
  envName,
  envNames,
  envOverrides,
  type LoadWithEnv,
  loadWithEnv,
} from "./env.js";
export { type ErrorAnswer, errorAnswer, HttpError, StartupError } from "./errors.js";
export {
  type HealthOptions,
  type Readiness,
  type ReadinessCheck,
  readiness,
  registerHealthRoutes,
} from "./health.js";
export { createDaemonMetrics, type DaemonMetrics, FSYNC_BUCKETS, registerMetricsRoute } from "./metrics.js";
export { metricValue, parseMetrics, type Sample } from "./scrape.js";
export {
  createHttpServer,
  type HttpServer,
  type HttpServerOptions,
  type Logger,
  type RequestRecord,
  silentLogger,
} from "./server.js";
