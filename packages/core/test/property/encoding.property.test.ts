// equalsBase64 (comparing digests with the base64 ids they should equal, without encoding) against
// toBase64 as the oracle: equal exactly when the text is the canonical encoding of the bytes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { equalsBase64, toBase64 } from "../../src/encoding.js";

describe("equalsBase64", () => {
  it("is true exactly for toBase64 of the bytes (any length, any range)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 70 }),
        fc.nat(8),
        fc.nat(8),
        fc.string({ maxLength: 100 }),
        (b, x, y, other) => {
          const from = Math.min(x, b.length);
          const to = Math.max(from, b.length - y);
          const text = toBase64(b.subarray(from, to));
          expect(equalsBase64(b, text, from, to - from)).toBe(true);
          expect(equalsBase64(b.subarray(from, to), text)).toBe(true);
          expect(equalsBase64(b, other, from, to - from)).toBe(other === text);
        },
      ),
      { seed: 4648, numRuns: 2000 },
    );
  });

  it("is false for every one-character change, a non-canonical spelling or a non-string", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(), fc.nat(63), (b, at, c) => {
        const text = toBase64(b);
        const i = at % text.length;
        const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
        const changed = text.slice(0, i) + alphabet[c] + text.slice(i + 1);
        expect(equalsBase64(b, changed)).toBe(changed === text);
      }),
      { seed: 4649, numRuns: 2000 },
    );
    // 32 zero bytes: "AAAA…AA=" is canonical; "AAAA…AB=" decodes to the same bytes in lenient decoders.
    const zero = new Uint8Array(32);
    expect(equalsBase64(zero, `${"A".repeat(43)}=`)).toBe(true);
    expect(equalsBase64(zero, `${"A".repeat(42)}B=`)).toBe(false);
    expect(equalsBase64(zero, 42 as unknown as string)).toBe(false);
  });
});
