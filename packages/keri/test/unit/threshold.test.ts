import { describe, expect, it } from "vitest";
import { KeriError, parseHex, parseThreshold } from "../../src/index.js";

describe("count thresholds", () => {
  it("hex counts of distinct signers", () => {
    const t = parseThreshold("2", "$.kt");
    expect(t).toMatchObject({ weighted: false, count: 2, size: 2 });
    expect(t.satisfy([0])).toBe(false);
    expect(t.satisfy([0, 0])).toBe(false);
    expect(t.satisfy([0, 3])).toBe(true);
    expect(parseThreshold("a", "$.kt").count).toBe(10);
  });

  it('"0" only where allowed, and never satisfied', () => {
    expect(() => parseThreshold("0", "$.kt")).toThrow(/never be satisfied/);
    expect(parseThreshold("0", "$.nt", true).satisfy([0, 1])).toBe(false);
  });

  it("non-canonical hex is refused (uppercase, leading zeros, signs, spaces)", () => {
    for (const bad of ["A", "02", "+2", " 2", "0x2", "", "2.0"])
      expect(() => parseThreshold(bad, "$.kt")).toThrow(KeriError);
    expect(() => parseHex("1".repeat(33), "$.s")).toThrow(/at most 32 digits/);
    expect(parseHex("ff", "$.s")).toBe(255n);
  });
});

describe("weighted thresholds", () => {
  it("one clause: the weights of signing keys must reach 1", () => {
    const t = parseThreshold(["1/2", "1/2", "1/4", "1/4"], "$.kt");
    expect(t).toMatchObject({ weighted: true, size: 4 });
    expect(t.satisfy([0])).toBe(false);
    expect(t.satisfy([0, 1])).toBe(true);
    expect(t.satisfy([0, 2])).toBe(false);
    expect(t.satisfy([0, 2, 3])).toBe(true);
    expect(t.satisfy([])).toBe(false);
  });

  it("clauses are ANDed", () => {
    const t = parseThreshold([["1/2", "1/2"], ["1"]], "$.kt");
    expect(t.size).toBe(3);
    expect(t.satisfy([0, 1])).toBe(false);
    expect(t.satisfy([2])).toBe(false);
    expect(t.satisfy([0, 1, 2])).toBe(true);
  });

  it("nested weights count when their own keys reach 1", () => {
    // key 0 weighs 1/2; keys 1..3 form a group weighing 1/2 that needs 2 of its 3 halves.
    const t = parseThreshold([["1/2", { "1/2": ["1/2", "1/2", "1/2"] }]], "$.kt");
    expect(t.size).toBe(4);
    expect(t.satisfy([0, 1])).toBe(false);
    expect(t.satisfy([0, 1, 2])).toBe(true);
    expect(t.satisfy([1, 2, 3])).toBe(false);
  });

  it("exact arithmetic: thirds add up to 1", () => {
    expect(parseThreshold(["1/3", "1/3", "1/3"], "$.kt").satisfy([0, 1, 2])).toBe(true);
    expect(parseThreshold(["1/3", "1/3", "1/3"], "$.kt").satisfy([0, 1])).toBe(false);
  });

  it("malformed weights name their path", () => {
    const cases: [unknown, RegExp][] = [
      [["3/2", "1"], /greater than 1/],
      [["0.5", "0.5"], /not an integer or a fraction/],
      [["1/0"], /not an integer or a fraction/],
      [["1/3", "1/3"], /sum to less than 1/],
      [[1, 1], /must be a string/],
      [[], /non-empty list/],
      [[["1"], "1"], /mixes/],
      [[[{ "1": ["1/2"] }]], /nested weights sum to less than 1/],
      [[[{ "1/2": ["1"], "1": ["1"] }]], /single-key map/],
      [null, /non-empty list/],
    ];
    for (const [sith, msg] of cases) {
      expect(() => parseThreshold(sith, "$.kt"), JSON.stringify(sith)).toThrow(msg);
    }
    try {
      parseThreshold(["1/2", "2/1"], "$.kt");
    } catch (e) {
      expect((e as KeriError).path).toBe("$.kt[1]");
    }
  });
});
