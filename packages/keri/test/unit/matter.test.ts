import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CesrError,
  decodeMatter,
  decodeMatterQb2,
  encodeMatter,
  MATTER_SIZES,
  matterRawSize,
  qb2ToQb64,
  qb64ToQb2,
} from "../../src/index.js";

const FIXED = [...MATTER_SIZES].filter(([, s]) => s.fs !== null);
const VARIABLE = [...MATTER_SIZES].filter(([, s]) => s.fs === null);

function expectCesr(fn: () => unknown, code: string, offset?: number): CesrError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CesrError);
    expect((e as CesrError).code).toBe(code);
    if (offset !== undefined) expect((e as CesrError).offset).toBe(offset);
    return e as CesrError;
  }
  throw new Error(`expected CesrError ${code}`);
}

describe("matter code table", () => {
  it("every code obeys the size rules: fs % 4 == 0, cs % 4 != 3, pad size == cs % 4", () => {
    for (const [code, s] of MATTER_SIZES) {
      const cs = s.hs + s.ss;
      expect(code.length, code).toBe(s.hs);
      expect(cs % 4, code).not.toBe(3);
      expect(s.xs, code).toBeLessThanOrEqual(s.ss);
      if (s.fs === null) {
        expect(cs % 4, code).toBe(0);
        continue;
      }
      expect(s.fs % 4, code).toBe(0);
      const rs = matterRawSize(code);
      expect((3 - ((rs + s.ls) % 3)) % 3, code).toBe(cs % 4);
    }
  });

  it("knows the raw sizes KERI uses", () => {
    expect(matterRawSize("D")).toBe(32);
    expect(matterRawSize("B")).toBe(32);
    expect(matterRawSize("E")).toBe(32);
    expect(matterRawSize("0B")).toBe(64);
    expect(matterRawSize("0A")).toBe(16);
    expect(matterRawSize("1AAG")).toBe(24);
    expect(matterRawSize("M")).toBe(2);
    expect(matterRawSize("0H")).toBe(4);
  });
});

describe("matter round trips", () => {
  it("every fixed code, both layouts, text and binary", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIXED),
        fc.constantFrom("current", "2022" as const),
        fc.infiniteStream(fc.integer({ min: 0, max: 255 })),
        ([code, s], layout, bytes) => {
          const rs = matterRawSize(code);
          const raw = Uint8Array.from(bytes.take(rs));
          const soft = "B".repeat(s.ss - s.xs);
          const qb64 = encodeMatter(code, raw, { layout, soft });
          expect(qb64.length).toBe(s.fs);
          expect(qb64.startsWith(code)).toBe(true);
          const back = decodeMatter(qb64, layout);
          expect(back.code).toBe(code);
          expect([...back.raw]).toEqual([...raw]);
          const qb2 = qb64ToQb2(qb64);
          expect(qb2.length).toBe(((s.fs as number) * 3) / 4);
          expect(qb2ToQb64(qb2)).toBe(qb64);
          const fromBinary = decodeMatterQb2(qb2, layout);
          expect(fromBinary.size).toBe(qb2.length);
          expect(fromBinary.matter.qb64).toBe(qb64);
        },
      ),
      { seed: 1401, numRuns: 400 },
    );
  });

  it("variable-size codes carry their size in quadlets", () => {
    for (const [code, s] of VARIABLE) {
      for (const n of [0, 1, 2, 3, 4, 5, 30, 300]) {
        if ((n + s.ls) % 3 !== 0) {
          expect(() => encodeMatter(code, new Uint8Array(n))).toThrow(RangeError);
          continue;
        }
        const raw = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 1) & 0xff);
        const qb64 = encodeMatter(code, raw);
        expect(qb64.length).toBe(s.hs + s.ss + ((n + s.ls) * 4) / 3);
        expect([...decodeMatter(qb64).raw]).toEqual([...raw]);
        expect([...decodeMatter(qb64, "2022").raw]).toEqual([...raw]); // aligned: no layout difference
      }
    }
  });

  it("the two layouts differ only in where the pad bits sit", () => {
    const one = new Uint8Array(16);
    one[15] = 1;
    expect(encodeMatter("0A", one)).toBe("0AAAAAAAAAAAAAAAAAAAAAAB");
    expect(encodeMatter("0A", one, { layout: "2022" })).toBe("0AAAAAAAAAAAAAAAAAAAAAAQ");
    // The same text reads as 16 in the current layout and as 1 in the 2022 layout.
    expect(decodeMatter("0AAAAAAAAAAAAAAAAAAAAAAQ").raw[15]).toBe(16);
    expect(decodeMatter("0AAAAAAAAAAAAAAAAAAAAAAQ", "2022").raw[15]).toBe(1);
  });

  it("special soft codes keep their value and pre-pad", () => {
    expect(encodeMatter("X", new Uint8Array(0), { soft: "icp" })).toBe("Xicp");
    expect(decodeMatter("Xicp").soft).toBe("icp");
    expect(encodeMatter("0J", new Uint8Array(0), { soft: "Z" })).toBe("0J_Z");
    expectCesr(() => decodeMatter("0JAZ"), "ERR_CESR_PAD");
  });
});

describe("matter size rules and malformed input", () => {
  const key = encodeMatter("D", new Uint8Array(32).fill(7));

  it("rejects raw of the wrong length", () => {
    expect(() => encodeMatter("D", new Uint8Array(31))).toThrow(/expected raw of length 32, got length=31/);
    expect(() => encodeMatter("0B", new Uint8Array(65))).toThrow(RangeError);
    expect(() => encodeMatter("X", new Uint8Array(0), { soft: "ab" })).toThrow(RangeError);
  });

  it("truncated text is ERR_CESR_SHORT", () => {
    for (let n = 0; n < key.length; n++) expectCesr(() => decodeMatter(key.slice(0, n)), "ERR_CESR_SHORT");
    expectCesr(() => decodeMatter("1AA"), "ERR_CESR_SHORT");
  });

  it("unknown codes and count or op codes are refused", () => {
    expectCesr(() => decodeMatter("-AAB"), "ERR_CESR_GROUP");
    expectCesr(() => decodeMatter("_AAA"), "ERR_CESR_CODE");
    expectCesr(() => decodeMatter(`0Z${"A".repeat(22)}`), "ERR_CESR_CODE");
    expectCesr(() => decodeMatter(`1ZZZ${"A".repeat(40)}`), "ERR_CESR_CODE");
    expectCesr(() => decodeMatter("+AAA"), "ERR_CESR_CODE");
  });

  it("non-Base64 characters are refused with their position", () => {
    const bad = `${key.slice(0, 20)}=${key.slice(21)}`;
    expectCesr(() => decodeMatter(bad), "ERR_CESR_CHAR", 20);
    expectCesr(() => decodeMatter(bad, "current", 100), "ERR_CESR_CHAR", 120);
  });

  it("non-zero pad bits are a non-canonical encoding (both layouts)", () => {
    // Current layout: the 2 pad bits sit right after the code, in the top of the second char.
    expectCesr(() => decodeMatter(`D${"Q"}${key.slice(2)}`), "ERR_CESR_PAD");
    // 2022 layout: they sit in the low bits of the last char.
    const old = encodeMatter("D", new Uint8Array(32).fill(7), { layout: "2022" });
    expectCesr(
      () => decodeMatter(`${old.slice(0, -1)}${String.fromCharCode(old.charCodeAt(43) + 1)}`, "2022"),
      "ERR_CESR_PAD",
    );
    // Non-zero lead bytes of a lead-size-1 variable code.
    expectCesr(() => decodeMatter("5AABB___"), "ERR_CESR_PAD");
  });

  it("wrong types are TypeErrors", () => {
    expect(() => decodeMatter(42 as unknown as string)).toThrow(TypeError);
  });
});
