import canonicalizePackage from "canonicalize";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CanonicalizationError, canonicalize } from "../../src/jcs/canonicalize.js";
import { JsonParseError, parseJson } from "../../src/jcs/parse.js";

// Strings drawn from every UTF-16 region, including astral characters and combining marks.
const unicodeString = fc.string({
  unit: fc.oneof(
    fc.constantFrom("a", "\u0301", "é", "\u20ac", "\ufb33", "\ud83d\ude00", "\u{1f3fb}", "\u0000", '"', "\\"),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  ),
});
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    unicodeString,
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(unicodeString, tie("value"), { maxKeys: 5 }),
  ),
})).value;

/** Containers nested in `v` (a scalar is 0). */
function nesting(v: unknown): number {
  if (v === null || typeof v !== "object") return 0;
  let inner = 0;
  for (const x of Object.values(v)) inner = Math.max(inner, nesting(x));
  return inner + 1;
}

describe("canonicalize properties", () => {
  // The `canonicalize` package (an independent RFC 8785 implementation) as the oracle for valid
  // input: our fast path writes it, and a value that makes the fast path bail (a key or string
  // needing escapes, deep nesting) is written by the careful walk — both must give its text.
  it("equals the canonicalize package on well-formed JSON values, deep ones included", () => {
    const wellFormed = fc.jsonValue({ maxDepth: 6, stringUnit: "grapheme" });
    const controls = fc.string({ unit: fc.constantFrom("\u0000", "\u001f", '"', "\\", "\u2028", "é", "a") });
    const value = fc.oneof(wellFormed, fc.dictionary(controls, wellFormed), fc.array(controls));
    fc.assert(
      fc.property(value, fc.nat(140), (v, depth) => {
        let deep: unknown = v;
        for (let i = 0; i < depth; i++) deep = i % 2 ? [deep] : { k: deep };
        // Only the documented depth limit (128 nested containers) may refuse what it writes.
        if (nesting(deep) > 128)
          expect(() => canonicalize(deep)).toThrow(expect.objectContaining({ code: "ERR_JCS_TOO_DEEP" }));
        else expect(canonicalize(deep)).toBe(canonicalizePackage(deep));
      }),
      { seed: 8786, numRuns: 1500 },
    );
  });

  it("keeps the exact error (code and path) when the fast path bails: cycles, symbol keys, getters", () => {
    const cyclic: Record<string, unknown> = { a: [1, { b: 2 }] };
    ((cyclic.a as unknown[])[1] as Record<string, unknown>).c = cyclic;
    expect(() => canonicalize(cyclic)).toThrow(
      expect.objectContaining({ code: "ERR_JCS_CYCLE", path: "$.a[1].c" }),
    );
    const sym = { x: { [Symbol("s")]: 1, y: 2 } };
    expect(() => canonicalize(sym)).toThrow(expect.objectContaining({ code: "ERR_JCS_SYMBOL", path: "$.x" }));
    const hidden = Object.defineProperty({ a: 1 }, "h", { value: 2, enumerable: false });
    expect(canonicalize(hidden)).toBe('{"a":1}');
    let reads = 0;
    const getter = Object.defineProperty({}, "g", {
      enumerable: true,
      get: () => {
        reads++;
        return reads === 1 ? 1 : undefined;
      },
    });
    // Valid on the first read: written by the fast path, read once.
    expect(canonicalize(getter)).toBe('{"g":1}');
    expect(reads).toBe(1);
  });

  it("is idempotent through JSON.parse", () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        const c = canonicalize(v);
        expect(canonicalize(JSON.parse(c))).toBe(c);
        expect(canonicalize(parseJson(c))).toBe(c);
      }),
      { seed: 8785, numRuns: 2000 },
    );
  });

  it("orders keys by UTF-16 code units", () => {
    fc.assert(
      fc.property(fc.uniqueArray(unicodeString, { maxLength: 12 }), (keys) => {
        const obj: Record<string, number> = {};
        keys.forEach((k, i) => {
          obj[k] = i;
        });
        const sorted = [...keys].sort((a, b) => {
          for (let i = 0; i < Math.min(a.length, b.length); i++) {
            const d = a.charCodeAt(i) - b.charCodeAt(i);
            if (d !== 0) return d;
          }
          return a.length - b.length;
        });
        const expected = `{${sorted.map((k) => `${canonicalize(k)}:${obj[k]}`).join(",")}}`;
        expect(canonicalize(obj)).toBe(expected);
      }),
      { seed: 1685, numRuns: 1000 },
    );
  });

  const badValues: [string, fc.Arbitrary<unknown>][] = [
    ["ERR_JCS_NON_FINITE", fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)],
    ["ERR_JCS_UNDEFINED", fc.constant(undefined)],
    ["ERR_JCS_FUNCTION", fc.constant(() => 0)],
    ["ERR_JCS_SYMBOL", fc.constant(Symbol("x"))],
    ["ERR_JCS_BIGINT", fc.bigInt()],
    [
      "ERR_JCS_NON_PLAIN",
      fc.constantFrom<unknown>(new Date(0), new Map(), new Set(), new Uint8Array(2), new (class A {})()),
    ],
    ["ERR_JCS_LONE_SURROGATE", fc.constantFrom("\ud800", "x\udfff", "\udc00\ud800")],
  ];

  for (const [code, bad] of badValues) {
    it(`rejects ${code} with the path of the value, wherever it sits`, () => {
      // A random path of object keys and array indices leading to the bad value.
      const step = fc.oneof(fc.record({ key: fc.string({ maxLength: 6 }) }), fc.record({ index: fc.nat(3) }));
      fc.assert(
        fc.property(fc.array(step, { maxLength: 6 }), bad, (steps, value) => {
          let v: unknown = value;
          let path = "";
          for (const s of [...steps].reverse()) {
            if ("key" in s) {
              v = { pad: 1, [s.key]: v };
              path =
                (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s.key) ? `.${s.key}` : `[${JSON.stringify(s.key)}]`) +
                path;
            } else {
              const arr: unknown[] = Array.from({ length: s.index }, () => 0);
              arr.push(v);
              v = arr;
              path = `[${s.index}]${path}`;
            }
          }
          try {
            canonicalize(v);
            return false;
          } catch (e) {
            expect(e).toBeInstanceOf(CanonicalizationError);
            expect((e as CanonicalizationError).code).toBe(code);
            expect((e as CanonicalizationError).path).toBe(`$${path}`);
            return true;
          }
        }),
        { seed: 42, numRuns: 300 },
      );
    });
  }
});

describe("parseJson properties", () => {
  it("equals JSON.parse on JSON text", () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(parseJson(text)).toEqual(JSON.parse(text));
      }),
      { seed: 7493, numRuns: 2000 },
    );
  });

  it("reports the line and column of an error at a random position", () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), (text, n) => {
        const pretty = JSON.stringify(JSON.parse(text), null, 2);
        const at = n % (pretty.length + 1);
        const broken = `${pretty.slice(0, at)}\u0001${pretty.slice(at)}`;
        let err: JsonParseError | undefined;
        try {
          parseJson(broken);
        } catch (e) {
          err = e as JsonParseError;
        }
        expect(err).toBeInstanceOf(JsonParseError);
        // Map line/column back to an offset: the error is reported where the character was
        // inserted, or inside the literal, number or escape it split.
        const lines = broken.split("\n");
        const offset = lines.slice(0, err!.line - 1).reduce((n, l) => n + l.length + 1, 0) + err!.column - 1;
        expect(offset).toBeLessThanOrEqual(at);
        if (offset < at)
          expect(broken.slice(offset, at)).toMatch(
            /^(t|tr|tru|f|fa|fal|fals|n|nu|nul|[-+0-9.eE]+|\\u?[0-9a-fA-F]{0,3})$/,
          );
      }),
      { seed: 11, numRuns: 1000 },
    );
  });
});
