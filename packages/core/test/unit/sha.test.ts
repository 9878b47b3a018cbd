// SHA-256/512 differential tests against node:crypto, run on both WASM builds.
import { createHash, randomBytes } from "node:crypto";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { canonicalHash, canonicalHashBatch } from "../../src/hash/canonical.js";
import {
  createSha256,
  createSha512,
  sha256,
  sha256Batch,
  sha256Packed,
  sha512,
  sha512Batch,
  sha512Packed,
} from "../../src/hash/sha.js";
import { canonicalize } from "../../src/jcs/canonicalize.js";
import { hashWasm, selectHashBuild } from "../../src/wasm/hash.js";

const node = (alg: "sha256" | "sha512", data: Uint8Array) =>
  new Uint8Array(createHash(alg).update(data).digest());
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

// A deterministic pseudo-random buffer (so failures reproduce).
const pool = new Uint8Array(1 << 21);
for (let i = 0, x = 0x12345678; i < pool.length; i++) {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  pool[i] = x & 0xff;
}

const boundaries = [0, 1, 55, 56, 63, 64, 65, 111, 112, 119, 120, 127, 128, 129, 255, 256];
for (let n = 1; n <= 20; n++) boundaries.push(n * 64 - 1);

afterAll(() => selectHashBuild(undefined));

for (const build of ["scalar", "simd"] as const) {
  describe(`SHA-2 in WASM (${build} build)`, () => {
    it("uses the requested build", () => {
      selectHashBuild(build);
      expect(hashWasm().simd).toBe(build === "simd");
    });

    it("matches node:crypto for every length 0..1024 and the block boundaries", () => {
      selectHashBuild(build);
      for (let len = 0; len <= 1024; len++) {
        const m = pool.subarray(len, len * 2);
        expect(hex(sha256(m)), `sha256 len ${len}`).toBe(hex(node("sha256", m)));
        expect(hex(sha512(m)), `sha512 len ${len}`).toBe(hex(node("sha512", m)));
      }
      for (const len of boundaries) {
        const m = pool.subarray(3, 3 + len);
        expect(hex(sha256(m))).toBe(hex(node("sha256", m)));
        expect(hex(sha512(m))).toBe(hex(node("sha512", m)));
      }
    });

    it("matches node:crypto for random lengths up to 1 MiB and beyond the input region", () => {
      selectHashBuild(build);
      const lengths = [1 << 20, (1 << 20) + 1, (1 << 20) - 1, 1_500_000];
      for (let i = 0; i < 12; i++) lengths.push(Math.floor((pool[i * 7]! * 256 + pool[i * 7 + 1]!) * 16));
      for (const len of lengths) {
        const m = randomBytes(len);
        expect(hex(sha256(m)), `len ${len}`).toBe(hex(node("sha256", m)));
        expect(hex(sha512(m)), `len ${len}`).toBe(hex(node("sha512", m)));
      }
    });

    it("batch equals one-shot for mixed lengths, zero-length messages included", () => {
      selectHashBuild(build);
      const msgs: Uint8Array[] = [];
      for (let i = 0; i < 403; i++) {
        const len = i % 7 === 0 ? 0 : (pool[i]! * 3 + i) % 700;
        msgs.push(pool.subarray(i, i + len));
      }
      const b256 = sha256Batch(msgs);
      const b512 = sha512Batch(msgs);
      msgs.forEach((m, i) => {
        expect(hex(b256[i]!)).toBe(hex(node("sha256", m)));
        expect(hex(b512[i]!)).toBe(hex(node("sha512", m)));
      });
    });

    it("batches larger than the WASM regions are chunked correctly", () => {
      selectHashBuild(build);
      const w = hashWasm();
      const many = Array.from({ length: w.maxBatch * 2 + 5 }, (_, i) =>
        pool.subarray(i % 100, (i % 100) + (i % 97)),
      );
      const big = [
        pool.subarray(0, 400_000),
        pool.subarray(1, 700_000),
        pool.subarray(0, 1_200_000),
        new Uint8Array(0),
      ];
      for (const msgs of [many, big]) {
        const got = sha256Batch(msgs);
        expect(got.length).toBe(msgs.length);
        msgs.forEach((m, i) => {
          expect(hex(got[i]!)).toBe(hex(node("sha256", m)));
        });
      }
    });

    it("the packed API equals the batch API", () => {
      selectHashBuild(build);
      const lens = Array.from({ length: 3000 }, (_, i) => (i * 37) % 300);
      const offsets = new Uint32Array(lens.length + 1);
      for (let i = 0; i < lens.length; i++) offsets[i + 1] = offsets[i]! + lens[i]!;
      const data = pool.subarray(0, offsets[lens.length]);
      const msgs = lens.map((_, i) => data.subarray(offsets[i]!, offsets[i + 1]!));
      const p256 = sha256Packed(data, offsets);
      const p512 = sha512Packed(data, offsets);
      const b256 = sha256Batch(msgs);
      const b512 = sha512Batch(msgs);
      msgs.forEach((_, i) => {
        expect(hex(p256.subarray(i * 32, i * 32 + 32))).toBe(hex(b256[i]!));
        expect(hex(p512.subarray(i * 64, i * 64 + 64))).toBe(hex(b512[i]!));
      });
      // one message bigger than the input region inside a packed batch
      const big = pool.subarray(0, 1_300_000);
      const o = new Uint32Array([0, 10, 1_200_010, 1_300_000]);
      const got = sha256Packed(big, o);
      expect(hex(got.subarray(32, 64))).toBe(hex(node("sha256", big.subarray(10, 1_200_010))));
      expect(hex(got.subarray(64, 96))).toBe(hex(node("sha256", big.subarray(1_200_010))));
    });

    it("incremental equals one-shot for random split points", () => {
      selectHashBuild(build);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 5000 }), fc.array(fc.nat(), { maxLength: 8 }), (len, cuts) => {
          const m = pool.subarray(7, 7 + len);
          const points = [...new Set(cuts.map((c) => c % (len + 1)))].sort((a, b) => a - b);
          const h256 = createSha256();
          const h512 = createSha512();
          let last = 0;
          for (const p of [...points, len]) {
            h256.update(m.subarray(last, p));
            h512.update(m.subarray(last, p));
            last = p;
          }
          expect(hex(h256.digest())).toBe(hex(node("sha256", m)));
          expect(hex(h512.digest())).toBe(hex(node("sha512", m)));
        }),
        { seed: 256, numRuns: 300 },
      );
    });

    it("interleaved incremental hashers do not disturb each other", () => {
      selectHashBuild(build);
      const a = createSha256();
      const b = createSha256();
      a.update(pool.subarray(0, 100));
      b.update(pool.subarray(500, 530));
      sha256(pool.subarray(0, 77)); // a one-shot in between
      a.update(pool.subarray(100, 1000));
      b.update(pool.subarray(530, 531));
      expect(hex(a.digest())).toBe(hex(node("sha256", pool.subarray(0, 1000))));
      expect(hex(b.digest())).toBe(hex(node("sha256", pool.subarray(500, 531))));
    });

    it("canonicalHash equals SHA-256 of the UTF-8 canonical form; batch equals single", () => {
      selectHashBuild(build);
      const docs: unknown[] = [{ b: "é\u{1f600}", a: [1, 2.5, null] }, "x", 0, [], { deep: { er: [true] } }];
      for (let i = 0; i < 200; i++) docs.push({ i, s: "ab".repeat(i), u: "\u20ac".repeat(i % 13) });
      const batch = canonicalHashBatch(docs);
      docs.forEach((d, i) => {
        const want = hex(node("sha256", Buffer.from(canonicalize(d), "utf8")));
        expect(hex(canonicalHash(d))).toBe(want);
        expect(hex(batch[i]!)).toBe(want);
      });
      const huge = { s: "\u20ac".repeat(500_000) };
      expect(hex(canonicalHash(huge))).toBe(hex(node("sha256", Buffer.from(canonicalize(huge), "utf8"))));
    });
  });
}

describe("SHA-2 input validation", () => {
  it("rejects wrong types and shapes with exact messages", () => {
    expect(() => sha256("abc" as unknown as Uint8Array)).toThrow(
      new TypeError("data: expected Uint8Array, got string"),
    );
    expect(() => sha256Batch([new Uint8Array(1), [1] as unknown as Uint8Array])).toThrow(
      new TypeError("messages[1]: expected Uint8Array, got array"),
    );
    expect(() => sha256Batch("x" as unknown as Uint8Array[])).toThrow(
      new TypeError("messages: expected array, got string"),
    );
    expect(() => sha256Packed(new Uint8Array(4), new Uint32Array([0, 5]))).toThrow(
      new RangeError("offsets: last entry 5 exceeds data length 4"),
    );
    expect(() => sha256Packed(new Uint8Array(4), new Uint32Array([0, 3, 2]))).toThrow(RangeError);
    expect(() => sha256Packed(new Uint8Array(4), new Uint32Array([0, 4]), new Uint8Array(31))).toThrow(
      new RangeError("out: expected Uint8Array of length >= 32, got length=31"),
    );
    const h = createSha256();
    h.digest();
    expect(() => h.update(new Uint8Array(1))).toThrow(/after digest/);
  });
});
