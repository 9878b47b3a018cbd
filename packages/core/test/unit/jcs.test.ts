import { describe, expect, it } from "vitest";
import { CanonicalizationError, canonicalize } from "../../src/jcs/canonicalize.js";

function rejects(value: unknown, code: string, path: string) {
  try {
    canonicalize(value);
  } catch (e) {
    expect(e).toBeInstanceOf(CanonicalizationError);
    expect((e as CanonicalizationError).code).toBe(code);
    expect((e as CanonicalizationError).path).toBe(path);
    return;
  }
  throw new Error(`expected ${code} at ${path}`);
}

describe("canonicalize", () => {
  it("sorts keys by UTF-16 code units and keeps arrays in order", () => {
    expect(
      canonicalize({ b: 1, a: [3, 2, { d: 1, c: 2 }], "\u20ac": 0, "\ud83d\ude00": 1, "\ufb33": 2 }),
    ).toBe('{"a":[3,2,{"c":2,"d":1}],"b":1,"\u20ac":0,"\ud83d\ude00":1,"\ufb33":2}');
  });

  it("escapes exactly what RFC 8785 escapes", () => {
    expect(canonicalize('\u0000\u0008\t\n\u000b\f\r\u001f"\\/\u007f\u00e9\u2028')).toBe(
      '"\\u0000\\b\\t\\n\\u000b\\f\\r\\u001f\\"\\\\/\u007f\u00e9\u2028"',
    );
  });

  it("formats numbers like ECMAScript", () => {
    expect(canonicalize([-0, 1e21, 1e-7, 0.1 + 0.2, 333333333.3333333, 5e-324, 1.7976931348623157e308])).toBe(
      "[0,1e+21,1e-7,0.30000000000000004,333333333.3333333,5e-324,1.7976931348623157e+308]",
    );
  });

  it("rejects each unsupported value class with its code and path", () => {
    rejects({ a: [1, Number.NaN] }, "ERR_JCS_NON_FINITE", "$.a[1]");
    rejects({ a: Number.POSITIVE_INFINITY }, "ERR_JCS_NON_FINITE", "$.a");
    rejects([1, undefined], "ERR_JCS_UNDEFINED", "$[1]");
    rejects({ x: { y: undefined } }, "ERR_JCS_UNDEFINED", "$.x.y");
    rejects({ f: () => 1 }, "ERR_JCS_FUNCTION", "$.f");
    rejects({ s: Symbol("s") }, "ERR_JCS_SYMBOL", "$.s");
    rejects({ [Symbol("k")]: 1 }, "ERR_JCS_SYMBOL", "$");
    rejects({ n: 10n }, "ERR_JCS_BIGINT", "$.n");
    rejects({ d: new Date(0) }, "ERR_JCS_NON_PLAIN", "$.d");
    rejects({ "odd key": new Map() }, "ERR_JCS_NON_PLAIN", '$["odd key"]');
    rejects([new Uint8Array(1)], "ERR_JCS_NON_PLAIN", "$[0]");
    rejects({ s: "a\ud800b" }, "ERR_JCS_LONE_SURROGATE", "$.s");
    rejects({ "\udc00": 1 }, "ERR_JCS_LONE_SURROGATE", '$["\\udc00"]');
    const cyclic: Record<string, unknown> = { a: {} };
    (cyclic.a as Record<string, unknown>).back = cyclic;
    rejects(cyclic, "ERR_JCS_CYCLE", "$.a.back");
    class Point {
      x = 1;
    }
    rejects({ p: new Point() }, "ERR_JCS_NON_PLAIN", "$.p");
  });

  it("enforces the documented depth limit", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 128; i++) deep = [deep];
    expect(() => canonicalize(deep)).not.toThrow();
    deep = [deep];
    expect(() => canonicalize(deep)).toThrow(CanonicalizationError);
    expect(() => canonicalize({ a: { b: 1 } }, { maxDepth: 1 })).toThrow(/nesting deeper than 1 at \$\.a/);
  });

  it("allows shared (non-cyclic) references and null-prototype objects", () => {
    const shared = { z: 1 };
    const bare = Object.create(null) as Record<string, unknown>;
    bare.k = shared;
    expect(canonicalize({ a: shared, b: shared, c: bare })).toBe(
      '{"a":{"z":1},"b":{"z":1},"c":{"k":{"z":1}}}',
    );
  });
});
