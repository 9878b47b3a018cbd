// canonicalHash / canonicalHashBatch: SHA-256 of the UTF-8 bytes of canonicalize(value), encoded
// straight into WASM memory. Checked against node:crypto on both builds, including batches that
// fill the input region several times and documents too big for it.
import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { canonicalHash, canonicalHashBatch } from "../../src/hash/canonical.js";
import { CanonicalizationError, canonicalize } from "../../src/jcs/canonicalize.js";
import { hashWasm, selectHashBuild } from "../../src/wasm/hash.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const want = (v: unknown) => createHash("sha256").update(canonicalize(v), "utf8").digest("hex");

const docs: unknown[] = [
  { b: "é\u{1f600}", a: [1, 2.5, null] },
  "x",
  "",
  0,
  -0,
  1e21,
  true,
  null,
  [],
  {},
  { deep: { er: [true, { "\u20ac": '\u0000\u001f"\\' }] } },
];
for (let i = 0; i < 200; i++) docs.push({ i, s: "ab".repeat(i), u: "\u20ac".repeat(i % 13), n: i / 7 });

afterAll(() => selectHashBuild(undefined));

for (const build of ["scalar", "simd"] as const) {
  describe(`canonicalHash (${build} build)`, () => {
    it("equals SHA-256 of the UTF-8 canonical form; the batch equals the single form", () => {
      selectHashBuild(build);
      // the RFC 8785 example: key order by UTF-16 code units, not by the original order
      expect(hex(canonicalHash({ b: 1, a: 2 }))).toBe(hex(canonicalHash({ a: 2, b: 1 })));
      expect(hex(canonicalHash({ a: 1 }))).toBe(createHash("sha256").update('{"a":1}').digest("hex"));
      const batch = canonicalHashBatch(docs);
      expect(batch.length).toBe(docs.length);
      docs.forEach((d, i) => {
        expect(hex(canonicalHash(d)), `doc ${i}`).toBe(want(d));
        expect(hex(batch[i]!), `doc ${i}`).toBe(want(d));
      });
      expect(canonicalHashBatch([])).toEqual([]);
    });

    it("handles documents too big for the input region, alone and inside a batch", () => {
      selectHashBuild(build);
      const huge = { s: "\u20ac".repeat(500_000) }; // 1.5 MB of UTF-8
      const edge = { s: "x".repeat(hashWasm().input.length / 3 - 8) }; // the worst case just fits
      expect(hex(canonicalHash(huge))).toBe(want(huge));
      expect(hex(canonicalHash(edge))).toBe(want(edge));
      const mixed = [1, huge, { a: 2 }, edge, "z"];
      canonicalHashBatch(mixed).forEach((h, i) => {
        expect(hex(h), `doc ${i}`).toBe(want(mixed[i]));
      });
    });

    it("fills the region several times and exceeds the offsets table", () => {
      selectHashBuild(build);
      const w = hashWasm();
      const big = Array.from({ length: 60 }, (_, i) => ({ i, s: "\u00e9".repeat(20_000 + i) }));
      const many = Array.from({ length: w.maxBatch + 3 }, (_, i) => ({ i }));
      for (const values of [big, many]) {
        const got = canonicalHashBatch(values);
        expect(got.length).toBe(values.length);
        for (let i = 0; i < values.length; i += values === many ? 997 : 1) {
          expect(hex(got[i]!), `doc ${i}`).toBe(want(values[i]));
        }
        expect(hex(got[values.length - 1]!)).toBe(want(values[values.length - 1]));
      }
    });
  });
}

describe("canonicalHash re-entrancy", () => {
  it("a getter that hashes while the batch is canonicalized does not corrupt it", () => {
    const tricky = {
      get a() {
        canonicalHashBatch([{ x: "y".repeat(5000) }, 2, 3, 4, 5]);
        return [1, 2];
      },
    };
    const values = [{ p: 1 }, { q: "r" }, tricky, { s: [true] }, 7];
    const got = canonicalHashBatch(values);
    values.forEach((v, i) => {
      expect(hex(got[i]!), `doc ${i}`).toBe(want(v));
    });
  });
});

describe("canonicalHash errors", () => {
  it("passes on canonicalization errors, naming the batch entry", () => {
    expect(() => canonicalHash({ a: Number.NaN })).toThrow(CanonicalizationError);
    try {
      canonicalHashBatch([1, { a: [undefined] }]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CanonicalizationError);
      expect((e as CanonicalizationError).code).toBe("ERR_JCS_UNDEFINED");
      expect((e as CanonicalizationError).path).toBe("$.a[0]");
      expect((e as Error).message).toBe("values[1]: undefined is not JSON at $.a[0]");
    }
  });

  it("rejects a non-array batch", () => {
    expect(() => canonicalHashBatch("x" as unknown as unknown[])).toThrow(
      new TypeError("values: expected array, got string"),
    );
  });

  it("a failed batch leaves the module usable", () => {
    expect(() => canonicalHashBatch([{ a: 1 }, { b: 2n }])).toThrow(CanonicalizationError);
    expect(hex(canonicalHashBatch([{ a: 1 }])[0]!)).toBe(want({ a: 1 }));
  });
});
