// Entries: shape rules, the fast canonical form against core's canonicalize, batch hashing,
// pseudonyms and per-period keys.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalize, sha256, toBase64 } from "@chronoseal/core";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { chainId, EntryError, entryShapeError, type LockEntry } from "../src/entry.js";
import { entryCanonical, entryHash, entryHashes } from "../src/entry-hash.js";
import { PeriodKeys, pseudonym } from "../src/pseudonym.js";

const HASH = "WgkOAAHXvvNvbwsXgUgbdcEKbtiu37eaTbSl2vIHpB0=";
const good: LockEntry = {
  v: 1,
  chain: "door-1/2025-01",
  seq: 3,
  prev: HASH,
  door: "door-1",
  time: "2025-01-06T08:00:00.000Z",
  event: "opened",
  user: HASH,
};

describe("entry shape", () => {
  it("accepts well-formed entries", () => {
    expect(entryShapeError(good)).toBeUndefined();
    expect(
      entryShapeError({ ...good, seq: 0, prev: "", event: "chain-opened", user: undefined }),
    ).toBeUndefined();
    expect(entryShapeError({ ...good, detail: { openMs: 60000, cause: "no-badge" } })).toBeUndefined();
  });

  const bad: [string, unknown, RegExp][] = [
    ["not an object", [good], /not an object/],
    ["unknown field", { ...good, badge: "04A2" }, /unknown field "badge"/],
    ["version", { ...good, v: 2 }, /v must be 1/],
    ["door", { ...good, door: "a door" }, /door/],
    ["chain of another door", { ...good, chain: "door-2/2025-01" }, /chain/],
    ["chain without period", { ...good, chain: "door-1/" }, /chain/],
    ["negative seq", { ...good, seq: -1 }, /seq/],
    ["fractional seq", { ...good, seq: 1.5 }, /seq/],
    ["prev at 0", { ...good, seq: 0 }, /prev must be empty/],
    ["prev not a hash", { ...good, prev: "abc" }, /prev must be a base64/],
    ["time", { ...good, time: "2025-01-06T08:00:00Z" }, /time/],
    ["event", { ...good, event: "exploded" }, /event/],
    ["user", { ...good, user: "BADGE-1" }, /user/],
    ["detail array", { ...good, detail: [] }, /detail must be an object/],
    ["detail key", { ...good, detail: { "a b": 1 } }, /detail key/],
    ["detail value", { ...good, detail: { x: true } }, /string or a number/],
    ["detail NaN", { ...good, detail: { x: Number.NaN } }, /finite/],
    ["detail surrogate", { ...good, detail: { x: "\ud800" } }, /surrogate/],
    ["detail long", { ...good, detail: { x: "y".repeat(201) } }, /longer/],
    ["signatures", { ...good, signatures: "x" }, /signatures/],
  ];
  for (const [name, value, re] of bad)
    it(`rejects: ${name}`, () => expect(entryShapeError(value)).toMatch(re));

  it("a first entry with an empty or missing door, chain or user is malformed (no remembered value skips a check)", async () => {
    // A fresh module: nothing has been found well-formed yet.
    vi.resetModules();
    const fresh = (await import("../src/entry.js")).entryShapeError;
    const base = { v: 1, seq: 0, prev: "", time: "2025-01-06T08:00:00.000Z", event: "opened" };
    expect(fresh({ ...base, door: "", chain: "" })).toMatch(/door/);
    expect(fresh({ ...base })).toMatch(/door/);
    expect(fresh({ ...base, door: "d", chain: "d/p", user: "" })).toMatch(/user/);
    expect(fresh({ ...base, door: "d", chain: "d/p", user: HASH })).toBeUndefined();
    // Remembered values only skip checks for the same value.
    expect(fresh({ ...base, door: "d", chain: "d/p", user: "" })).toMatch(/user/);
    expect(fresh({ ...base, door: "d", chain: "d/q/" })).toMatch(/chain/);
    expect(fresh({ ...base })).toMatch(/door/);
  });

  it("chain ids are checked", () => {
    expect(chainId("door-1", "2025-01")).toBe("door-1/2025-01");
    expect(() => chainId("door/1", "2025-01")).toThrow(EntryError);
    expect(() => chainId("door-1", "")).toThrow(EntryError);
  });
});

describe("entry hashes", () => {
  const arbString = fc.string({ unit: "grapheme", maxLength: 12 });
  const arbEntry = fc.record({
    seq: fc.nat({ max: 2 ** 40 }),
    event: fc.constantFrom("opened", "held-open", "closed", "recovered", "chain-closed" as const),
    user: fc.option(fc.constant(HASH), { nil: undefined }),
    detail: fc.option(
      fc.dictionary(
        fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/),
        fc.oneof(arbString, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()),
        { maxKeys: 5 },
      ),
      { nil: undefined },
    ),
    time: fc.integer({ min: 0, max: 253402300799999 }).map((t) => new Date(t).toISOString()),
  });

  it("the fast canonical form is RFC 8785 (checked against core's canonicalize)", () => {
    fc.assert(
      fc.property(arbEntry, (r) => {
        const e: LockEntry = {
          ...good,
          ...r,
          prev: r.seq === 0 ? "" : HASH,
          ...(r.user === undefined ? { user: undefined } : {}),
        } as LockEntry;
        if (e.user === undefined) delete e.user;
        if (e.detail === undefined) delete e.detail;
        if (entryShapeError(e)) return;
        const { signatures: _s, ...payload } = e;
        expect(entryCanonical(e)).toBe(canonicalize(payload));
        const one = entryHashes([e]);
        expect(toBase64(one)).toBe(toBase64(sha256(new TextEncoder().encode(canonicalize(payload)))));
        expect(toBase64(entryHashes([e], { shaped: true }))).toBe(toBase64(one));
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it("signatures are excluded; other shapes fall back to canonicalize", () => {
    expect(entryHash({ ...good, signatures: { k: { signed_at: "x", signature: "y" } } })).toBe(
      entryHash(good),
    );
    const odd = { ...good, extra: { b: 1, a: [1, "é"] } };
    const { ...payload } = odd;
    expect(entryCanonical(odd)).toBe(canonicalize(payload));
  });

  it("a batch gives the same hashes as one at a time", () => {
    const many = Array.from({ length: 300 }, (_, i) => ({
      ...good,
      seq: i + 1,
      detail: { n: i, s: `é${i}"\\` },
    }));
    const packed = entryHashes(many);
    many.forEach((e, i) => {
      expect(toBase64(packed.subarray(i * 32, i * 32 + 32))).toBe(entryHash(e));
    });
    expect(entryHashes([]).length).toBe(0);
  });

  it("a batch of ASCII entries, and one with a single non-ASCII entry among them, hash as one at a time", () => {
    // Offsets in the packed batch are byte offsets: one multi-byte character anywhere must not
    // shift the messages after it.
    const ascii = Array.from({ length: 200 }, (_, i) => ({
      ...good,
      seq: i + 1,
      detail: { n: i, s: `x${i}` },
    }));
    for (const at of [-1, 0, 99, 199]) {
      const batch = ascii.map((e, i) => (i === at ? { ...e, detail: { n: i, s: "ü\u2028😀" } } : e));
      for (const shaped of [false, true]) {
        const packed = entryHashes(batch, { shaped });
        batch.forEach((e, i) => {
          expect(toBase64(packed.subarray(i * 32, i * 32 + 32))).toBe(entryHash(e));
        });
      }
    }
  });
});

describe("shaped batches", () => {
  // The shaped path (what the auditor and the collector use) writes the canonical text without
  // re-checking: batches that switch between doors, chains and events, mix entries with and
  // without user or detail, and use any safe sequence number must hash as canonicalize says.
  const NAME = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);
  const arbShaped = fc.record({
    door: fc.oneof(fc.constantFrom("door-1", "d"), NAME),
    period: fc.oneof(fc.constant("2025-01"), NAME),
    seq: fc.oneof(
      fc.nat({ max: 20 }),
      fc.constantFrom(9, 10, 99, 100, 999_999, 1e15, 2 ** 53 - 1),
      fc.maxSafeNat(),
    ),
    event: fc.constantFrom(
      "opened",
      "held-open",
      "closed",
      "recovered",
      "chain-closed",
      "chain-opened" as const,
    ),
    user: fc.option(fc.constantFrom(HASH, `${"A".repeat(43)}=`), { nil: undefined }),
    detail: fc.option(
      fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,4}$/), fc.oneof(fc.string(), fc.integer()), {
        maxKeys: 3,
      }),
      { nil: undefined },
    ),
    time: fc.integer({ min: 0, max: 253402300799999 }).map((t) => new Date(t).toISOString()),
  });
  it("match canonicalize whatever the mix", () => {
    fc.assert(
      fc.property(fc.array(arbShaped, { maxLength: 40 }), (rs) => {
        const batch: LockEntry[] = rs.map((r) => {
          const e: LockEntry = {
            v: 1,
            chain: `${r.door}/${r.period}`,
            seq: r.seq,
            prev: r.seq === 0 ? "" : HASH,
            door: r.door,
            time: r.time,
            event: r.event,
          };
          if (r.user !== undefined) e.user = r.user;
          if (r.detail !== undefined) e.detail = r.detail;
          return e;
        });
        const shaped = batch.filter((e) => entryShapeError(e) === undefined);
        const packed = entryHashes(shaped, { shaped: true });
        expect(packed.length).toBe(shaped.length * 32);
        shaped.forEach((e, i) => {
          const want = sha256(
            new TextEncoder().encode(canonicalize(e as unknown as Record<string, unknown>)),
          );
          expect(toBase64(packed.subarray(i * 32, i * 32 + 32))).toBe(toBase64(want));
        });
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe("entryHashes re-entered", () => {
  it("a getter that hashes other entries mid-batch changes none of the batch's hashes", () => {
    const others = Array.from({ length: 50 }, (_, i) => ({ ...good, seq: 100 + i }));
    const want = (e: object) => toBase64(sha256(new TextEncoder().encode(entryCanonical(e))));
    for (const shaped of [true, false]) {
      let inner: Uint8Array | undefined;
      const tricky = { ...good, seq: 7 };
      Object.defineProperty(tricky, "time", {
        enumerable: true,
        get() {
          inner ??= entryHashes(others, { shaped });
          return good.time;
        },
      });
      const batch = [{ ...good, seq: 5 }, tricky, { ...good, seq: 9, user: undefined }];
      const out = entryHashes(batch, { shaped });
      expect(inner).toBeDefined();
      batch.forEach((e, i) => {
        expect(toBase64(out.subarray(i * 32, i * 32 + 32)), `shaped=${shaped} #${i}`).toBe(want(e));
      });
      others.forEach((e, i) => {
        expect(toBase64(inner!.subarray(i * 32, i * 32 + 32))).toBe(want(e));
      });
    }
  });
});

describe("pseudonyms", () => {
  it("HMAC-SHA-256 per period key: stable within a period, unlinkable across", () => {
    const k1 = new Uint8Array(32).fill(1);
    const k2 = new Uint8Array(32).fill(2);
    expect(pseudonym(k1, "04A2B3")).toBe(pseudonym(k1, "04A2B3"));
    expect(pseudonym(k1, "04A2B3")).not.toBe(pseudonym(k2, "04A2B3"));
    expect(pseudonym(k1, "04A2B3")).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(() => pseudonym(new Uint8Array(31), "x")).toThrow(RangeError);
  });

  it("period keys are created once, kept, and destroyed", () => {
    const dir = mkdtempSync(join(tmpdir(), "keys-"));
    const keys = new PeriodKeys(dir);
    const k = keys.get("2025-01");
    expect(new PeriodKeys(dir).get("2025-01")).toEqual(k);
    expect(keys.get("2025-02")).not.toEqual(k);
    expect(keys.periods()).toEqual(["2025-01", "2025-02"]);
    keys.destroy("2025-01");
    expect(keys.periods()).toEqual(["2025-02"]);
    expect(new PeriodKeys(dir).get("2025-01")).not.toEqual(k); // a new key: old pseudonyms are orphaned
    expect(() => keys.get("../x")).toThrow(RangeError);
  });
});
