// BLAKE3 in WASM on both builds: known answers, messages and outputs larger than the module's
// regions, batches split over several calls, extended output across the 2^32 block counter
// (against a plain-JS reference of the compression), interleaved and single-use hashers,
// domain separation between the modes, init(), and the generated compression being current.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { _BLAKE3 } from "@noble/hashes/blake3.js";
import { afterAll, describe, expect, it } from "vitest";
import { ChronosealError } from "../../src/errors.js";
import { blake3, blake3Batch, blake3DeriveKey, blake3Packed, createBlake3 } from "../../src/hash/blake3.js";
import { init, initSync } from "../../src/init.js";
import { blake3Wasm, initBlake3, selectBlake3Build } from "../../src/wasm/blake3.js";
import { hasSimd } from "../../src/wasm/load.js";
import { hex, noble, pool, referenceOutputBlock, utf8 } from "../blake3-helpers.js";

const bytes = pool(5 * (1 << 20), 0xb3);

afterAll(() => selectBlake3Build(undefined));

it("this engine has WebAssembly SIMD, so both builds below really run", () => {
  expect(hasSimd()).toBe(true);
});

it("assembly/blake3/compress.generated.ts is what scripts/gen-blake3.mjs writes", () => {
  const script = fileURLToPath(new URL("../../scripts/gen-blake3.mjs", import.meta.url));
  // Throws (exit status 1) when the committed file differs.
  expect(execFileSync(process.execPath, [script, "--check"], { encoding: "utf8" })).toContain(
    "is up to date",
  );
});

it("init() and initSync() instantiate the module, the automatic choice being the SIMD build", async () => {
  selectBlake3Build(undefined);
  await initBlake3();
  expect(blake3Wasm().simd).toBe(true);
  selectBlake3Build(undefined);
  initSync();
  expect(blake3Wasm().simd).toBe(true);
  selectBlake3Build(undefined);
  await init();
  expect(hex(blake3(new Uint8Array(0)))).toBe(
    "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
  );
});

for (const build of ["scalar", "simd"] as const) {
  describe(`BLAKE3 (${build} build)`, () => {
    it("uses the requested build", () => {
      selectBlake3Build(build);
      expect(blake3Wasm().simd).toBe(build === "simd");
    });

    it("gives the published digests of the empty string and 'abc'", () => {
      selectBlake3Build(build);
      expect(hex(blake3(new Uint8Array(0)))).toBe(
        "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
      );
      expect(hex(blake3(utf8("abc")))).toBe(
        "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85",
      );
      expect(hex(blake3Batch([utf8("abc")])[0]!)).toBe(
        "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85",
      );
    });

    it("hashes messages larger than the 1 MiB input region in every API and mode", () => {
      selectBlake3Build(build);
      const key = bytes.subarray(0, 32);
      for (const len of [(1 << 20) + 1, (1 << 20) + 1025, 2 * (1 << 20), 3 * (1 << 20) + 12_345]) {
        const m = bytes.subarray(1, 1 + len);
        for (const o of [{}, { key }, { context: "chronoseal large" }]) {
          const want = hex(noble(m, o));
          const what = `len ${len} ${Object.keys(o).join("") || "hash"}`;
          expect(hex(blake3(m, o)), what).toBe(want);
          const h = createBlake3(o);
          h.update(m.subarray(0, 777))
            .update(m.subarray(777, 777 + (1 << 20) + 5))
            .update(m.subarray(777 + (1 << 20) + 5));
          expect(hex(h.digest()), what).toBe(want);
          const small = bytes.subarray(9, 109);
          const batch = blake3Batch([small, m, small], o);
          expect(hex(batch[1]!), what).toBe(want);
          expect(hex(batch[0]!), what).toBe(hex(noble(small, o)));
          const data = new Uint8Array(len + 200);
          data.set(small);
          data.set(m, 100);
          data.set(small, 100 + len);
          const packed = blake3Packed(data, new Uint32Array([0, 100, 100 + len, 200 + len]), undefined, o);
          expect(hex(packed.subarray(32, 64)), what).toBe(want);
          expect(hex(packed.subarray(64, 96)), what).toBe(hex(noble(small, o)));
        }
      }
    });

    it("splits batches over several calls: more than 16,384 messages, more than 1 MiB in total", () => {
      selectBlake3Build(build);
      const many = Array.from({ length: 20_000 }, (_, i) => bytes.subarray(i, i + (i % 7) * 11));
      const got = blake3Batch(many);
      for (const i of [0, 1, 16_383, 16_384, 16_385, 19_999]) expect(hex(got[i]!)).toBe(hex(noble(many[i]!)));
      const heavy = Array.from({ length: 300 }, (_, i) => bytes.subarray(i * 3, i * 3 + 5000 + i));
      const offsets = new Uint32Array(heavy.length + 1);
      heavy.forEach((m, i) => {
        offsets[i + 1] = offsets[i]! + m.length;
      });
      const data = new Uint8Array(offsets[heavy.length]!);
      heavy.forEach((m, i) => {
        data.set(m, offsets[i]!);
      });
      const viaBatch = blake3Batch(heavy);
      const out = new Uint8Array(heavy.length * 32 + 5).fill(0xee);
      expect(blake3Packed(data, offsets, out)).toBe(out);
      heavy.forEach((m, i) => {
        const want = hex(noble(m));
        expect(hex(viaBatch[i]!), `#${i}`).toBe(want);
        expect(hex(out.subarray(i * 32, i * 32 + 32)), `#${i}`).toBe(want);
      });
      expect([...out.subarray(heavy.length * 32)]).toEqual([0xee, 0xee, 0xee, 0xee, 0xee]);
      expect(blake3Batch([])).toEqual([]);
      expect(blake3Packed(new Uint8Array(0), new Uint32Array([0])).length).toBe(0);
    });

    it("gives every lane of a SIMD group its own length (masked lanes, long messages in between)", () => {
      selectBlake3Build(build);
      const lens = [0, 1, 64, 65, 1024, 100, 1025, 63, 128, 5000, 129, 1023, 2, 0, 640, 999, 3, 4];
      for (let rot = 0; rot < lens.length; rot++) {
        const msgs = lens.map((_, i) => {
          const len = lens[(i + rot) % lens.length]!;
          return bytes.subarray(i * 13, i * 13 + len);
        });
        const got = blake3Batch(msgs, { key: bytes.subarray(100, 132) });
        msgs.forEach((m, i) => {
          expect(hex(got[i]!), `rot ${rot} #${i} len ${m.length}`).toBe(
            hex(noble(m, { key: bytes.subarray(100, 132) })),
          );
        });
      }
    });

    it("reads extended output beyond the 512 KiB output region, from any offset", () => {
      selectBlake3Build(build);
      const m = bytes.subarray(0, 3000);
      const stream = noble(m, { dkLen: 600_000 + 100 });
      expect(hex(blake3(m, { dkLen: 600_000 }))).toBe(hex(stream.subarray(0, 600_000)));
      expect(hex(blake3(m, { dkLen: 600_000, offset: 100 }))).toBe(hex(stream.subarray(100)));
      const h = createBlake3();
      h.update(m);
      expect(hex(h.digest(600_100))).toBe(hex(stream));
      expect(blake3(m, { dkLen: 0 }).length).toBe(0);
      expect(blake3(m, { dkLen: 0, offset: 1 << 40 }).length).toBe(0);
    });

    it("counts output blocks past 2^32 (checked against a plain-JS reference compression)", () => {
      selectBlake3Build(build);
      for (const len of [0, 3, 64]) {
        const m = bytes.subarray(5, 5 + len);
        for (const first of [0n, 1n, 2n ** 32n - 3n, 2n ** 32n - 1n, 2n ** 33n + 7n, 2n ** 46n]) {
          const blocks = 6;
          const want = new Uint8Array(64 * blocks);
          for (let b = 0; b < blocks; b++) want.set(referenceOutputBlock(m, first + BigInt(b)), 64 * b);
          const offset = Number(first) * 64;
          expect(hex(blake3(m, { dkLen: 64 * blocks, offset })), `len ${len} block ${first}`).toBe(hex(want));
          expect(hex(blake3(m, { dkLen: 70, offset: offset + 17 })), `len ${len} block ${first}`).toBe(
            hex(want.subarray(17, 87)),
          );
        }
      }
    });

    it("keeps each hasher's state in JS: interleaved hashers and one-shot calls do not disturb it", () => {
      selectBlake3Build(build);
      const a = bytes.subarray(0, 70_000);
      const b = bytes.subarray(1000, 1000 + 5000);
      const key = bytes.subarray(50, 82);
      const ha = createBlake3();
      const hb = createBlake3({ key });
      const hc = createBlake3({ context: "interleaved" });
      for (let off = 0; off < a.length; off += 3333) {
        ha.update(a.subarray(off, off + 3333));
        blake3(bytes.subarray(0, 40_000), { key });
        blake3Batch([b, a]);
        if (off < b.length) hb.update(b.subarray(off, off + 3333));
        hc.update(a.subarray(off, off + 3333));
      }
      expect(hex(ha.digest())).toBe(hex(noble(a)));
      expect(hex(hb.digest(50))).toBe(hex(noble(b, { key, dkLen: 50 })));
      expect(hex(hc.digest())).toBe(hex(noble(a, { context: "interleaved" })));
    });

    it("a hasher is single-use and copies its key", () => {
      selectBlake3Build(build);
      const key = bytes.slice(0, 32);
      const h = createBlake3({ key });
      key.fill(0);
      h.update(utf8("message"));
      expect(hex(h.digest())).toBe(hex(noble(utf8("message"), { key: bytes.subarray(0, 32) })));
      const again = (fn: () => unknown) => {
        try {
          fn();
        } catch (e) {
          return e;
        }
        return undefined;
      };
      const e1 = again(() => h.update(new Uint8Array(1)));
      expect(e1).toBeInstanceOf(ChronosealError);
      expect((e1 as ChronosealError).code).toBe("ERR_HASH_FINISHED");
      expect((e1 as Error).message).toBe("blake3 hasher: update() called after digest()");
      const e2 = again(() => h.digest());
      expect((e2 as ChronosealError).code).toBe("ERR_HASH_FINISHED");
      expect((e2 as Error).message).toBe("blake3 hasher: digest() called after digest()");
      expect(hex(createBlake3().digest())).toBe(hex(noble(new Uint8Array(0))));
      expect(hex(createBlake3().update(new Uint8Array(0)).digest(7))).toBe(
        hex(noble(new Uint8Array(0), { dkLen: 7 })),
      );
    });

    it("separates the modes: a key, a context and plain hashing never give the same output", () => {
      selectBlake3Build(build);
      const m = bytes.subarray(0, 100);
      // The IV as a key, and the context's own derived key used as a MAC key.
      const ivKey = new Uint8Array(
        new Uint32Array([
          0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
        ]).buffer,
      );
      // The context key of "ctx" (noble's class takes the DERIVE_KEY_CONTEXT flag, 32, directly).
      const contextKey = new _BLAKE3({}, 32).update(utf8("ctx")).digest();
      const outs = new Set([
        hex(blake3(m)),
        hex(blake3(m, { key: ivKey })),
        hex(blake3(m, { context: "" })),
        hex(blake3(m, { context: "ctx" })),
        hex(blake3(m, { key: contextKey })),
      ]);
      expect(outs.size).toBe(5);
      expect(hex(blake3DeriveKey("ctx", m))).toBe(hex(blake3(m, { context: "ctx" })));
      expect(hex(blake3DeriveKey("héllo wörld 🙂", m, 64))).toBe(
        hex(noble(m, { context: "héllo wörld 🙂", dkLen: 64 })),
      );
    });
  });
}
