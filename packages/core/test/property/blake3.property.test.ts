// Differential tests of BLAKE3 in WASM against @noble/hashes on both builds: one-shot at the
// block (64) and chunk (1024) boundaries up to 1 MiB, incremental with random split points,
// random batches (batch, packed and one-shot must agree), and extended output at random
// lengths and offsets; plain, keyed and derive-key modes. Seeds are pinned.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  type Blake3Options,
  blake3,
  blake3Batch,
  blake3Packed,
  createBlake3,
} from "../../src/hash/blake3.js";
import { selectBlake3Build } from "../../src/wasm/blake3.js";
import { feed, hex, noble, pool } from "../blake3-helpers.js";

const bytes = pool((1 << 20) + 4096, 0x5eed);

// Where tree bugs live: block and chunk edges, subtree sizes (2^k chunks) and one byte either side.
const boundaries = [
  0,
  1,
  63,
  64,
  65,
  127,
  128,
  129,
  1023,
  1024,
  1025,
  1088,
  2047,
  2048,
  2049,
  3071,
  3072,
  3073,
  4095,
  4096,
  4097,
  5120,
  7167,
  7168,
  8191,
  8192,
  8193,
  16383,
  16384,
  16385,
  31 * 1024,
  31 * 1024 + 1,
  31 * 1024 + 333,
  32767,
  32768,
  32769,
  65536,
  65537,
];
const big = [(1 << 20) - 1, 1 << 20, (1 << 20) + 1];

const length = fc.oneof(
  fc.constantFrom(...boundaries),
  fc.integer({ min: 0, max: 2100 }),
  fc.integer({ min: 0, max: 40_000 }),
);
const noLoneSurrogate = (s: string) => !/[\ud800-\udfff]/u.test(s);
const mode: fc.Arbitrary<Blake3Options> = fc.oneof(
  fc.constant({}),
  fc.record({ key: fc.uint8Array({ minLength: 32, maxLength: 32 }) }),
  fc.record({ context: fc.string({ unit: "binary", maxLength: 40 }).filter(noLoneSurrogate) }),
);

afterAll(() => selectBlake3Build(undefined));

for (const build of ["scalar", "simd"] as const) {
  describe(`BLAKE3 against @noble/hashes (${build} build)`, () => {
    it("one-shot equals noble at every boundary length and around 1 MiB, in all three modes", () => {
      selectBlake3Build(build);
      const key = bytes.subarray(7, 39);
      const modes: Blake3Options[] = [{}, { key }, { context: "chronoseal 2025-06-01 boundary test" }];
      for (const len of [...boundaries, ...big]) {
        const m = bytes.subarray(3, 3 + len);
        for (const o of modes) {
          const what = `len ${len} ${Object.keys(o).join("") || "hash"}`;
          expect(hex(blake3(m, o)), what).toBe(hex(noble(m, o)));
          if (len < 100_000)
            expect(hex(blake3(m, { ...o, dkLen: 200 })), what).toBe(hex(noble(m, { ...o, dkLen: 200 })));
        }
      }
    });

    it("one-shot equals noble for random lengths, start positions, modes and output lengths", () => {
      selectBlake3Build(build);
      fc.assert(
        fc.property(length, fc.nat(4096), mode, fc.integer({ min: 0, max: 300 }), (len, start, o, dkLen) => {
          const m = bytes.subarray(start, start + len);
          expect(hex(blake3(m, { ...o, dkLen }))).toBe(hex(noble(m, { ...o, dkLen })));
        }),
        { seed: 0xb1ae3, numRuns: 200 },
      );
    });

    it("incremental with random split points equals noble", () => {
      selectBlake3Build(build);
      fc.assert(
        fc.property(
          length,
          fc.array(fc.nat(), { maxLength: 10 }),
          fc.nat(4096),
          mode,
          (len, cuts, start, o) => {
            const m = bytes.subarray(start, start + len);
            const points = [...new Set(cuts.map((c) => c % (len + 1)))].sort((a, b) => a - b);
            const h = createBlake3(o);
            feed((d) => h.update(d), m, points);
            expect(hex(h.digest(96))).toBe(hex(noble(m, { ...o, dkLen: 96 })));
          },
        ),
        { seed: 0x1c4e, numRuns: 200 },
      );
    });

    it("an update that starts mid-chunk and ends past many subtrees equals noble", () => {
      selectBlake3Build(build);
      // The first piece leaves the chunk counter at every alignment, so the following long
      // piece is split into subtrees of every size.
      for (const first of [1, 1023, 1024, 1025, 2048, 3072, 5000, 7 * 1024, 13 * 1024 + 5]) {
        const m = bytes.subarray(0, first + 300_000);
        const h = createBlake3();
        h.update(m.subarray(0, first)).update(m.subarray(first));
        expect(hex(h.digest()), `first piece ${first}`).toBe(hex(noble(m)));
      }
    });

    it("batch, packed and one-shot agree with noble on random batches", () => {
      selectBlake3Build(build);
      const msgLen = fc.oneof(
        fc.constantFrom(0, 1, 63, 64, 65, 100, 1023, 1024, 1025, 2049),
        fc.integer({ min: 0, max: 1024 }),
        fc.integer({ min: 0, max: 9000 }),
      );
      fc.assert(
        fc.property(fc.array(fc.tuple(msgLen, fc.nat(4096)), { maxLength: 30 }), mode, (specs, o) => {
          const msgs = specs.map(([len, start]) => bytes.subarray(start, start + len));
          const offsets = new Uint32Array(msgs.length + 1);
          msgs.forEach((m, i) => {
            offsets[i + 1] = offsets[i]! + m.length;
          });
          const data = new Uint8Array(offsets[msgs.length]!);
          msgs.forEach((m, i) => {
            data.set(m, offsets[i]!);
          });
          const batch = blake3Batch(msgs, o);
          const packed = blake3Packed(data, offsets, undefined, o);
          expect(batch.length).toBe(msgs.length);
          expect(packed.length).toBe(msgs.length * 32);
          msgs.forEach((m, i) => {
            const want = hex(noble(m, o));
            expect(hex(batch[i]!), `#${i} len ${m.length}`).toBe(want);
            expect(hex(packed.subarray(i * 32, i * 32 + 32)), `#${i} len ${m.length}`).toBe(want);
            expect(hex(blake3(m, o)), `#${i} len ${m.length}`).toBe(want);
          });
        }),
        { seed: 0xba7c4, numRuns: 150 },
      );
    });

    it("extended output at any length and offset is the matching slice of noble's stream", () => {
      selectBlake3Build(build);
      fc.assert(
        fc.property(
          fc.oneof(fc.constantFrom(0, 64, 1024, 1025), fc.integer({ min: 0, max: 3000 })),
          mode,
          fc.integer({ min: 0, max: 700 }),
          fc.integer({ min: 0, max: 400 }),
          (len, o, dkLen, offset) => {
            const m = bytes.subarray(11, 11 + len);
            const stream = noble(m, { ...o, dkLen: offset + dkLen });
            expect(hex(blake3(m, { ...o, dkLen, offset }))).toBe(hex(stream.subarray(offset)));
          },
        ),
        { seed: 0x0f5e7, numRuns: 200 },
      );
    });
  });
}
