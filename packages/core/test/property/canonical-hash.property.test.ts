// Property: for any JSON value, canonicalHash(v) is SHA-256 of the UTF-8 bytes of canonicalize(v)
// (node:crypto as the oracle), and canonicalHashBatch agrees with it entry by entry, on both builds.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { canonicalHash, canonicalHashBatch, canonicalHashPacked } from "../../src/hash/canonical.js";
import { canonicalize } from "../../src/jcs/canonicalize.js";
import { selectHashBuild } from "../../src/wasm/hash.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const want = (v: unknown) => createHash("sha256").update(canonicalize(v), "utf8").digest("hex");

// Full-Unicode strings (well-formed UTF-16), so multi-byte UTF-8 is exercised.
const json = fc.jsonValue({ maxDepth: 4, stringUnit: "grapheme" });

afterAll(() => selectHashBuild(undefined));

for (const build of ["scalar", "simd"] as const) {
  describe(`canonicalHash properties (${build} build)`, () => {
    it("equals SHA-256 of UTF-8 canonicalize(v); batch and packed equal single", () => {
      selectHashBuild(build);
      fc.assert(
        fc.property(fc.array(json, { maxLength: 12 }), (values) => {
          const batch = canonicalHashBatch(values);
          const packed = canonicalHashPacked(values);
          expect(packed.length).toBe(values.length * 32);
          values.forEach((v, i) => {
            const w = want(v);
            expect(hex(canonicalHash(v))).toBe(w);
            expect(hex(batch[i]!)).toBe(w);
            expect(hex(packed.subarray(i * 32, i * 32 + 32))).toBe(w);
          });
        }),
        { seed: 8785, numRuns: 200 },
      );
    });
  });
}
