// Strict I-JSON parsing (RFC 7493): JSON.parse semantics, plus rejection of duplicate object
// keys and lone surrogates, and errors that name the line and column (1-based) of the problem.
// Signed documents must have exactly one meaning, so ambiguity is an error, never a last-wins.
import { ChronosealError } from "../errors.js";

export class JsonParseError extends ChronosealError {
  readonly line: number;
  readonly column: number;
  /** JSON path of the offending member, for duplicate keys and lone surrogates. */
  readonly path: string | undefined;
  constructor(
    code: "ERR_JSON_PARSE" | "ERR_JSON_DUPLICATE_KEY" | "ERR_JSON_LONE_SURROGATE",
    message: string,
    line: number,
    column: number,
    path?: string,
  ) {
    super(code, `invalid JSON at line ${line}, column ${column}: ${message}${path ? ` (${path})` : ""}`);
    this.name = "JsonParseError";
    this.line = line;
    this.column = column;
    this.path = path;
  }
}

export interface ParseJsonOptions {
  /** Maximum nesting of objects and arrays (default 512). */
  maxDepth?: number;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESC: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** Parses `text` as strict I-JSON. */
export function parseJson(text: string, options: ParseJsonOptions = {}): unknown {
  if (typeof text !== "string") throw new TypeError(`expected string, got ${typeof text}`);
  const maxDepth = options.maxDepth ?? 512;
  let pos = 0;
  let depth = 0;

  function fail(
    message: string,
    at = pos,
    code: "ERR_JSON_PARSE" | "ERR_JSON_DUPLICATE_KEY" | "ERR_JSON_LONE_SURROGATE" = "ERR_JSON_PARSE",
    path?: string,
  ): never {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < text.length; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    throw new JsonParseError(code, message, line, at - lineStart + 1, path);
  }

  function ws(): void {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
      else return;
    }
  }

  function describeAt(): string {
    return pos >= text.length
      ? "unexpected end of input"
      : `unexpected character ${JSON.stringify(text[pos])}`;
  }

  function str(path: string): string {
    const start = pos; // at the opening quote
    pos++;
    let out = "";
    let chunk = pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (Number.isNaN(c)) fail("unterminated string", start);
      if (c === 34) break;
      if (c < 0x20) fail("control character in string");
      if (c === 92) {
        out += text.slice(chunk, pos);
        const e = text[pos + 1];
        if (e === "u") {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape");
          out += String.fromCharCode(Number.parseInt(hex, 16));
          pos += 6;
        } else if (e !== undefined && ESC[e] !== undefined) {
          out += ESC[e];
          pos += 2;
        } else fail("bad escape");
        chunk = pos;
        continue;
      }
      pos++;
    }
    out += text.slice(chunk, pos);
    pos++;
    // Lone surrogates (literal or escaped) are not I-JSON.
    for (let i = 0; i < out.length; i++) {
      const c = out.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdfff) {
        const n = out.charCodeAt(i + 1);
        if (c <= 0xdbff && n >= 0xdc00 && n <= 0xdfff) i++;
        else
          fail(
            `lone surrogate U+${c.toString(16).toUpperCase()} in string`,
            start,
            "ERR_JSON_LONE_SURROGATE",
            path,
          );
      }
    }
    return out;
  }

  function value(path: string): unknown {
    ws();
    const c = text.charCodeAt(pos);
    if (c === 123) return object(path);
    if (c === 91) return array(path);
    if (c === 34) return str(path);
    if (c === 116 && text.startsWith("true", pos)) {
      pos += 4;
      return true;
    }
    if (c === 102 && text.startsWith("false", pos)) {
      pos += 5;
      return false;
    }
    if (c === 110 && text.startsWith("null", pos)) {
      pos += 4;
      return null;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      NUMBER.lastIndex = pos;
      const m = NUMBER.exec(text);
      if (!m) fail("bad number");
      pos += m[0].length;
      return Number(m[0]);
    }
    return fail(describeAt());
  }

  function enter(): void {
    if (++depth > maxDepth) fail(`nesting deeper than ${maxDepth}`);
  }

  function object(path: string): Record<string, unknown> {
    enter();
    pos++;
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    ws();
    if (text.charCodeAt(pos) === 125) {
      pos++;
      depth--;
      return out;
    }
    for (;;) {
      ws();
      if (text.charCodeAt(pos) !== 34) fail(`expected a string key, ${describeAt()}`);
      const keyAt = pos;
      const key = str(path);
      const kp = IDENT.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      if (seen.has(key)) fail(`duplicate key ${JSON.stringify(key)}`, keyAt, "ERR_JSON_DUPLICATE_KEY", kp);
      seen.add(key);
      ws();
      if (text.charCodeAt(pos) !== 58) fail(`expected ':', ${describeAt()}`);
      pos++;
      const v = value(kp);
      // defineProperty: a "__proto__" key is data, exactly as JSON.parse makes it.
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      ws();
      const d = text.charCodeAt(pos);
      if (d === 44) {
        pos++;
        continue;
      }
      if (d === 125) {
        pos++;
        depth--;
        return out;
      }
      fail(`expected ',' or '}', ${describeAt()}`);
    }
  }

  function array(path: string): unknown[] {
    enter();
    pos++;
    const out: unknown[] = [];
    ws();
    if (text.charCodeAt(pos) === 93) {
      pos++;
      depth--;
      return out;
    }
    for (;;) {
      out.push(value(`${path}[${out.length}]`));
      ws();
      const d = text.charCodeAt(pos);
      if (d === 44) {
        pos++;
        continue;
      }
      if (d === 93) {
        pos++;
        depth--;
        return out;
      }
      fail(`expected ',' or ']', ${describeAt()}`);
    }
  }

  // A leading byte order mark is tolerated (RFC 8259 §8.1 lets parsers ignore it).
  if (text.charCodeAt(0) === 0xfeff) pos = 1;
  const result = value("$");
  ws();
  if (pos < text.length) fail(`unexpected data after the JSON value`);
  return result;
}
