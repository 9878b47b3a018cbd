import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  b64ToInt,
  CesrError,
  COUNTER_SIZES,
  counterQb2,
  decodeCounter,
  decodeCounterQb2,
  decodeIndexer,
  encodeCounter,
  encodeIndexer,
  INDEXER_SIZES,
  intToB64,
  qb64ToQb2,
} from "../../src/index.js";

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CesrError);
    return (e as CesrError).code;
  }
  return "no error";
}

describe("Base64 integers", () => {
  it("round trip at every width and refuse what does not fit", () => {
    for (let len = 1; len <= 5; len++) {
      for (const n of [0, 1, 63, 64, 64 ** len - 1]) {
        if (n >= 64 ** len) continue;
        expect(b64ToInt(intToB64(n, len))).toBe(n);
        expect(intToB64(n, len)).toHaveLength(len);
      }
      expect(() => intToB64(64 ** len, len)).toThrow(RangeError);
    }
    expect(() => intToB64(-1, 2)).toThrow(RangeError);
    expect(intToB64(4095, 2)).toBe("__");
  });
});

describe("indexed signatures", () => {
  const sig = Uint8Array.from({ length: 64 }, (_, i) => (i * 13 + 5) & 0xff);

  it("every code's sizes: fs % 4 == 0, ondex fits in ss", () => {
    for (const [c, s] of INDEXER_SIZES) {
      expect(s.fs % 4, c).toBe(0);
      expect(s.os, c).toBeLessThan(s.ss);
      expect(c.length, c).toBe(s.hs);
    }
  });

  it("round trip the Ed25519 codes with index and ondex, both layouts", () => {
    fc.assert(
      fc.property(fc.constantFrom("A", "B", "2A", "2B"), fc.nat(4095), fc.nat(4095), (c, index, ondexRaw) => {
        const small = c.length === 1;
        const i = small ? index % 64 : index;
        if (c === "B" || c === "2B") {
          const qb64 = encodeIndexer(c, sig, i);
          const back = decodeIndexer(qb64);
          expect(back).toMatchObject({ code: c, index: i, ondex: undefined });
          expect([...back.raw]).toEqual([...sig]);
          return;
        }
        const ondex = small ? i : ondexRaw;
        const layout = small ? (["current", "2022"] as const)[index % 2] : "current";
        const qb64 = encodeIndexer(c, sig, i, { ondex, layout });
        expect(qb64.length).toBe(c === "A" ? 88 : 92);
        const back = decodeIndexer(qb64, layout);
        expect(back).toMatchObject({ code: c, index: i, ondex });
        expect([...back.raw]).toEqual([...sig]);
        expect(qb64ToQb2(qb64).length).toBe((qb64.length * 3) / 4);
      }),
      { seed: 1402, numRuns: 300 },
    );
  });

  it("enforces index, ondex and current-only rules", () => {
    expect(() => encodeIndexer("A", sig, 64)).toThrow(RangeError);
    expect(() => encodeIndexer("A", sig, 3, { ondex: 4 })).toThrow(/ondex must equal index/);
    expect(() => encodeIndexer("B", sig, 3, { ondex: 3 })).toThrow(/current-only/);
    expect(() => encodeIndexer("2A", sig, 4096)).toThrow(RangeError);
    expect(() => encodeIndexer("A", sig.subarray(1), 0)).toThrow(/expected raw of length 64/);
    // A current-only big signature whose ondex field is not zero is malformed.
    const big = encodeIndexer("2B", sig, 5);
    expect(code(() => decodeIndexer(`${big.slice(0, 4)}AB${big.slice(6)}`))).toBe("ERR_CESR_VALUE");
  });

  it("refuses truncation, unknown codes and non-zero pad bits", () => {
    const qb64 = encodeIndexer("A", sig, 1);
    expect(code(() => decodeIndexer(qb64.slice(0, 87)))).toBe("ERR_CESR_SHORT");
    expect(code(() => decodeIndexer(`9${qb64.slice(1)}`))).toBe("ERR_CESR_CODE");
    expect(code(() => decodeIndexer(`AB${"Q"}${qb64.slice(3)}`))).toBe("ERR_CESR_PAD");
    expect(code(() => decodeIndexer("-AAB"))).toBe("ERR_CESR_GROUP");
    // "B" meant secp256k1 in 2022 and "2A" did not exist.
    expect(code(() => decodeIndexer(encodeIndexer("2A", sig, 1), "2022"))).toBe("ERR_CESR_CODE");
  });
});

describe("count codes", () => {
  it("every code round trips at its limits, text and binary", () => {
    for (const [c, s] of COUNTER_SIZES) {
      for (const n of [0, 1, 64 ** s.ss - 1]) {
        const qb64 = encodeCounter(c, n);
        expect(qb64.length).toBe(s.fs);
        expect(decodeCounter(qb64)).toMatchObject({ code: c, count: n });
        const qb2 = counterQb2(qb64);
        expect(decodeCounterQb2(qb2)).toMatchObject({ counter: { code: c, count: n }, size: (s.fs * 3) / 4 });
      }
      expect(() => encodeCounter(c, 64 ** s.ss)).toThrow(RangeError);
    }
  });

  it('tells "--V" (hard size 3) from "--AAA" (hard size 5)', () => {
    expect(decodeCounter("--VAAABA")).toMatchObject({ code: "--V", count: 64 });
    expect(decodeCounter("--AAABAA")).toMatchObject({ code: "--AAA", count: 4096 });
    expect(decodeCounter("-_AAABAA")).toMatchObject({ code: "-_AAA" });
    expect(decodeCounter("-0VAAAAB")).toMatchObject({ code: "-0V", count: 1 });
  });

  it("refuses unknown, truncated and malformed count codes", () => {
    expect(code(() => decodeCounter("-XAB"))).toBe("ERR_CESR_CODE");
    expect(code(() => decodeCounter("-1AB"))).toBe("ERR_CESR_CODE");
    expect(code(() => decodeCounter("-A"))).toBe("ERR_CESR_SHORT");
    expect(code(() => decodeCounter("-A="))).toBe("ERR_CESR_SHORT");
    expect(code(() => decodeCounter("-A=B"))).toBe("ERR_CESR_CHAR");
    expect(code(() => decodeCounter("AAAB"))).toBe("ERR_CESR_GROUP");
    expect(code(() => decodeCounter("--V"))).toBe("ERR_CESR_SHORT");
  });
});
