// @chronoseal/http: the one HTTP layer of the chronoseal daemons (meshd, the collector, and the
// daemons later issues add): fastify with one error body, limits, content-type checks, request
// logs through pino, a metrics hook and graceful close.
export { type BodyKind, checkContentType, decodeBody, mediaType } from "./body.js";
export { closeHttpServer, listenOn } from "./close.js";
export { type ErrorAnswer, errorAnswer, HttpError, StartupError } from "./errors.js";
export {
  createHttpServer,
  type HttpServer,
  type HttpServerOptions,
  type Logger,
  type RequestRecord,
  silentLogger,
} from "./server.js";
