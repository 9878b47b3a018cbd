// The fast path of canonicalize: the same RFC 8785 output, without the bookkeeping that only an
// error message needs (the JSON path, the stack of open containers for cycle detection). Any
// problem — a value JCS rejects, a lone surrogate, nesting at the depth limit (which is also how a
// cycle ends here) — throws BAIL, and canonicalize runs its careful walk to report the exact error
// with its path. Valid input never takes the careful walk, so the two must agree on output: the
// property tests check both against the `canonicalize` package.

/** Thrown by the fast path when the careful walk must decide (never escapes canonicalize). */
export const BAIL: unique symbol = Symbol("jcs-bail");

// Characters that need escaping in RFC 8785 output (", \, C0 controls), or that need inspection
// (surrogates: a lone one must be rejected).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching C0 controls is the point.
export const NEEDS_WORK = /["\\\u0000-\u001f\ud800-\udfff]/;
const ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\f": "\\f",
  "\r": "\\r",
};

/**
 * The JSON string literal of `s` as RFC 8785 writes it, or the index of a lone surrogate
 * (a number) when `s` is not well-formed UTF-16.
 */
export function escapeString(s: string): string | number {
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
      return i;
    }
    if (c === 0x22 || c === 0x5c || c < 0x20) {
      out += s.slice(start, i);
      out += ESCAPES[s[i]!] ?? `\\u00${c.toString(16).padStart(2, "0")}`;
      start = i + 1;
    }
  }
  return `${out + s.slice(start)}"`;
}

// Serialized keys, cached: documents reuse a small vocabulary of keys.
const keyCache = new Map<string, string>();

/** The serialized form of an object key, or the index of a lone surrogate in it. */
export function serializeKey(k: string): string | number {
  let out = keyCache.get(k);
  if (out === undefined) {
    const s = escapeString(k);
    if (typeof s === "number") return s;
    out = s;
    if (keyCache.size < 4096) keyCache.set(k, out);
  }
  return out;
}

let limit = 128;

function fastString(s: string): string {
  if (!NEEDS_WORK.test(s)) return `"${s}"`;
  const e = escapeString(s);
  if (typeof e === "number") throw BAIL;
  return e;
}

function fastValue(v: unknown, depth: number): string {
  switch (typeof v) {
    case "string":
      return NEEDS_WORK.test(v) ? fastString(v) : `"${v}"`;
    case "number":
      if (!Number.isFinite(v)) throw BAIL;
      return String(v);
    case "boolean":
      return v ? "true" : "false";
    case "object":
      return v === null ? "null" : fastContainer(v, depth);
    default:
      throw BAIL;
  }
}

/** Sorts keys by UTF-16 code units in place: insertion sort for the usual handful of keys. */
function sortKeys(keys: string[]): void {
  const n = keys.length;
  if (n > 24) {
    keys.sort(); // the default order compares UTF-16 code units
    return;
  }
  for (let i = 1; i < n; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
}

function fastContainer(obj: object, depth: number): string {
  if (depth >= limit) throw BAIL;
  const inner = depth + 1;
  if (Array.isArray(obj)) {
    const n = obj.length;
    if (n === 0) return "[]";
    let out = `[${fastValue(obj[0], inner)}`;
    for (let i = 1; i < n; i++) out += `,${fastValue(obj[i], inner)}`;
    return `${out}]`;
  }
  const proto = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) throw BAIL;
  const keys = Object.keys(obj);
  if (Object.getOwnPropertySymbols(obj).length > 0) throw BAIL;
  const n = keys.length;
  if (n === 0) return "{}";
  sortKeys(keys);
  let out = "{";
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    let sk = keyCache.get(k);
    if (sk === undefined) {
      const s = serializeKey(k);
      if (typeof s === "number") throw BAIL;
      sk = s;
    }
    const v = fastValue((obj as Record<string, unknown>)[k], inner);
    out += i === 0 ? `${sk}:${v}` : `,${sk}:${v}`;
  }
  return `${out}}`;
}

/** RFC 8785 text of `value`; throws BAIL for anything the careful walk must judge. */
export function canonicalizeFast(value: unknown, maxDepth: number): string {
  limit = maxDepth;
  return fastValue(value, 0);
}
