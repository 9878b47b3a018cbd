// RFC 3339 edge cases of parseTimestamp / formatTimestamp / toMillis.
import { describe, expect, it } from "vitest";
import {
  formatTimestamp,
  MAX_TIME,
  MIN_TIME,
  parseTimestamp,
  TimestampError,
  toMillis,
} from "../../src/attest/time.js";

const iso = (text: string) => formatTimestamp(parseTimestamp(text));

describe("parseTimestamp accepts", () => {
  it.each([
    ["2025-02-18T17:01:27.880Z", "2025-02-18T17:01:27.880Z"],
    ["2025-02-18T17:01:27Z", "2025-02-18T17:01:27.000Z"],
    ["2025-02-18T17:01:27.8Z", "2025-02-18T17:01:27.800Z"],
    ["2025-02-18T17:01:27.88Z", "2025-02-18T17:01:27.880Z"],
    // any number of fraction digits, truncated (never rounded up) to milliseconds
    ["2025-02-18T17:01:27.8809999999999Z", "2025-02-18T17:01:27.880Z"],
    ["2025-02-18T23:59:59.9999Z", "2025-02-18T23:59:59.999Z"],
    // offsets are normalized to UTC, across day, month and year boundaries
    ["2025-02-18T18:01:27.880+01:00", "2025-02-18T17:01:27.880Z"],
    ["2022-06-21T13:46:09.308721+00:00", "2022-06-21T13:46:09.308Z"],
    ["2025-01-01T00:30:00+05:45", "2024-12-31T18:45:00.000Z"],
    ["2024-12-31T23:30:00-23:59", "2025-01-01T23:29:00.000Z"],
    ["2025-02-18T17:01:27.880-00:00", "2025-02-18T17:01:27.880Z"],
    // leap days
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"],
    ["2000-02-29T12:00:00Z", "2000-02-29T12:00:00.000Z"],
    // years 0000-0099 are not mapped to 1900-1999
    ["0050-01-01T00:00:00-00:30", "0050-01-01T00:30:00.000Z"],
    ["0000-01-01T00:00:00Z", "0000-01-01T00:00:00.000Z"],
    ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"],
    ["1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"],
  ])("%s → %s", (input, expected) => {
    expect(iso(input)).toBe(expected);
  });

  it("returns epoch milliseconds", () => {
    expect(parseTimestamp("1970-01-01T00:00:00Z")).toBe(0);
    expect(parseTimestamp("0000-01-01T00:00:00Z")).toBe(MIN_TIME);
    expect(parseTimestamp("9999-12-31T23:59:59.999Z")).toBe(MAX_TIME);
  });
});

describe("parseTimestamp rejects", () => {
  it.each([
    ["local time (no zone)", "2025-02-18T17:01:27"],
    ["local time with fraction", "2025-02-18T17:01:27.880"],
    ["space separator", "2025-02-18 17:01:27Z"],
    ["underscore separator", "2025-02-18_17:01:27Z"],
    ["lowercase t", "2025-02-18t17:01:27Z"],
    ["lowercase z", "2025-02-18T17:01:27z"],
    ["Feb 30", "2025-02-30T00:00:00Z"],
    ["Feb 29 of a common year", "2023-02-29T00:00:00Z"],
    ["Feb 29 of 1900", "1900-02-29T00:00:00Z"],
    ["April 31", "2025-04-31T00:00:00Z"],
    ["day 0", "2025-01-00T00:00:00Z"],
    ["month 0", "2025-00-10T00:00:00Z"],
    ["month 13", "2025-13-01T00:00:00Z"],
    ["hour 24", "2025-01-01T24:00:00Z"],
    ["minute 60", "2025-01-01T23:60:00Z"],
    ["leap second", "2016-12-31T23:59:60Z"],
    ["second 61", "2016-12-31T23:59:61Z"],
    ["offset hour 24", "2025-01-01T00:00:00+24:00"],
    ["offset minute 60", "2025-01-01T00:00:00+01:60"],
    ["offset without colon", "2025-01-01T00:00:00+0100"],
    ["offset hours only", "2025-01-01T00:00:00+01"],
    ["empty fraction", "2025-01-01T00:00:00.Z"],
    ["basic format", "20250101T000000Z"],
    ["two-digit year", "25-01-01T00:00:00Z"],
    ["five-digit year", "10000-01-01T00:00:00Z"],
    ["signed year", "+2025-01-01T00:00:00Z"],
    ["one-digit hour", "2025-01-01T1:00:00Z"],
    ["no seconds", "2025-01-01T10:00Z"],
    ["date only", "2025-01-01"],
    ["trailing text", "2025-01-01T00:00:00Zjunk"],
    ["leading space", " 2025-01-01T00:00:00Z"],
    ["trailing newline", "2025-01-01T00:00:00Z\n"],
    ["non-ASCII digits", "２０２５-01-01T00:00:00Z"],
    ["before year 0 once normalized", "0000-01-01T00:00:00+00:01"],
    ["after year 9999 once normalized", "9999-12-31T23:59:59-00:01"],
    ["empty string", ""],
  ])("%s: %j", (_why, input) => {
    expect(() => parseTimestamp(input)).toThrow(TimestampError);
    try {
      parseTimestamp(input);
    } catch (e) {
      expect((e as TimestampError).code).toBe("ERR_TIMESTAMP");
      expect((e as TimestampError).name).toBe("TimestampError");
    }
  });

  it("throws TypeError for non-strings", () => {
    expect(() => parseTimestamp(5 as unknown as string)).toThrow(TypeError);
    expect(() => parseTimestamp(null as unknown as string)).toThrow("timestamp: expected string, got object");
  });
});

describe("formatTimestamp", () => {
  it("always emits YYYY-MM-DDTHH:MM:SS.mmmZ", () => {
    expect(formatTimestamp(0)).toBe("1970-01-01T00:00:00.000Z");
    expect(formatTimestamp(MIN_TIME)).toBe("0000-01-01T00:00:00.000Z");
    expect(formatTimestamp(MAX_TIME)).toBe("9999-12-31T23:59:59.999Z");
    expect(formatTimestamp(-1)).toBe("1969-12-31T23:59:59.999Z");
  });

  it("rejects non-integers and instants outside 0000-9999", () => {
    expect(() => formatTimestamp(1.5)).toThrow(RangeError);
    expect(() => formatTimestamp(Number.NaN)).toThrow(RangeError);
    expect(() => formatTimestamp(MAX_TIME + 1)).toThrow(RangeError);
    expect(() => formatTimestamp(MIN_TIME - 1)).toThrow(RangeError);
    expect(() => formatTimestamp("0" as unknown as number)).toThrow(TypeError);
  });
});

describe("toMillis", () => {
  it("passes integers through and parses strings", () => {
    expect(toMillis(42)).toBe(42);
    expect(toMillis("1970-01-01T00:00:00.042Z")).toBe(42);
    expect(() => toMillis(0.5, "now")).toThrow("now: expected integer milliseconds, got 0.5");
    expect(() => toMillis({} as unknown as number, "now")).toThrow(TypeError);
    expect(() => toMillis("yesterday")).toThrow(TimestampError);
  });
});
