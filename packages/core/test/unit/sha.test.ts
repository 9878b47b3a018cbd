// SHA-256/512 in WASM: FIPS 180 known answers, differential tests against node:crypto (every
// length 0..1024, block boundaries, random lengths up to and beyond the input region), batch and
// packed forms, chunking, and input validation. Everything runs on both builds (scalar, SIMD).
import { createHash, randomBytes } from "node:crypto";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { afterAll, describe, expect, it } from "vitest";
import { ChronosealError } from "../../src/errors.js";
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
import { hashWasm, selectHashBuild } from "../../src/wasm/hash.js";
import { hasSimd } from "../../src/wasm/load.js";

const node = (alg: "sha256" | "sha512", data: Uint8Array) =>
  new Uint8Array(createHash(alg).update(data).digest());
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const ascii = (s: string) => new TextEncoder().encode(s);

// A deterministic pseudo-random buffer (so failures reproduce).
const pool = new Uint8Array(1 << 21);
for (let i = 0, x = 0x12345678; i < pool.length; i++) {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  pool[i] = x & 0xff;
}

// Where padding bugs live: one or two padding blocks, a full block, and n·64 − 1.
const boundaries = [0, 1, 55, 56, 63, 64, 65, 111, 112, 119, 120, 127, 128, 129, 239, 240, 255, 256];
for (let n = 1; n <= 20; n++) boundaries.push(n * 64 - 1, n * 64, n * 64 + 1);

// FIPS 180-2 appendix examples (SHA-256: B.1–B.3, SHA-512: C.1–C.3) and the empty message.
const million = new Uint8Array(1_000_000).fill(0x61);
const fips: { name: string; msg: Uint8Array; sha256?: string; sha512?: string }[] = [
  {
    name: "empty",
    msg: new Uint8Array(0),
    sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    sha512:
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
  },
  {
    name: "abc",
    msg: ascii("abc"),
    sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    sha512:
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
  },
  {
    name: "448-bit",
    msg: ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
    sha256: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  },
  {
    name: "896-bit",
    msg: ascii(
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
    ),
    sha512:
      "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909",
  },
  {
    name: "one million 'a'",
    msg: million,
    sha256: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    sha512:
      "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b",
  },
];

afterAll(() => selectHashBuild(undefined));

it("this engine has WebAssembly SIMD, so both builds below really run", () => {
  expect(hasSimd()).toBe(true);
});

for (const build of ["scalar", "simd"] as const) {
  describe(`SHA-2 in WASM (${build} build)`, () => {
    it("uses the requested build", () => {
      selectHashBuild(build);
      expect(hashWasm().simd).toBe(build === "simd");
    });

    it("gives the FIPS 180 example digests (one-shot, batch, incremental)", () => {
      selectHashBuild(build);
      for (const v of fips) {
        if (v.sha256) {
          expect(hex(sha256(v.msg)), v.name).toBe(v.sha256);
          expect(hex(sha256Batch([v.msg, v.msg, v.msg, v.msg, v.msg])[4]!), v.name).toBe(v.sha256);
          const h = createSha256();
          for (let i = 0; i < v.msg.length; i += 1000) h.update(v.msg.subarray(i, i + 1000));
          expect(hex(h.digest()), v.name).toBe(v.sha256);
        }
        if (v.sha512) {
          expect(hex(sha512(v.msg)), v.name).toBe(v.sha512);
          expect(hex(sha512Batch([v.msg, v.msg])[1]!), v.name).toBe(v.sha512);
          const h = createSha512();
          for (let i = 0; i < v.msg.length; i += 777) h.update(v.msg.subarray(i, i + 777));
          expect(hex(h.digest()), v.name).toBe(v.sha512);
        }
      }
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
        expect(hex(sha256(m)), `sha256 len ${len}`).toBe(hex(node("sha256", m)));
        expect(hex(sha512(m)), `sha512 len ${len}`).toBe(hex(node("sha512", m)));
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

    it("batch equals node:crypto for every boundary length in every SIMD lane", () => {
      selectHashBuild(build);
      // Each group of four (one SIMD pass) mixes lanes with different block counts.
      const msgs: Uint8Array[] = [];
      for (let r = 0; r < 4; r++)
        for (let i = 0; i < boundaries.length; i++) {
          const len = boundaries[(i * 5 + r * 3) % boundaries.length]!;
          msgs.push(pool.subarray(i + r, i + r + len));
        }
      const b256 = sha256Batch(msgs);
      const b512 = sha512Batch(msgs);
      msgs.forEach((m, i) => {
        expect(hex(b256[i]!), `sha256 #${i} len ${m.length}`).toBe(hex(node("sha256", m)));
        expect(hex(b512[i]!), `sha512 #${i} len ${m.length}`).toBe(hex(node("sha512", m)));
      });
    });

    it("packed SHA-256 equals @noble/hashes and node:crypto for every length 0..300 in every lane", () => {
      selectHashBuild(build);
      // Groups of four (one SIMD pass) whose lanes take different lengths, at unaligned offsets;
      // the bytes after each message are the next message's, so a padded tail that kept any of
      // them (the tail's last word is read whole and masked) gives a wrong digest.
      const lens: number[] = [];
      for (let len = 0; len <= 300; len++) {
        const group = [len, (len * 37 + 11) % 301, 300 - len, (len + 64) % 301];
        for (let k = 0; k < 4; k++) lens.push(group[(k + len) % 4]!);
      }
      const offsets = new Uint32Array(lens.length + 1);
      let at = 3;
      lens.forEach((len, i) => {
        offsets[i] = at;
        at += len;
      });
      offsets[lens.length] = at;
      const data = pool.subarray(0, at + 7);
      const out = sha256Packed(data, offsets);
      lens.forEach((len, i) => {
        const m = data.subarray(offsets[i]!, offsets[i]! + len);
        const want = hex(nobleSha256(m));
        expect(hex(out.subarray(i * 32, i * 32 + 32)), `#${i} len ${len}`).toBe(want);
        expect(want).toBe(hex(node("sha256", m)));
      });
    });

    it("a packed message ending exactly at the end of the WASM input region", () => {
      selectHashBuild(build);
      const size = hashWasm().input.length;
      for (const last of [0, 1, 5, 7, 8, 55, 56, 63, 64, 65]) {
        const lens = [size - 3 * 217 - last, 217, 217, 217, last];
        const offsets = new Uint32Array(lens.length + 1);
        lens.forEach((len, i) => {
          offsets[i + 1] = offsets[i]! + len;
        });
        const data = pool.subarray(5, 5 + size);
        const out = sha256Packed(data, offsets);
        lens.forEach((_, i) => {
          const m = data.subarray(offsets[i]!, offsets[i + 1]!);
          expect(hex(out.subarray(i * 32, i * 32 + 32)), `last ${last}, #${i}`).toBe(hex(nobleSha256(m)));
        });
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
        expect(hex(b256[i]!)).toBe(hex(sha256(m)));
        expect(hex(b512[i]!)).toBe(hex(sha512(m)));
        expect(hex(b256[i]!)).toBe(hex(node("sha256", m)));
      });
      expect(sha256Batch([])).toEqual([]);
      expect(hex(sha256Batch([new Uint8Array(0)])[0]!)).toBe(fips[0]!.sha256);
    });

    it("batches larger than the WASM regions are chunked correctly", () => {
      selectHashBuild(build);
      const w = hashWasm();
      // more messages than the offsets table holds
      const many = Array.from({ length: w.maxBatch * 2 + 5 }, (_, i) =>
        pool.subarray(i % 100, (i % 100) + (i % 97)),
      );
      // more bytes than the input region holds, and single messages bigger than it
      const big = [
        pool.subarray(0, 400_000),
        pool.subarray(1, 700_000),
        pool.subarray(0, 1_200_000),
        new Uint8Array(0),
        pool.subarray(5, 5 + (1 << 20)),
        pool.subarray(9, 99),
      ];
      for (const msgs of [many, big]) {
        const got256 = sha256Batch(msgs);
        const got512 = sha512Batch(msgs);
        expect(got256.length).toBe(msgs.length);
        msgs.forEach((m, i) => {
          expect(hex(got256[i]!)).toBe(hex(node("sha256", m)));
          expect(hex(got512[i]!)).toBe(hex(node("sha512", m)));
        });
      }
    });

    it("the packed API equals the batch API, with and without a caller's buffer", () => {
      selectHashBuild(build);
      const lens = Array.from({ length: 3000 }, (_, i) => (i * 37) % 300);
      const offsets = new Uint32Array(lens.length + 1);
      for (let i = 0; i < lens.length; i++) offsets[i + 1] = offsets[i]! + lens[i]!;
      const data = pool.subarray(0, offsets[lens.length]);
      const msgs = lens.map((_, i) => data.subarray(offsets[i]!, offsets[i + 1]!));
      const p256 = sha256Packed(data, offsets);
      const p512 = sha512Packed(data, offsets);
      expect(p256.length).toBe(3000 * 32);
      expect(p512.length).toBe(3000 * 64);
      const b256 = sha256Batch(msgs);
      const b512 = sha512Batch(msgs);
      msgs.forEach((_, i) => {
        expect(hex(p256.subarray(i * 32, i * 32 + 32))).toBe(hex(b256[i]!));
        expect(hex(p512.subarray(i * 64, i * 64 + 64))).toBe(hex(b512[i]!));
      });
      const out = new Uint8Array(3000 * 32 + 5).fill(0xee);
      expect(sha256Packed(data, offsets, out)).toBe(out);
      expect(hex(out.subarray(0, 3000 * 32))).toBe(hex(p256));
      expect(out[3000 * 32]).toBe(0xee);
      // offsets need not start at 0
      const tail = sha256Packed(data, offsets.subarray(1000));
      expect(hex(tail)).toBe(hex(p256.subarray(1000 * 32)));
      expect(sha256Packed(data, new Uint32Array([7]))).toEqual(new Uint8Array(0));
    });

    it("packed batches bigger than the input region, with a message bigger than it", () => {
      selectHashBuild(build);
      const big = pool.subarray(0, 1_300_000);
      const o = new Uint32Array([0, 10, 1_200_010, 1_200_010, 1_300_000]);
      const got = sha256Packed(big, o);
      const got512 = sha512Packed(big, o);
      for (let i = 0; i < 4; i++) {
        const m = big.subarray(o[i]!, o[i + 1]!);
        expect(hex(got.subarray(i * 32, i * 32 + 32)), `#${i}`).toBe(hex(node("sha256", m)));
        expect(hex(got512.subarray(i * 64, i * 64 + 64)), `#${i}`).toBe(hex(node("sha512", m)));
      }
      // 2 MB of 1000-byte messages: the input region holds 1048 of them per call
      const n = 2090;
      const offs = new Uint32Array(n + 1).map((_, i) => i * 1000);
      const many = sha256Packed(pool, offs);
      for (const i of [0, 1047, 1048, 1049, n - 1]) {
        expect(hex(many.subarray(i * 32, i * 32 + 32)), `#${i}`).toBe(
          hex(node("sha256", pool.subarray(i * 1000, i * 1000 + 1000))),
        );
      }
    });

    it("interleaved incremental hashers do not disturb each other", () => {
      selectHashBuild(build);
      const a = createSha256();
      const b = createSha256();
      const c = createSha512();
      a.update(pool.subarray(0, 100));
      b.update(pool.subarray(500, 530));
      c.update(pool.subarray(0, 200));
      sha256(pool.subarray(0, 77)); // a one-shot in between
      sha512(pool.subarray(0, 2_000_000)); // and one streamed through the incremental context
      a.update(pool.subarray(100, 1000));
      b.update(pool.subarray(530, 531));
      c.update(pool.subarray(200, 201));
      expect(hex(a.digest())).toBe(hex(node("sha256", pool.subarray(0, 1000))));
      expect(hex(b.digest())).toBe(hex(node("sha256", pool.subarray(500, 531))));
      expect(hex(c.digest())).toBe(hex(node("sha512", pool.subarray(0, 201))));
      expect(hex(createSha256().digest())).toBe(fips[0]!.sha256);
      expect(hex(createSha512().update(new Uint8Array(0)).digest())).toBe(fips[0]!.sha512);
    });
  });
}

describe("SHA-2 re-entrancy", () => {
  it("an index getter that hashes cannot corrupt a batch", () => {
    const msgs = [pool.subarray(0, 100), pool.subarray(100, 200), pool.subarray(200, 300)];
    const tricky: Uint8Array[] = [msgs[0]!, msgs[1]!, msgs[2]!];
    let calls = 0;
    Object.defineProperty(tricky, 1, {
      get() {
        calls++;
        sha256(pool.subarray(5000, 9000)); // writes the input region and offsets table
        return msgs[1];
      },
    });
    const got = sha256Batch(tricky);
    expect(calls).toBe(1);
    got.forEach((d, i) => {
      expect(hex(d)).toBe(hex(node("sha256", msgs[i]!)));
    });
  });

  it("batch digests stay as returned: later calls, and writes into one digest, change no other", () => {
    const msgs = Array.from({ length: 300 }, (_, i) => pool.subarray(i, i + 100));
    const want = msgs.map((m) => hex(node("sha256", m)));
    const first = sha256Batch(msgs);
    sha256Batch(msgs.map((m) => m.subarray(1)));
    sha512Batch(msgs);
    sha256(pool.subarray(0, 5000));
    expect(first.map((d) => d.length)).toEqual(msgs.map(() => 32));
    expect(first.map(hex)).toEqual(want);
    first[7]!.fill(0);
    expect(first.filter((_, i) => i !== 7).map(hex)).toEqual(want.filter((_, i) => i !== 7));
  });

  it("a Proxy is not accepted as the offsets table", () => {
    const offsets = new Proxy(new Uint32Array([0, 4]), {});
    expect(() => sha256Packed(new Uint8Array(4), offsets)).toThrow(
      new TypeError("offsets: expected Uint32Array, got a Proxy or other non-view object"),
    );
  });
});

describe("SHA-2 input validation", () => {
  it("rejects wrong types with TypeError and exact messages", () => {
    expect(() => sha256("abc" as unknown as Uint8Array)).toThrow(
      new TypeError("data: expected Uint8Array, got string"),
    );
    expect(() => sha512(null as unknown as Uint8Array)).toThrow(
      new TypeError("data: expected Uint8Array, got null"),
    );
    expect(() => sha256Batch([new Uint8Array(1), [1] as unknown as Uint8Array])).toThrow(
      new TypeError("messages[1]: expected Uint8Array, got array"),
    );
    expect(() => sha512Batch("x" as unknown as Uint8Array[])).toThrow(
      new TypeError("messages: expected array, got string"),
    );
    expect(() => sha256Packed(new Uint8Array(4), [0, 4] as unknown as Uint32Array)).toThrow(
      new TypeError("offsets: expected Uint32Array, got array"),
    );
    expect(() => sha512Packed(new Uint8Array(4), new Int32Array([0, 4]) as unknown as Uint32Array)).toThrow(
      new TypeError("offsets: expected Uint32Array, got Int32Array"),
    );
    expect(() => sha256Packed(new Uint8Array(4), new Uint32Array([0, 4]), {} as Uint8Array)).toThrow(
      new TypeError("out: expected Uint8Array, got Object"),
    );
    expect(() => createSha256().update(new Uint16Array(2) as unknown as Uint8Array)).toThrow(
      new TypeError("data: expected Uint8Array, got Uint16Array"),
    );
  });

  it("rejects bad offsets and short output buffers with RangeError", () => {
    expect(() => sha256Packed(new Uint8Array(4), new Uint32Array([0, 5]))).toThrow(
      new RangeError("offsets: last entry 5 exceeds data length 4"),
    );
    expect(() => sha256Packed(new Uint8Array(4), new Uint32Array([0, 3, 2]))).toThrow(
      new RangeError("offsets: entry 2 (2) is below entry 1 (3)"),
    );
    expect(() => sha256Packed(new Uint8Array(4), new Uint32Array(0))).toThrow(
      new RangeError("offsets: expected at least 1 entry, got 0"),
    );
    expect(() => sha256Packed(new Uint8Array(4), new Uint32Array([0, 4]), new Uint8Array(31))).toThrow(
      new RangeError("out: expected Uint8Array of length >= 32, got length=31"),
    );
    expect(() => sha512Packed(new Uint8Array(4), new Uint32Array([0, 4]), new Uint8Array(32))).toThrow(
      new RangeError("out: expected Uint8Array of length >= 64, got length=32"),
    );
  });

  it("a hasher is single-use", () => {
    const h = createSha256();
    h.digest();
    expect(() => h.update(new Uint8Array(1))).toThrow(ChronosealError);
    expect(() => h.update(new Uint8Array(1))).toThrow("hasher: update() called after digest()");
    try {
      h.digest();
      expect.unreachable();
    } catch (e) {
      expect((e as ChronosealError).code).toBe("ERR_HASH_FINISHED");
    }
  });
});
