// RFC 8785 JSON Canonicalization Scheme (JCS). Numbers are serialized as ECMAScript
// Number.prototype.toString does (which RFC 8785 adopts), object keys are sorted by UTF-16 code
// units, and strings are escaped minimally. Everything JSON cannot represent exactly is rejected
// with a CanonicalizationError naming the JSON path of the offending value.
import { ChronosealError } from "../errors.js";
import { BAIL, canonicalizeFast, escapeString, NEEDS_WORK, serializeKey } from "./fast.js";

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

function lone(s: string, index: number, parts: readonly (string | number)[]): never {
  throw new CanonicalizationError(
    "ERR_JCS_LONE_SURROGATE",
    pathOf(parts),
    `lone surrogate U+${s.charCodeAt(index).toString(16).toUpperCase()} at index ${index}`,
  );
}

function serializeString(s: string, parts: readonly (string | number)[]): string {
  const out = escapeString(s);
  return typeof out === "number" ? lone(s, out, parts) : out;
}

/** Code-unit order of strings, as RFC 8785 requires (JS `<` on strings compares UTF-16 units). */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function pathOf(parts: readonly (string | number)[]): string {
  let path = "$";
  for (const p of parts) path = typeof p === "number" ? `${path}[${p}]` : childPath(path, p);
  return path;
}

/**
 * Serializes `value` as RFC 8785 canonical JSON. The fast path (fast.ts) serializes valid input;
 * anything it cannot take is walked again here, carefully, to name the error and its path.
 */
export function canonicalize(value: unknown, options?: CanonicalizeOptions): string {
  const maxDepth = options?.maxDepth ?? DEFAULT_MAX_DEPTH;
  try {
    return canonicalizeFast(value, maxDepth);
  } catch (e) {
    if (e !== BAIL) throw e;
  }
  return careful(value, maxDepth);
}

/** The walk with paths and a stack of open containers: exact errors, or the same text. */
function careful(value: unknown, maxDepth: number): string {
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
        const sk = serializeKey(k);
        out += typeof sk === "number" ? lone(k, sk, parts) : sk;
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
