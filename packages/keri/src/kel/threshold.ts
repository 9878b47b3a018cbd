// Signing thresholds ("kt", "nt"; "bt" is a plain hex count). Either a hex count ("2": any two
// of the keys) or fractionally weighted clauses: ["1/2","1/2","1/2"] (one clause: the weights
// of the signing keys must sum to at least 1), [["1/2","1/2"],["1"]] (every clause must reach
// 1: AND), and nested weights {"1/2": ["1/2","1/2"]} (the outer weight counts when the inner
// weights, over their own keys, reach 1). Weights map to keys in order. Arithmetic is exact.
import { KeriError } from "../errors.js";

/** An exact rational number. */
interface Ratio {
  n: bigint;
  d: bigint;
}

type Element = { weight: Ratio } | { weight: Ratio; nested: Ratio[] };

export interface Threshold {
  /** The threshold as written in the event (hex string or weight lists). */
  readonly sith: string | number | unknown[];
  readonly weighted: boolean;
  /** For a count threshold, the count; for a weighted one, undefined. */
  readonly count: number | undefined;
  /** Number of keys the threshold speaks about (count, or number of leaf weights). */
  readonly size: number;
  /** True when the verified signatures at these key indices satisfy the threshold. */
  satisfy(indices: Iterable<number>): boolean;
}

const HEX = /^(0|[1-9a-f][0-9a-f]*)$/;

/** Parses a lowercase hex count without leading zeros (sequence numbers, "bt", count thresholds). */
export function parseHex(value: unknown, path: string, max = 32): bigint {
  if (typeof value !== "string")
    throw new KeriError("ERR_KERI_FIELD", `expected a hex string, got ${describe(value)}`, path);
  if (!HEX.test(value) || value.length > max) {
    throw new KeriError(
      "ERR_KERI_FIELD",
      `expected lowercase hex without leading zeros (at most ${max} digits), got ${JSON.stringify(value.slice(0, 40))}`,
      path,
    );
  }
  return BigInt(`0x${value}`);
}

/** A count written as a JSON integer (keripy's "intive" form): 0 ≤ n < 2^32. */
export function parseCount(value: number, path: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new KeriError("ERR_KERI_FIELD", `expected a non-negative integer count, got ${value}`, path);
  }
  return value;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v === "string" ? JSON.stringify(v.slice(0, 40)) : typeof v;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

function add(x: Ratio, y: Ratio): Ratio {
  const n = x.n * y.d + y.n * x.d;
  const d = x.d * y.d;
  const g = gcd(n < 0n ? -n : n, d) || 1n;
  return { n: n / g, d: d / g };
}

function atLeastOne(x: Ratio): boolean {
  return x.n >= x.d;
}

const ZERO: Ratio = { n: 0n, d: 1n };

function weight(w: unknown, path: string): Ratio {
  if (typeof w !== "string")
    throw new KeriError("ERR_KERI_THRESHOLD", `weight must be a string like "1/2", got ${describe(w)}`, path);
  let r: Ratio;
  if (/^(0|[1-9][0-9]{0,17})$/.test(w)) r = { n: BigInt(w), d: 1n };
  else {
    const m = /^(0|[1-9][0-9]{0,17})\/([1-9][0-9]{0,17})$/.exec(w);
    if (!m)
      throw new KeriError(
        "ERR_KERI_THRESHOLD",
        `weight ${JSON.stringify(w.slice(0, 40))} is not an integer or a fraction n/d`,
        path,
      );
    r = { n: BigInt(m[1] as string), d: BigInt(m[2] as string) };
  }
  if (r.n > r.d) throw new KeriError("ERR_KERI_THRESHOLD", `weight ${w} is greater than 1`, path);
  return r;
}

/**
 * Parses a threshold. `allowZero` admits "0" (a next threshold of an identifier that can no
 * longer rotate). Throws KeriError (ERR_KERI_THRESHOLD / ERR_KERI_FIELD) naming the path.
 */
export function parseThreshold(sith: unknown, path: string, allowZero = false): Threshold {
  if (typeof sith === "string" || typeof sith === "number") {
    // keripy also writes counts as JSON integers ("intive" events, e.g. signify-ts rotations).
    const count = typeof sith === "number" ? parseCount(sith, path) : Number(parseHex(sith, path, 8));
    if (count === 0 && !allowZero)
      throw new KeriError("ERR_KERI_THRESHOLD", "threshold 0 can never be satisfied", path);
    return {
      sith,
      weighted: false,
      count,
      size: count,
      satisfy(indices) {
        if (count === 0) return false;
        return new Set(indices).size >= count;
      },
    };
  }
  if (!Array.isArray(sith) || sith.length === 0) {
    throw new KeriError(
      "ERR_KERI_THRESHOLD",
      `expected a hex string or a non-empty list of weights, got ${describe(sith)}`,
      path,
    );
  }
  const nestedLists = sith.every((c) => Array.isArray(c));
  if (!nestedLists && sith.some((c) => Array.isArray(c))) {
    throw new KeriError("ERR_KERI_THRESHOLD", "mixes weights and clause lists at the top level", path);
  }
  const rawClauses = (nestedLists ? sith : [sith]) as unknown[][];
  const clauses: Element[][] = rawClauses.map((clause, ci) => {
    const cpath = nestedLists ? `${path}[${ci}]` : path;
    if (clause.length === 0) throw new KeriError("ERR_KERI_THRESHOLD", "empty clause", cpath);
    const elements = clause.map((e, ei): Element => {
      const epath = `${cpath}[${ei}]`;
      if (e && typeof e === "object" && !Array.isArray(e)) {
        const entries = Object.entries(e);
        if (entries.length !== 1)
          throw new KeriError("ERR_KERI_THRESHOLD", "a nested weight must be a single-key map", epath);
        const [k, v] = entries[0] as [string, unknown];
        if (!Array.isArray(v) || v.length === 0)
          throw new KeriError("ERR_KERI_THRESHOLD", "a nested weight needs a non-empty list", epath);
        const nested = v.map((w, i) => weight(w, `${epath}["${k}"][${i}]`));
        if (!atLeastOne(nested.reduce(add, ZERO)))
          throw new KeriError("ERR_KERI_THRESHOLD", "nested weights sum to less than 1", epath);
        return { weight: weight(k, epath), nested };
      }
      return { weight: weight(e, epath) };
    });
    if (!atLeastOne(elements.map((e) => e.weight).reduce(add, ZERO))) {
      throw new KeriError("ERR_KERI_THRESHOLD", "clause weights sum to less than 1", cpath);
    }
    return elements;
  });
  const size = clauses.reduce(
    (n, c) => n + c.reduce((m, e) => m + ("nested" in e ? e.nested.length : 1), 0),
    0,
  );
  return {
    sith,
    weighted: true,
    count: undefined,
    size,
    satisfy(indices) {
      const signed = new Set(indices);
      if (signed.size === 0) return false;
      let k = 0;
      for (const clause of clauses) {
        let sum = ZERO;
        for (const e of clause) {
          if ("nested" in e) {
            let inner = ZERO;
            for (const w of e.nested) {
              if (signed.has(k)) inner = add(inner, w);
              k++;
            }
            if (atLeastOne(inner)) sum = add(sum, e.weight);
          } else {
            if (signed.has(k)) sum = add(sum, e.weight);
            k++;
          }
        }
        if (!atLeastOne(sum)) return false;
      }
      return true;
    },
  };
}
