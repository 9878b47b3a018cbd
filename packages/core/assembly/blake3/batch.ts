// Batches: message i is INPUT[OFFSETS[i] .. OFFSETS[i+1]); its 32-byte digest goes to
// OUTPUT + 32·i. Messages of at most one chunk are hashed directly (the SIMD build four at a
// time, one message per lane, lanes of different lengths masked); longer ones go through the
// hasher with its own context.
import { compress, compress4 } from "./compress.generated";
import { CHUNK_END, CHUNK_LEN, CHUNK_START, ROOT } from "./constants";
import { ctxFinalize, ctxInit, ctxUpdate } from "./hasher";
import { loadBlocks4, splatKey4, storeLanes4 } from "./lanes";
import { BATCH_CTX, CV4, CVTMP, INPUT, MSG4, OFFSETS, OUT4, OUTPUT, R_BLOCK, R_CV, R_FLAGS, R_LEN, ROOTNODE, TAIL } from "./memory";

/** Copies the last (possibly partial) block of a message into `dst`, zero-padded; returns its length. */
// @ts-ignore: decorator
@inline function tailBlock(src: usize, len: usize, blocks: usize, dst: usize): u32 {
  const tail = len - ((blocks - 1) << 6);
  memory.copy(dst, src + ((blocks - 1) << 6), tail);
  memory.fill(dst + tail, 0, 64 - tail);
  return <u32>tail;
}

// @ts-ignore: decorator
@inline function blockCount(len: usize): usize {
  return len == 0 ? 1 : (len + 63) >>> 6;
}

/** The 32-byte digest of one message of any length. */
export function hashOne(src: usize, len: usize, key: usize, flags: u32, out: usize): void {
  if (len <= CHUNK_LEN) {
    const blocks = blockCount(len);
    memory.copy(CVTMP, key, 32);
    for (let b: usize = 0; b + 1 < blocks; b++)
      compress(CVTMP, src + (b << 6), 0, 0, 64, flags | (b == 0 ? CHUNK_START : 0), CVTMP, false);
    const tail = tailBlock(src, len, blocks, TAIL);
    const f = flags | (blocks == 1 ? CHUNK_START : 0) | CHUNK_END | ROOT;
    compress(CVTMP, TAIL, 0, 0, tail, f, out, false);
    return;
  }
  ctxInit(BATCH_CTX, key, flags);
  ctxUpdate(BATCH_CTX, src, len);
  ctxFinalize(BATCH_CTX);
  // Only a chunk of one block has a counter; a root of several chunks is a parent (counter 0).
  compress(
    ROOTNODE + R_CV,
    ROOTNODE + R_BLOCK,
    0,
    0,
    load<u32>(ROOTNODE + R_LEN),
    load<u32>(ROOTNODE + R_FLAGS) | ROOT,
    out,
    false,
  );
}

export function batchScalar(n: u32, key: usize, flags: u32): void {
  for (let i: usize = 0; i < n; i++) {
    const start = load<u32>(OFFSETS + (i << 2));
    const end = load<u32>(OFFSETS + ((i + 1) << 2));
    hashOne(INPUT + start, end - start, key, flags, OUTPUT + (i << 5));
  }
}

/** The current group: message index, block count and last-block length per lane. */
const LANES: usize = memory.data(16, 16);
const LANE_BLOCKS: usize = memory.data(16, 16);
const LANE_TAILS: usize = memory.data(16, 16);

/** Four messages of at most one chunk each (indices in LANES; a lane may repeat another). */
function hash4(key: usize, flags: u32): void {
  let maxBlocks: u32 = 0;
  let uniform = true;
  for (let l: u8 = 0; l < 4; l++) {
    const i = <usize>load<u32>(LANES + (<usize>l << 2));
    const start = load<u32>(OFFSETS + (i << 2));
    const len = <usize>(load<u32>(OFFSETS + ((i + 1) << 2)) - start);
    const blocks = blockCount(len);
    const tail = tailBlock(INPUT + start, len, blocks, TAIL + (<usize>l << 6));
    store<u32>(LANE_BLOCKS + (<usize>l << 2), <u32>blocks);
    store<u32>(LANE_TAILS + (<usize>l << 2), tail);
    if (l > 0 && <u32>blocks != maxBlocks) uniform = false;
    maxBlocks = max<u32>(maxBlocks, <u32>blocks);
  }
  const s0 = INPUT + <usize>load<u32>(OFFSETS + (<usize>load<u32>(LANES) << 2));
  const s1 = INPUT + <usize>load<u32>(OFFSETS + (<usize>load<u32>(LANES, 4) << 2));
  const s2 = INPUT + <usize>load<u32>(OFFSETS + (<usize>load<u32>(LANES, 8) << 2));
  const s3 = INPUT + <usize>load<u32>(OFFSETS + (<usize>load<u32>(LANES, 12) << 2));
  const n0 = load<u32>(LANE_BLOCKS);
  const n1 = load<u32>(LANE_BLOCKS, 4);
  const n2 = load<u32>(LANE_BLOCKS, 8);
  const n3 = load<u32>(LANE_BLOCKS, 12);
  const nb = v128.load(LANE_BLOCKS);
  const tails = v128.load(LANE_TAILS);
  splatKey4(key);
  const zero = i32x4.splat(0);
  const full = i32x4.splat(64);
  const last = i32x4.sub(nb, i32x4.splat(1));
  const endFlags = i32x4.splat(CHUNK_END | ROOT);
  for (let b: u32 = 0; b < maxBlocks; b++) {
    // A lane reads its own block, its padded tail at its last block, and the tail after that.
    const o = <usize>b << 6;
    loadBlocks4(
      b + 1 < n0 ? s0 + o : TAIL,
      b + 1 < n1 ? s1 + o : TAIL + 64,
      b + 1 < n2 ? s2 + o : TAIL + 128,
      b + 1 < n3 ? s3 + o : TAIL + 192,
      MSG4,
    );
    const isLast = i32x4.eq(last, i32x4.splat(b));
    const len = v128.bitselect(tails, full, isLast);
    const f = v128.or(i32x4.splat(flags | (b == 0 ? CHUNK_START : 0)), v128.and(isLast, endFlags));
    if (uniform) compress4(CV4, MSG4, zero, zero, len, f, CV4, false);
    else {
      compress4(CV4, MSG4, zero, zero, len, f, OUT4, false);
      // Lanes whose message has no block b keep their chaining value.
      const active = i32x4.gt_u(nb, i32x4.splat(b));
      for (let w: usize = 0; w < 128; w += 16)
        v128.store(CV4 + w, v128.bitselect(v128.load(OUT4 + w), v128.load(CV4 + w), active));
    }
  }
  storeLanes4(
    CV4,
    8,
    OUTPUT + (<usize>load<u32>(LANES) << 5),
    OUTPUT + (<usize>load<u32>(LANES, 4) << 5),
    OUTPUT + (<usize>load<u32>(LANES, 8) << 5),
    OUTPUT + (<usize>load<u32>(LANES, 12) << 5),
  );
}

/** SIMD batch: short messages four at a time, long ones through the hasher. */
export function batchSimd(n: u32, key: usize, flags: u32): void {
  let k: usize = 0;
  for (let i: u32 = 0; i < n; i++) {
    const start = load<u32>(OFFSETS + (<usize>i << 2));
    const len = load<u32>(OFFSETS + ((<usize>i + 1) << 2)) - start;
    if (len > CHUNK_LEN) {
      hashOne(INPUT + start, len, key, flags, OUTPUT + (<usize>i << 5));
      continue;
    }
    store<u32>(LANES + (k << 2), i);
    if (++k == 4) {
      hash4(key, flags);
      k = 0;
    }
  }
  if (k == 1) {
    const i = <usize>load<u32>(LANES);
    const start = load<u32>(OFFSETS + (i << 2));
    hashOne(INPUT + start, load<u32>(OFFSETS + ((i + 1) << 2)) - start, key, flags, OUTPUT + (i << 5));
  } else if (k > 1) {
    for (let l = k; l < 4; l++) store<u32>(LANES + (l << 2), load<u32>(LANES));
    hash4(key, flags);
  }
}
