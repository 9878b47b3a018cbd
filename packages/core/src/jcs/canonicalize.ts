// RFC 8785 JSON Canonicalization Scheme (JCS). Numbers are serialized as ECMAScript
// Number.prototype.toString does (which RFC 8785 adopts), object keys are sorted by UTF-16 code
// units, and strings are escaped minimally. Everything JSON cannot represent exactly is rejected
// with a CanonicalizationError naming the JSON path of the offending value.
import { ChronosealError } from "../errors.js";

/** Default nesting limit (objects + arrays); deeper input is rejected, never a stack overflow. */
export const DEFAULT_MAX_DEPTH = 128;

export type CanonicalizationCode =
  | "ERR_JCS_LONE_SURROGATE"
  | "ERR_JCS_NON_FINITE"
  | "ERR_JCS_UNDEFINED"
  | "ERR_JCS_FUNCTION"
  | "ERR_JCS_SYMBOL"
  | "ERR_JCS_BIGINT"
  | "ERR_JCS_CYCLE"
  | "ERR_JCS_NON_PLAIN"
  | "ERR_JCS_TOO_DEEP";

export class CanonicalizationError extends ChronosealError {
  /** JSON path of the rejected value, e.g. `$.a[3].b`. */
  readonly path: string;
  constructor(code: CanonicalizationCode, path: string, message: string) {
    super(code, `${message} at ${path}`);
    this.name = "CanonicalizationError";
    this.path = path;
  }
}

export interface CanonicalizeOptions {
  /** Maximum nesting of objects and arrays (default 128). */
  maxDepth?: number;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Appends a key to a JSON path: `$.name`, or `$["odd key"]` when the key is not an identifier. */
function childPath(path: string, key: string): string {
  return IDENT.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

// Characters that need escaping in RFC 8785 output (", \, C0 controls), or that need inspection
// (surrogates: a lone one must be rejected).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching C0 controls is the point.
const NEEDS_WORK = /["\\\u0000-\u001f\ud800-\udfff]/;
const ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\f": "\\f",
  "\r": "\\r",
};

function serializeString(s: string, parts: readonly (string | number)[]): string {
  if (!NEEDS_WORK.test(s)) return `"${s}"`;
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      throw new CanonicalizationError(
        "ERR_JCS_LONE_SURROGATE",
        pathOf(parts),
        `lone surrogate U+${c.toString(16).toUpperCase()} at index ${i}`,
      );
    }
    if (c === 0x22 || c === 0x5c || c < 0x20) {
      out += s.slice(start, i);
      out += ESCAPES[s[i]!] ?? `\\u00${c.toString(16).padStart(2, "0")}`;
      start = i + 1;
    }
  }
  return `${out + s.slice(start)}"`;
}

/** Code-unit order of strings, as RFC 8785 requires (JS `<` on strings compares UTF-16 units). */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Serialized keys, cached: documents reuse a small vocabulary of keys.
const keyCache = new Map<string, string>();

function serializeKey(k: string, parts: readonly (string | number)[]): string {
  let out = keyCache.get(k);
  if (out === undefined) {
    out = serializeString(k, parts);
    if (keyCache.size < 4096) keyCache.set(k, out);
  }
  return out;
}

function pathOf(parts: readonly (string | number)[]): string {
  let path = "$";
  for (const p of parts) path = typeof p === "number" ? `${path}[${p}]` : childPath(path, p);
  return path;
}

/** Serializes `value` as RFC 8785 canonical JSON. */
export function canonicalize(value: unknown, options: CanonicalizeOptions = {}): string {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const stack: object[] = [];
  // The JSON path is kept as parts and only turned into text when an error needs it.
  const parts: (string | number)[] = [];
  const fail = (code: CanonicalizationCode, message: string): never => {
    throw new CanonicalizationError(code, pathOf(parts), message);
  };

  function walk(v: unknown): string {
    switch (typeof v) {
      case "string":
        return NEEDS_WORK.test(v) ? serializeString(v, parts) : `"${v}"`;
      case "number":
        if (!Number.isFinite(v)) fail("ERR_JCS_NON_FINITE", `non-finite number ${v}`);
        // ECMAScript Number.prototype.toString is RFC 8785's number format; it maps -0 to "0".
        return String(v);
      case "boolean":
        return v ? "true" : "false";
      case "undefined":
        return fail("ERR_JCS_UNDEFINED", "undefined is not JSON");
      case "function":
        return fail("ERR_JCS_FUNCTION", "a function is not JSON");
      case "symbol":
        return fail("ERR_JCS_SYMBOL", "a symbol is not JSON");
      case "bigint":
        return fail("ERR_JCS_BIGINT", "a BigInt is not JSON (encode it as a string)");
    }
    if (v === null) return "null";
    const obj = v as object;
    if (stack.length >= maxDepth) fail("ERR_JCS_TOO_DEEP", `nesting deeper than ${maxDepth}`);
    if (stack.includes(obj)) fail("ERR_JCS_CYCLE", "cyclic reference");
    stack.push(obj);
    let out: string;
    if (Array.isArray(obj)) {
      out = "[";
      for (let i = 0; i < obj.length; i++) {
        if (i > 0) out += ",";
        parts.push(i);
        out += walk(obj[i]);
        parts.pop();
      }
      out += "]";
    } else {
      const proto = Object.getPrototypeOf(obj);
      if (proto !== Object.prototype && proto !== null) {
        const name = (obj as { constructor?: { name?: string } }).constructor?.name ?? "object";
        fail("ERR_JCS_NON_PLAIN", `${name} is not a plain object`);
      }
      if (Object.getOwnPropertySymbols(obj).length > 0) fail("ERR_JCS_SYMBOL", "symbol-keyed property");
      const keys = Object.keys(obj).sort(compareKeys);
      out = "{";
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        parts.push(k);
        if (i > 0) out += ",";
        out += serializeKey(k, parts);
        out += ":";
        out += walk((obj as Record<string, unknown>)[k]);
        parts.pop();
      }
      out += "}";
    }
    stack.pop();
    return out;
  }

  return walk(value);
}
