// The shape checks against independent oracles: isCanonicalTime against the strict parser and
// formatter (a time is canonical exactly when it survives parse → format unchanged), isHash and
// isSignatureBase64 against Buffer's decoder (canonical exactly when the decoded bytes re-encode to
// the same text). Inputs are near misses of valid values, where the bugs live.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BASE64_32_PATTERN,
  BASE64_64_PATTERN,
  canonicalTimeMillis,
  isCanonicalTime,
  isHash,
  isSignatureBase64,
} from "../../src/attest/shapes.js";
import { formatTimestamp, parseTimestamp } from "../../src/attest/time.js";

const digit = fc.constantFrom(..."0123456789");
const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((a) => a.join(""));

function timeOracle(t: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(t)) return false;
  try {
    return formatTimestamp(parseTimestamp(t)) === t;
  } catch {
    return false;
  }
}

function base64Oracle(t: string, bytes: number): boolean {
  if (!/^[A-Za-z0-9+/=]*$/.test(t)) return false;
  const b = Buffer.from(t, "base64");
  return b.length === bytes && b.toString("base64") === t;
}

describe("shape checks against oracles", () => {
  it("isCanonicalTime: random fields (impossible dates included), then one character changed", () => {
    const time = fc
      .tuple(digits(4), digits(2), digits(2), digits(2), digits(2), digits(2), digits(3))
      .map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
    const nearly = fc
      .tuple(
        time,
        fc.nat(30),
        fc.constantFrom("0", "9", "1", "2", "3", "Z", "z", " ", ".", "-", "", "/", ":", "T", "\u0663"),
      )
      .map(([t, i, c]) => (i < t.length ? t.slice(0, i) + c + t.slice(i + 1) : t));
    const valid = fc
      .oneof(
        fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }),
        fc.integer({ min: -62_167_219_200_000, max: -59_011_459_200_001 }), // years 0000–0099
      )
      .map((ms) => formatTimestamp(ms));
    fc.assert(
      fc.property(fc.oneof(time, nearly, valid), (t) => {
        const ok = timeOracle(t);
        expect(isCanonicalTime(t)).toBe(ok);
        expect(canonicalTimeMillis(t)).toBe(ok ? parseTimestamp(t) : undefined);
      }),
      { seed: 3339, numRuns: 20_000 },
    );
  });

  it("canonicalTimeMillis: many times of one day in a row (the remembered date) and then another day", () => {
    const day = fc
      .integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 })
      .map((ms) => ms - (ms % 86_400_000));
    fc.assert(
      fc.property(
        day,
        fc.array(fc.nat(86_399_999), { minLength: 1, maxLength: 20 }),
        day,
        (d, times, other) => {
          for (const t of [...times.map((x) => d + x), other + (times[0] ?? 0), d]) {
            const text = formatTimestamp(t);
            expect(canonicalTimeMillis(text)).toBe(t);
          }
        },
      ),
      { seed: 86_400, numRuns: 2000 },
    );
  });

  it("isHash and isSignatureBase64: encodings of 31-33 and 63-65 bytes, with one character changed", () => {
    const encoded = fc
      .tuple(fc.constantFrom(31, 32, 33, 63, 64, 65), fc.uint8Array({ minLength: 65, maxLength: 65 }))
      .map(([n, b]) => Buffer.from(b.subarray(0, n)).toString("base64"));
    const changed = fc
      .tuple(encoded, fc.nat(90), fc.constantFrom("A", "B", "Q", "g", "w", "=", "-", "_", "/", "+", "", "=="))
      .map(([t, i, c]) => t.slice(0, i) + c + t.slice(i + 1));
    fc.assert(
      fc.property(fc.oneof(encoded, changed), (t) => {
        expect(isHash(t)).toBe(base64Oracle(t, 32));
        expect(isSignatureBase64(t)).toBe(base64Oracle(t, 64));
      }),
      { seed: 4648, numRuns: 20_000 },
    );
  });
});

describe("isHash's tables", () => {
  it("accept exactly what BASE64_32_PATTERN accepts (near misses, non-ASCII included)", () => {
    const re = new RegExp(BASE64_32_PATTERN);
    const alphabet =
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_."\\ \u00e9\u0141\u{1F600}\u0141\u0100\u0161';
    const near = fc
      .tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(), fc.constantFrom(...alphabet))
      .map(([bytes, at, c]) => {
        const h = Buffer.from(bytes).toString("base64");
        const i = at % 45;
        return h.slice(0, i) + c + h.slice(i + 1); // one character replaced (or appended)
      });
    const any = fc.string({ unit: fc.constantFrom(...alphabet), minLength: 40, maxLength: 46 });
    fc.assert(
      fc.property(fc.oneof(near, any), (s) => {
        expect(isHash(s)).toBe(re.test(s));
      }),
      { seed: 7, numRuns: 5000 },
    );
    // A character whose low byte is a base64 digit (U+0141 → 0x41 'A') is not one.
    expect(isHash(`\u0141${"A".repeat(42)}=`)).toBe(false);
  });

  it("isSignatureBase64's tables accept exactly what BASE64_64_PATTERN accepts", () => {
    const re = new RegExp(BASE64_64_PATTERN);
    const alphabet =
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_."\\ \u00e9\u0141\u{1F600}\u0151\u0100\u0161\u0177';
    const near = fc
      .tuple(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.nat(), fc.constantFrom(...alphabet))
      .map(([bytes, at, c]) => {
        const h = Buffer.from(bytes).toString("base64");
        const i = at % 89;
        return h.slice(0, i) + c + h.slice(i + 1);
      });
    const any = fc.string({ unit: fc.constantFrom(...alphabet), minLength: 86, maxLength: 90 });
    fc.assert(
      fc.property(fc.oneof(near, any), (s) => {
        expect(isSignatureBase64(s)).toBe(re.test(s));
      }),
      { seed: 64, numRuns: 5000 },
    );
    // U+0151 → 0x51 'Q', U+0177 → 0x77 'w': low bytes that are canonical last characters.
    expect(isSignatureBase64(`${"A".repeat(85)}\u0151==`)).toBe(false);
    expect(isSignatureBase64(`\u0141${"A".repeat(84)}w==`)).toBe(false);
    expect(isSignatureBase64(`${"A".repeat(85)}w==`)).toBe(true);
  });
});
