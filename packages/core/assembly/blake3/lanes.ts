// Many chunk or parent compressions per call. The SIMD build runs four in parallel, one per
// i32x4 lane (message words transposed in, chaining values transposed out); the scalar build
// runs them one after another. Chaining values are stored row-major, 32 bytes each.
import { compress, compress4 } from "./compress.generated";
import { CHUNK_END, CHUNK_LEN, CHUNK_START, PARENT } from "./constants";
import { CV4, MSG4, OUT4 } from "./memory";

/**
 * Loads the 64-byte blocks at p0..p3 and stores them transposed at dst: vector i holds word i
 * of the four blocks.
 */
// @ts-ignore: decorator
@inline export function loadBlocks4(p0: usize, p1: usize, p2: usize, p3: usize, dst: usize): void {
  for (let q: usize = 0; q < 64; q += 16) {
    const a = v128.load(p0 + q);
    const b = v128.load(p1 + q);
    const c = v128.load(p2 + q);
    const d = v128.load(p3 + q);
    const t0 = i32x4.shuffle(a, b, 0, 4, 1, 5);
    const t1 = i32x4.shuffle(a, b, 2, 6, 3, 7);
    const t2 = i32x4.shuffle(c, d, 0, 4, 1, 5);
    const t3 = i32x4.shuffle(c, d, 2, 6, 3, 7);
    const o = dst + (q << 2);
    v128.store(o, i64x2.shuffle(t0, t2, 0, 2));
    v128.store(o, i64x2.shuffle(t0, t2, 1, 3), 16);
    v128.store(o, i64x2.shuffle(t1, t3, 0, 2), 32);
    v128.store(o, i64x2.shuffle(t1, t3, 1, 3), 48);
  }
}

/**
 * The inverse for `words` words (a multiple of 4): vector i at src holds word i of four lanes;
 * lane l's words go to out_l.
 */
// @ts-ignore: decorator
@inline export function storeLanes4(src: usize, words: usize, o0: usize, o1: usize, o2: usize, o3: usize): void {
  for (let q: usize = 0; q < words << 2; q += 16) {
    const s = src + (q << 2);
    const a = v128.load(s);
    const b = v128.load(s, 16);
    const c = v128.load(s, 32);
    const d = v128.load(s, 48);
    const t0 = i32x4.shuffle(a, b, 0, 4, 1, 5);
    const t1 = i32x4.shuffle(a, b, 2, 6, 3, 7);
    const t2 = i32x4.shuffle(c, d, 0, 4, 1, 5);
    const t3 = i32x4.shuffle(c, d, 2, 6, 3, 7);
    v128.store(o0 + q, i64x2.shuffle(t0, t2, 0, 2));
    v128.store(o1 + q, i64x2.shuffle(t0, t2, 1, 3));
    v128.store(o2 + q, i64x2.shuffle(t1, t3, 0, 2));
    v128.store(o3 + q, i64x2.shuffle(t1, t3, 1, 3));
  }
}

/** Low words of the four counters c, c + 1, c + 2, c + 3. */
// @ts-ignore: decorator
@inline export function counters4Lo(c: u64): v128 {
  return i32x4.add(i32x4.splat(<u32>c), i32x4(0, 1, 2, 3));
}

/** Their high words: a lane whose low word wrapped below the first lane's carries one. */
// @ts-ignore: decorator
@inline export function counters4Hi(c: u64, lo: v128): v128 {
  return i32x4.sub(i32x4.splat(<u32>(c >>> 32)), i32x4.lt_u(lo, i32x4.splat(<u32>c)));
}

/** CV4 := eight splatted key words. */
// @ts-ignore: decorator
@inline export function splatKey4(key: usize): void {
  for (let i: usize = 0; i < 32; i += 4) v128.store(CV4 + (i << 2), i32x4.splat(load<u32>(key + i)));
}

/** Chaining value of one whole chunk (1024 bytes at src, chunk index `counter`). */
function chunkCv(src: usize, counter: u64, key: usize, flags: u32, out: usize): void {
  const lo = <u32>counter;
  const hi = <u32>(counter >>> 32);
  memory.copy(out, key, 32);
  compress(out, src, lo, hi, 64, flags | CHUNK_START, out, false);
  for (let b: usize = 64; b < 960; b += 64) compress(out, src + b, lo, hi, 64, flags, out, false);
  compress(out, src + 960, lo, hi, 64, flags | CHUNK_END, out, false);
}

/** Lane l (< n) hashes the chunk at src + 1024·l; other lanes repeat lane 0 and are dropped. */
function chunks4(src: usize, n: u32, counter: u64, key: usize, flags: u32, out: usize): void {
  const p1 = n > 1 ? src + CHUNK_LEN : src;
  const p2 = n > 2 ? src + 2 * CHUNK_LEN : src;
  const p3 = n > 3 ? src + 3 * CHUNK_LEN : src;
  const lo = counters4Lo(counter);
  const hi = counters4Hi(counter, lo);
  splatKey4(key);
  const len = i32x4.splat(64);
  for (let b: usize = 0; b < CHUNK_LEN; b += 64) {
    loadBlocks4(src + b, p1 + b, p2 + b, p3 + b, MSG4);
    const f = flags | (b == 0 ? CHUNK_START : 0) | (b == 960 ? CHUNK_END : 0);
    compress4(CV4, MSG4, lo, hi, len, i32x4.splat(f), CV4, false);
  }
  storeLanes4(CV4, 8, out, n > 1 ? out + 32 : OUT4, n > 2 ? out + 64 : OUT4, n > 3 ? out + 96 : OUT4);
}

/** Chaining values of `n` whole chunks at src (chunk indices counter, counter + 1, …) into out. */
export function chunksCv(src: usize, n: u32, counter: u64, key: usize, flags: u32, out: usize): void {
  if (ASC_FEATURE_SIMD) {
    let i: u32 = 0;
    for (; i + 4 <= n; i += 4)
      chunks4(src + (<usize>i << 10), 4, counter + i, key, flags, out + (<usize>i << 5));
    const rest = n - i;
    if (rest >= 2) chunks4(src + (<usize>i << 10), rest, counter + i, key, flags, out + (<usize>i << 5));
    else if (rest == 1) chunkCv(src + (<usize>i << 10), counter + i, key, flags, out + (<usize>i << 5));
  } else {
    for (let i: u32 = 0; i < n; i++)
      chunkCv(src + (<usize>i << 10), counter + i, key, flags, out + (<usize>i << 5));
  }
}

/**
 * `n` parent chaining values: parent i of the pair src[2i], src[2i+1] (64 contiguous bytes) goes
 * to out + 32·i. `out` may equal `src` (each group is read before it is written).
 */
export function parentsCv(src: usize, n: u32, key: usize, flags: u32, out: usize): void {
  const f = flags | PARENT;
  let i: u32 = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = i32x4.splat(0);
    const len = i32x4.splat(64);
    const fv = i32x4.splat(f);
    for (; i + 2 <= n; i += 4) {
      const left = n - i;
      const p = src + (<usize>i << 6);
      const o = out + (<usize>i << 5);
      loadBlocks4(p, left > 1 ? p + 64 : p, left > 2 ? p + 128 : p, left > 3 ? p + 192 : p, MSG4);
      splatKey4(key);
      compress4(CV4, MSG4, zero, zero, len, fv, CV4, false);
      storeLanes4(CV4, 8, o, left > 1 ? o + 32 : OUT4, left > 2 ? o + 64 : OUT4, left > 3 ? o + 96 : OUT4);
    }
  }
  for (; i < n; i++) compress(key, src + (<usize>i << 6), 0, 0, 64, f, out + (<usize>i << 5), false);
}
