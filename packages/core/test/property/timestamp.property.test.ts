// Properties of RFC 3339 parsing: round trips, offsets, and agreement with Date on valid input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatTimestamp, MAX_TIME, MIN_TIME, parseTimestamp } from "../../src/attest/time.js";

const instant = fc.integer({ min: MIN_TIME + 86_400_000, max: MAX_TIME - 86_400_000 });
const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, "0");

describe("timestamp properties", () => {
  it("format then parse is the identity on every representable millisecond", () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_TIME, max: MAX_TIME }), (t) => {
        expect(parseTimestamp(formatTimestamp(t))).toBe(t);
      }),
      { seed: 11, numRuns: 2000 },
    );
  });

  it("any offset and any extra fraction digits denote the same instant (truncated to ms)", () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        fc.stringMatching(/^[0-9]{0,9}$/),
        (t, offsetMin, extra) => {
          const local = new Date(t + offsetMin * 60_000).toISOString().slice(0, 23); // shifted wall clock
          const sign = offsetMin < 0 ? "-" : "+";
          const zone = `${sign}${pad(Math.trunc(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`;
          const text = `${local}${extra}${zone}`;
          expect(parseTimestamp(text)).toBe(t);
        },
      ),
      { seed: 12, numRuns: 2000 },
    );
  });

  it("agrees with Date.parse on valid timestamps", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1000, 0, 1), max: MAX_TIME }), (t) => {
        const text = formatTimestamp(t).replace(".000Z", "Z");
        expect(parseTimestamp(text)).toBe(Date.parse(text));
      }),
      { seed: 13, numRuns: 1000 },
    );
  });

  it("rejects every day that does not exist in its month", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 29, max: 32 }),
        (y, m, d) => {
          const text = `${pad(y, 4)}-${pad(m)}-${pad(d)}T00:00:00Z`;
          const probe = new Date(0);
          probe.setUTCFullYear(y, m - 1, d); // Date rolls an impossible day over into the next month
          const exists = probe.getUTCDate() === d;
          if (exists) expect(formatTimestamp(parseTimestamp(text)).slice(0, 10)).toBe(text.slice(0, 10));
          else expect(() => parseTimestamp(text)).toThrow(/does not exist/);
        },
      ),
      { seed: 14, numRuns: 1000 },
    );
  });
});
