import { describe, expect, it } from "vitest";
import { JsonParseError, parseJson } from "../../src/jcs/parse.js";

function error(text: string): JsonParseError {
  try {
    parseJson(text);
  } catch (e) {
    expect(e).toBeInstanceOf(JsonParseError);
    return e as JsonParseError;
  }
  throw new Error("expected a parse error");
}

describe("parseJson", () => {
  it("parses what JSON.parse parses", () => {
    const text = '{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n"],"__proto__":{"b":{}}}';
    expect(parseJson(text)).toEqual(JSON.parse(text));
    expect(Object.keys(parseJson(text) as object)).toEqual(["a", "__proto__"]);
  });

  it("reports line and column", () => {
    const e = error('{\n  "a": 1,\n  "b": tru\n}');
    expect([e.line, e.column]).toEqual([3, 8]);
    expect(e.message).toMatch(/^invalid JSON at line 3, column 8/);
    expect(error("[1,]").column).toBe(4);
    expect(error("").message).toMatch(/unexpected end of input/);
    expect(error("[1] x").column).toBe(5);
  });

  it("rejects duplicate keys with their path", () => {
    const e = error('{"a":{"b":1,"c":[{"k":1,"k":2}]}}');
    expect(e.code).toBe("ERR_JSON_DUPLICATE_KEY");
    expect(e.path).toBe("$.a.c[0].k");
  });

  it("rejects lone surrogates, escaped or literal", () => {
    expect(error('{"s":"\\ud800"}').code).toBe("ERR_JSON_LONE_SURROGATE");
    expect(error('["\udc00"]').code).toBe("ERR_JSON_LONE_SURROGATE");
    expect(parseJson('"\\ud83d\\ude00"')).toBe("\ud83d\ude00");
  });

  it("rejects what JSON forbids", () => {
    for (const bad of ["01", "1.", ".5", "+1", "'a'", '"a\tb"', "[1 2]", "{a:1}", "NaN", '"\\x41"', "{,}"]) {
      expect(() => parseJson(bad), bad).toThrow(JsonParseError);
    }
  });
});
