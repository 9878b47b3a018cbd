// Property tests for SHA-256/512 in WASM, differential against node:crypto on both builds:
// incremental hashing with random split points, and random batches (batch, packed and one-shot
// must agree). Seeds are pinned so a failure reproduces.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  createSha256,
  createSha512,
  sha256,
  sha256Batch,
  sha256Packed,
  sha512Batch,
  sha512Packed,
} from "../../src/hash/sha.js";
import { selectHashBuild } from "../../src/wasm/hash.js";

const node = (alg: "sha256" | "sha512", data: Uint8Array) =>
  Buffer.from(createHash(alg).update(data).digest()).toString("hex");
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

const pool = new Uint8Array(1 << 16);
for (let i = 0, x = 0x9e3779b9; i < pool.length; i++) {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  pool[i] = x & 0xff;
}

// Message lengths biased towards the padding boundaries of both block sizes.
const length = fc.oneof(
  fc.constantFrom(0, 55, 56, 63, 64, 111, 112, 127, 128, 191, 255, 256),
  fc.integer({ min: 0, max: 300 }),
  fc.integer({ min: 0, max: 5000 }),
);

afterAll(() => selectHashBuild(undefined));

for (const build of ["scalar", "simd"] as const) {
  describe(`SHA-2 properties (${build} build)`, () => {
    it("incremental equals one-shot for random split points", () => {
      selectHashBuild(build);
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 5000 }),
          fc.array(fc.nat(), { maxLength: 8 }),
          fc.nat(1000),
          (len, cuts, start) => {
            const m = pool.subarray(start, start + len);
            const points = [...new Set(cuts.map((c) => c % (len + 1)))].sort((a, b) => a - b);
            const h256 = createSha256();
            const h512 = createSha512();
            let last = 0;
            for (const p of [...points, len]) {
              h256.update(m.subarray(last, p));
              h512.update(m.subarray(last, p));
              last = p;
            }
            expect(hex(h256.digest())).toBe(node("sha256", m));
            expect(hex(h512.digest())).toBe(node("sha512", m));
          },
        ),
        { seed: 256, numRuns: 300 },
      );
    });

    it("batch, packed and one-shot agree with node:crypto on random batches", () => {
      selectHashBuild(build);
      fc.assert(
        fc.property(fc.array(fc.tuple(length, fc.nat(4000)), { maxLength: 40 }), (specs) => {
          const msgs = specs.map(([len, start]) => pool.subarray(start, start + len));
          const offsets = new Uint32Array(msgs.length + 1);
          msgs.forEach((m, i) => {
            offsets[i + 1] = offsets[i]! + m.length;
          });
          const data = new Uint8Array(offsets[msgs.length]!);
          msgs.forEach((m, i) => {
            data.set(m, offsets[i]!);
          });
          const b256 = sha256Batch(msgs);
          const b512 = sha512Batch(msgs);
          const p256 = sha256Packed(data, offsets);
          const p512 = sha512Packed(data, offsets);
          msgs.forEach((m, i) => {
            const want256 = node("sha256", m);
            const want512 = node("sha512", m);
            expect(hex(b256[i]!)).toBe(want256);
            expect(hex(p256.subarray(i * 32, i * 32 + 32))).toBe(want256);
            expect(hex(sha256(m))).toBe(want256);
            expect(hex(b512[i]!)).toBe(want512);
            expect(hex(p512.subarray(i * 64, i * 64 + 64))).toBe(want512);
          });
        }),
        { seed: 4242, numRuns: 150 },
      );
    });
  });
}
