// SHA-256 batch, four messages per pass with WebAssembly SIMD (i32x4 lanes). Lanes may have
// different lengths: each lane's state only absorbs the blocks it has (masked update), and its
// padded tail blocks come from a per-lane scratch area. Compiled only into the SIMD build.
import { INPUT, OFFSETS, OUTPUT, SCRATCH } from "./memory";
import { compress256x4 } from "./rounds4.generated";
import { IV256, padTail256, sha256BatchScalar } from "./sha256";

const WV: usize = memory.data(64 * 16, 16);
const STATE4: usize = memory.data(8 * 16, 16);

/** Byte order swap of each 32-bit lane (SHA-256 words are big-endian). */
// @ts-ignore: decorator
@inline function bswap4(v: v128): v128 {
  return i8x16.shuffle(v, v, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
}

/**
 * Message words t..t+3 of the four lanes' blocks into WV: one 16-byte load per lane, a 4 × 4
 * transpose (eight shuffles) and a byte swap per word vector — fewer instructions than
 * gathering each word with lane inserts.
 */
// @ts-ignore: decorator
@inline function words4(p0: usize, p1: usize, p2: usize, p3: usize, t: usize): void {
  const off = t << 2;
  const a = v128.load(p0 + off);
  const b = v128.load(p1 + off);
  const c = v128.load(p2 + off);
  const d = v128.load(p3 + off);
  const ab01 = i32x4.shuffle(a, b, 0, 4, 1, 5); // a0 b0 a1 b1
  const cd01 = i32x4.shuffle(c, d, 0, 4, 1, 5);
  const ab23 = i32x4.shuffle(a, b, 2, 6, 3, 7);
  const cd23 = i32x4.shuffle(c, d, 2, 6, 3, 7);
  const at = WV + (t << 4);
  v128.store(at, bswap4(i64x2.shuffle(ab01, cd01, 0, 2))); // a0 b0 c0 d0
  v128.store(at, bswap4(i64x2.shuffle(ab01, cd01, 1, 3)), 16);
  v128.store(at, bswap4(i64x2.shuffle(ab23, cd23, 0, 2)), 32);
  v128.store(at, bswap4(i64x2.shuffle(ab23, cd23, 1, 3)), 48);
}

// Per-lane bookkeeping for the current group of four.
const LANE_START: usize = memory.data(16, 16);
const LANE_FULL: usize = memory.data(16, 16);
const LANE_BLOCKS: usize = memory.data(16, 16);

// @ts-ignore: decorator
@inline function blockPtr(lane: usize, b: u32): usize {
  const full = load<u32>(LANE_FULL + (lane << 2));
  if (b < full) return INPUT + <usize>load<u32>(LANE_START + (lane << 2)) + (<usize>b << 6);
  const tb = b - full;
  // Past a lane's last block any readable block will do: its result is masked out.
  return SCRATCH + (lane << 8) + (tb < 2 ? <usize>tb << 6 : 0);
}

function hash4(first: u32): void {
  let maxBlocks: u32 = 0;
  for (let lane: usize = 0; lane < 4; lane++) {
    const i = <usize>first + lane;
    const start = load<u32>(OFFSETS + (i << 2));
    const len = load<u32>(OFFSETS + ((i + 1) << 2)) - start;
    const full = len >>> 6;
    const tail = padTail256(SCRATCH + (lane << 8), INPUT + <usize>start + (<usize>full << 6), len & 63, <u64>len);
    store<u32>(LANE_START + (lane << 2), start);
    store<u32>(LANE_FULL + (lane << 2), full);
    store<u32>(LANE_BLOCKS + (lane << 2), full + tail);
    maxBlocks = max<u32>(maxBlocks, full + tail);
  }
  const blocks = v128.load(LANE_BLOCKS);
  for (let i: usize = 0; i < 8; i++) v128.store(STATE4 + (i << 4), i32x4.splat(load<u32>(IV256 + (i << 2))));
  for (let b: u32 = 0; b < maxBlocks; b++) {
    const p0 = blockPtr(0, b);
    const p1 = blockPtr(1, b);
    const p2 = blockPtr(2, b);
    const p3 = blockPtr(3, b);
    words4(p0, p1, p2, p3, 0);
    words4(p0, p1, p2, p3, 4);
    words4(p0, p1, p2, p3, 8);
    words4(p0, p1, p2, p3, 12);
    // Lanes whose message has this block take the new state; the others keep theirs.
    compress256x4(STATE4, WV, i32x4.gt_u(blocks, i32x4.splat(b)));
  }
  const out = OUTPUT + (<usize>first << 5);
  for (let i: usize = 0; i < 8; i++) put(out, i << 2, v128.load(STATE4 + (i << 4)));
}

// @ts-ignore: decorator
@inline function put(out: usize, off: usize, v: v128): void {
  const w = bswap4(v);
  v128.store32_lane(out + off, w, 0);
  v128.store32_lane(out + 32 + off, w, 1);
  v128.store32_lane(out + 64 + off, w, 2);
  v128.store32_lane(out + 96 + off, w, 3);
}

/** SIMD batch: groups of four, the remainder scalar. */
export function sha256BatchSimd(n: u32): void {
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) hash4(i);
  sha256BatchScalar(i, n);
}
