// Request bodies: which content types a route accepts, and the strict decoding of what it gets.
//   json (default for POST/PUT/PATCH)  application/json, application/<x>+json, text/plain (what
//                                      fetch sends for a string body) or no content type
//   text                               text/plain or no content type
//   text-any                           UTF-8 text whatever the content type says (protocols whose
//                                      clients send types of their own, e.g. C2SP tlog-witness)
//   json-bytes                         the content types of json, but the body is handed to the
//                                      route as the bytes received (a Buffer), for a route that
//                                      parses it elsewhere (a worker thread) with the same rules
// A charset parameter, when present, must be UTF-8. Anything else is refused with 415 before
// the body is read. The body must be valid UTF-8 (400 ERR_ENCODING) and, for json, strict JSON
// as core's parseJson reads it: duplicate keys, lone surrogates and trailing data are 400 ERR_JSON.
import { parseJson } from "@chronoseal/core";
import { HttpError } from "./errors.js";

export type BodyKind = "json" | "text" | "text-any" | "json-bytes";

const JSON_TYPES = /^application\/(?:json|[a-z0-9!#$&^_.-]+\+json)$/;

/** Parses a content-type header into its media type and charset (lowercased). */
export function mediaType(header: string | undefined): { type: string; charset?: string } | undefined {
  if (header === undefined) return undefined;
  const [type, ...params] = header.split(";");
  let charset: string | undefined;
  for (const p of params) {
    const eq = p.indexOf("=");
    if (eq < 0) continue;
    if (p.slice(0, eq).trim().toLowerCase() === "charset")
      charset = p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .toLowerCase();
  }
  return { type: (type ?? "").trim().toLowerCase(), ...(charset === undefined ? {} : { charset }) };
}

/** Throws 415 unless a body of this content type may be sent to a route of this kind. */
export function checkContentType(kind: BodyKind, header: string | undefined): void {
  const m = mediaType(header);
  if (m === undefined) return;
  const json = kind === "json" || kind === "json-bytes";
  const expected = json ? "application/json" : "text/plain";
  const ok = kind === "text-any" || m.type === "text/plain" || (json && JSON_TYPES.test(m.type));
  if (!ok)
    throw new HttpError(
      415,
      "ERR_CONTENT_TYPE",
      `content-type ${JSON.stringify(m.type.slice(0, 80))}: expected ${expected}`,
    );
  if (m.charset !== undefined && m.charset !== "utf-8" && m.charset !== "utf8")
    throw new HttpError(
      415,
      "ERR_CONTENT_TYPE",
      `charset ${JSON.stringify(m.charset.slice(0, 40))}: expected utf-8`,
    );
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes a body as strict UTF-8 and, for json, parses it (json-bytes: the bytes as they are). */
export function decodeBody(kind: BodyKind, raw: Buffer | undefined): unknown {
  if (kind === "json-bytes") return raw ?? Buffer.alloc(0);
  let text: string;
  try {
    text = raw === undefined ? "" : utf8.decode(raw);
  } catch {
    throw new HttpError(400, "ERR_ENCODING", "body is not valid UTF-8");
  }
  if (kind !== "json") return text;
  if (text === "") throw new HttpError(400, "ERR_JSON", "empty body: expected JSON");
  try {
    return parseJson(text);
  } catch (e) {
    throw new HttpError(400, "ERR_JSON", (e as Error).message, { cause: e });
  }
}

/** Throws 400 ERR_URL when the query string of a request target has a malformed %-encoding. */
export function checkQuery(url: string): void {
  const q = url.indexOf("?");
  if (q < 0) return;
  try {
    decodeURIComponent(url.slice(q + 1));
  } catch {
    throw new HttpError(400, "ERR_URL", "malformed %-encoding in the query string");
  }
}
