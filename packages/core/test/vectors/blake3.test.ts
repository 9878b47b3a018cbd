// The official BLAKE3 test vectors (BLAKE3-team/BLAKE3 test_vectors.json): every case in every
// mode (hash, keyed_hash, derive_key), the full 131-byte extended outputs and their 32-byte
// prefixes, through one-shot, incremental (random split points and byte by byte), batch and
// packed APIs, on the scalar and the SIMD build.
import { afterAll, describe, expect, it } from "vitest";
import { blake3, blake3Batch, blake3DeriveKey, blake3Packed, createBlake3 } from "../../src/hash/blake3.js";
import { blake3Wasm, selectBlake3Build } from "../../src/wasm/blake3.js";
import { feed, hex, pattern, splitPoints, utf8, xorshift } from "../blake3-helpers.js";
import { describeVectors, readVectorJson, vectorsDir } from "../vectors.js";

interface Vectors {
  key: string;
  context_string: string;
  cases: { input_len: number; hash: string; keyed_hash: string; derive_key: string }[];
}

type ModeName = "hash" | "keyed_hash" | "derive_key";
const modes: ModeName[] = ["hash", "keyed_hash", "derive_key"];

afterAll(() => selectBlake3Build(undefined));

describeVectors("BLAKE3 official test vectors", () => {
  const v = vectorsDir
    ? readVectorJson<Vectors>("blake3", "test_vectors.json")
    : { key: "", context_string: "", cases: [] };
  const key = utf8(v.key);
  const options = (mode: ModeName) =>
    mode === "keyed_hash" ? { key } : mode === "derive_key" ? { context: v.context_string } : {};
  const inputs = v.cases.map((c) => pattern(c.input_len));

  it("has the 35 published cases, 131-byte outputs and a 32-byte key", () => {
    expect(v.cases.length).toBe(35);
    expect(key.length).toBe(32);
    for (const c of v.cases) for (const m of modes) expect(c[m].length).toBe(262);
  });

  for (const build of ["scalar", "simd"] as const) {
    describe(`${build} build`, () => {
      it("runs the requested build", () => {
        selectBlake3Build(build);
        expect(blake3Wasm().simd).toBe(build === "simd");
      });

      for (const mode of modes) {
        it(`${mode}: one-shot, 131-byte and 32-byte outputs, and reads from inside the stream`, () => {
          selectBlake3Build(build);
          v.cases.forEach((c, i) => {
            const want = c[mode];
            const what = `${mode} len ${c.input_len}`;
            expect(hex(blake3(inputs[i]!, { ...options(mode), dkLen: 131 })), what).toBe(want);
            expect(hex(blake3(inputs[i]!, options(mode))), what).toBe(want.slice(0, 64));
            for (const offset of [1, 31, 32, 63, 64, 65, 100, 130]) {
              const got = blake3(inputs[i]!, { ...options(mode), dkLen: 131 - offset, offset });
              expect(hex(got), `${what} offset ${offset}`).toBe(want.slice(offset * 2));
            }
            if (mode === "derive_key") {
              expect(hex(blake3DeriveKey(v.context_string, inputs[i]!, 131)), what).toBe(want);
              expect(hex(blake3DeriveKey(v.context_string, inputs[i]!)), what).toBe(want.slice(0, 64));
            }
          });
        });

        it(`${mode}: incremental with random split points and byte by byte`, () => {
          selectBlake3Build(build);
          const next = xorshift(0xb1a4e3 + mode.length);
          v.cases.forEach((c, i) => {
            const input = inputs[i]!;
            const what = `${mode} len ${c.input_len}`;
            for (let round = 0; round < 4; round++) {
              const points = splitPoints(input.length, 1 + (next() % 12), next);
              const h = createBlake3(options(mode));
              feed((d) => h.update(d), input, points);
              expect(hex(h.digest(131)), `${what} cut at ${points}`).toBe(c[mode]);
              const h32 = createBlake3(options(mode));
              feed((d) => h32.update(d), input, points);
              expect(hex(h32.digest()), `${what} cut at ${points}`).toBe(c[mode].slice(0, 64));
            }
            if (input.length <= 8193) {
              const h = createBlake3(options(mode));
              for (let k = 0; k < input.length; k++) h.update(input.subarray(k, k + 1));
              expect(hex(h.digest(131)), `${what} byte by byte`).toBe(c[mode]);
            }
          });
        });

        it(`${mode}: every case in one batch and one packed call, in SIMD lane order and reversed`, () => {
          selectBlake3Build(build);
          const check = (order: number[]) => {
            const msgs = order.map((i) => inputs[i]!);
            const batch = blake3Batch(msgs, options(mode));
            const offsets = new Uint32Array(msgs.length + 1);
            msgs.forEach((m, k) => {
              offsets[k + 1] = offsets[k]! + m.length;
            });
            const data = new Uint8Array(offsets[msgs.length]!);
            msgs.forEach((m, k) => {
              data.set(m, offsets[k]!);
            });
            const packed = blake3Packed(data, offsets, undefined, options(mode));
            order.forEach((i, k) => {
              const want = v.cases[i]![mode].slice(0, 64);
              expect(hex(batch[k]!), `${mode} len ${v.cases[i]!.input_len}`).toBe(want);
              expect(hex(packed.subarray(k * 32, k * 32 + 32)), `${mode} len ${v.cases[i]!.input_len}`).toBe(
                want,
              );
            });
          };
          const order = v.cases.map((_, i) => i);
          check(order);
          check([...order].reverse());
          // Each case alone, and each case as every lane of a group of four.
          for (const i of order) {
            check([i]);
            check([i, i, i, i, i]);
          }
        });
      }
    });
  }
});
