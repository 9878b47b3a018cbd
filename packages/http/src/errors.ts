// The errors of the HTTP layer. Every 4xx/5xx answer of a chronoseal daemon has one body:
//   { "error": <message for humans>, "code": <stable ERR_… code>, …extra fields of the route }
// A route refuses a request by throwing HttpError; errors of fastify itself (body too large,
// bad content type, bad URL) are mapped to the same shape by errorAnswer(). StartupError is what
// a daemon's start-up throws for a problem the operator must fix (the apps print its message on
// one line and exit 2).
import { ChronosealError } from "@chronoseal/core";

/** A refused request: the status, a stable code, a message, and extra fields for the body. */
export class HttpError extends ChronosealError {
  readonly status: number;
  readonly extra: Record<string, unknown> | undefined;
  /** Logged at debug instead of warn (an expected refusal, e.g. a peer asking about another network). */
  readonly quiet: boolean;
  constructor(
    status: number,
    code: string,
    message: string,
    options: { extra?: Record<string, unknown>; quiet?: boolean; cause?: unknown } = {},
  ) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    if (!Number.isInteger(status) || status < 400 || status > 599)
      throw new RangeError(`status: expected an integer in 400..599, got ${status}`);
    if (!/^ERR_[A-Z0-9_]+$/.test(code)) throw new RangeError(`code: expected ERR_[A-Z0-9_]+, got ${code}`);
    this.name = "HttpError";
    this.status = status;
    this.extra = options.extra;
    this.quiet = options.quiet === true;
  }
}

/** A problem found while a daemon starts (port in use, state directory, storage, driver). */
export class StartupError extends ChronosealError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "StartupError";
  }
}

export interface ErrorAnswer {
  status: number;
  body: { error: string; code: string; [field: string]: unknown };
  quiet: boolean;
  /** Stop reading the connection after the answer (the client may still be sending a body). */
  close: boolean;
  /** Not a refusal but a fault of ours (500): logged at error with the stack. */
  internal: boolean;
}

// fastify's own errors → our codes. Anything else with a 4xx status keeps it as ERR_BAD_REQUEST.
const FASTIFY: Record<string, [number, string, string?]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, "ERR_TOO_LARGE"],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, "ERR_CONTENT_TYPE", "unsupported content type"],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, "ERR_CONTENT_LENGTH", "content-length does not match the body"],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, "ERR_JSON", "empty body"],
  FST_ERR_BAD_URL: [400, "ERR_URL", "malformed URL or %-encoding"],
  FST_ERR_MAX_PARAM_LENGTH: [414, "ERR_URL", "URL path segment too long"],
};

function without(o: Record<string, unknown> | undefined, ...keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (!keys.includes(k)) out[k] = v;
  return out;
}

/**
 * The answer for an error thrown while handling a request. `limit` is the route's body limit
 * (named in the 413 message). Unknown errors become 500 ERR_INTERNAL with no detail in the body.
 */
export function errorAnswer(e: unknown, limit?: number): ErrorAnswer {
  if (e instanceof HttpError)
    return {
      status: e.status,
      // error and code first; extra fields never replace them
      body: { error: e.message, code: e.code, ...without(e.extra, "error", "code") },
      quiet: e.quiet,
      close: e.status === 413,
      internal: false,
    };
  const err = e as { code?: unknown; statusCode?: unknown; message?: unknown } | undefined;
  const known = typeof err?.code === "string" ? FASTIFY[err.code] : undefined;
  if (known) {
    const [status, code, message] = known;
    const text =
      code === "ERR_TOO_LARGE" ? `body larger than ${limit ?? "the limit of"} bytes` : (message ?? code);
    return {
      status,
      body: { error: text, code },
      quiet: false,
      close: status === 413 || status === 415,
      internal: false,
    };
  }
  const status = typeof err?.statusCode === "number" ? err.statusCode : 500;
  if (status >= 400 && status < 500)
    return {
      status,
      body: {
        error: typeof err?.message === "string" ? err.message : "bad request",
        code: "ERR_BAD_REQUEST",
      },
      quiet: false,
      close: true,
      internal: false,
    };
  return {
    status: 500,
    body: { error: "internal error", code: "ERR_INTERNAL" },
    quiet: false,
    close: false,
    internal: true,
  };
}
