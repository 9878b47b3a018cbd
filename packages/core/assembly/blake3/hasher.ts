// The BLAKE3 hasher over a context in memory (layout in memory.ts): init, update (absorbs any
// number of bytes; long runs of whole chunks go through chunksCv and the subtree reduction),
// finalize (builds the root output node) and extended output (any number of 64-byte blocks
// from any block counter).
//
// Invariant: the stack holds one chaining value per complete subtree, merged eagerly, and a
// chunk is finished only once input after it has arrived, so no merge ever sees the root.
import { compress, compress4 } from "./compress.generated";
import { CHUNK_END, CHUNK_LEN, CHUNK_START, PARENT, ROOT } from "./constants";
import { chunksCv, counters4Hi, counters4Lo, parentsCv, storeLanes4 } from "./lanes";
import {
  C_BLOCKS,
  C_BUF,
  C_BUFLEN,
  C_COUNTER,
  C_CV,
  C_DEPTH,
  C_FLAGS,
  C_KEY,
  C_STACK,
  CV4,
  CVS,
  INPUT_SIZE,
  MSG4,
  OUT4,
  OUTPUT,
  R_BLOCK,
  R_COUNTER,
  R_CV,
  R_FLAGS,
  R_LEN,
  ROOTNODE,
} from "./memory";

export function ctxInit(ctx: usize, key: usize, flags: u32): void {
  memory.copy(ctx + C_KEY, key, 32);
  memory.copy(ctx + C_CV, key, 32);
  store<u64>(ctx + C_COUNTER, 0);
  store<u32>(ctx + C_BUFLEN, 0);
  store<u32>(ctx + C_BLOCKS, 0);
  store<u32>(ctx + C_FLAGS, flags);
  store<u32>(ctx + C_DEPTH, 0);
}

/**
 * Pushes the chaining value of a finished subtree of `size` chunks (a power of two) starting at
 * chunk `counter` (a multiple of `size`), merging it with the stack while the subtree count is
 * even: the binary carry of the chunk count.
 */
function pushCv(ctx: usize, cv: usize, counter: u64, size: u64): void {
  const key = ctx + C_KEY;
  const flags = load<u32>(ctx + C_FLAGS) | PARENT;
  let depth = <usize>load<u32>(ctx + C_DEPTH);
  let units = (counter + size) >>> ctz<u64>(size);
  // The new value goes right above the top, so top ‖ new is one contiguous 64-byte block.
  memory.copy(ctx + C_STACK + (depth << 5), cv, 32);
  while ((units & 1) === 0) {
    depth--;
    const left = ctx + C_STACK + (depth << 5);
    compress(key, left, 0, 0, 64, flags, left, false);
    units >>>= 1;
  }
  store<u32>(ctx + C_DEPTH, <u32>depth + 1);
}

/** Absorbs `len` bytes at `src`. */
export function ctxUpdate(ctx: usize, src: usize, len: usize): void {
  const key = ctx + C_KEY;
  const cv = ctx + C_CV;
  const buf = ctx + C_BUF;
  const flags = load<u32>(ctx + C_FLAGS);
  while (len > 0) {
    let bufLen = <usize>load<u32>(ctx + C_BUFLEN);
    let blocks = load<u32>(ctx + C_BLOCKS);
    let counter = load<u64>(ctx + C_COUNTER);
    if (bufLen === 64 && blocks === 15) {
      // The chunk is complete and more input follows, so it is not the root: finish it.
      compress(cv, buf, <u32>counter, <u32>(counter >>> 32), 64, flags | CHUNK_END, cv, false);
      pushCv(ctx, cv, counter, 1);
      counter++;
      store<u64>(ctx + C_COUNTER, counter);
      memory.copy(cv, key, 32);
      bufLen = 0;
      blocks = 0;
    }
    if (bufLen === 0 && blocks === 0 && len > CHUNK_LEN) {
      // Whole chunks with at least one byte after them: hash them side by side, then reduce
      // them as aligned subtrees (the largest power of two the chunk count allows).
      const n = <u32>min<usize>((len - 1) >>> 10, INPUT_SIZE >>> 10);
      chunksCv(src, n, counter, key, flags, CVS);
      let i: u32 = 0;
      while (i < n) {
        let size = <u64>(1 << (31 - clz<u32>(n - i)));
        if (counter !== 0) size = min<u64>(size, counter & (~counter + 1));
        const at = CVS + ((<usize>i) << 5);
        for (let w = <u32>size >>> 1; w > 0; w >>>= 1) parentsCv(at, w, key, flags, at);
        pushCv(ctx, at, counter, size);
        counter += size;
        i += <u32>size;
      }
      store<u64>(ctx + C_COUNTER, counter);
      src += (<usize>n) << 10;
      len -= (<usize>n) << 10;
      store<u32>(ctx + C_BUFLEN, 0);
      store<u32>(ctx + C_BLOCKS, 0);
      continue;
    }
    const lo = <u32>counter;
    const hi = <u32>(counter >>> 32);
    if (bufLen === 64) {
      compress(cv, buf, lo, hi, 64, flags | (blocks === 0 ? CHUNK_START : 0), cv, false);
      blocks++;
      bufLen = 0;
    }
    // Whole blocks straight from the input while more bytes of this chunk follow them.
    while (bufLen === 0 && len > 64 && blocks < 15) {
      compress(cv, src, lo, hi, 64, flags | (blocks === 0 ? CHUNK_START : 0), cv, false);
      blocks++;
      src += 64;
      len -= 64;
    }
    const take = min<usize>(64 - bufLen, len);
    memory.copy(buf + bufLen, src, take);
    bufLen += take;
    src += take;
    len -= take;
    store<u32>(ctx + C_BUFLEN, <u32>bufLen);
    store<u32>(ctx + C_BLOCKS, blocks);
  }
}

/** Builds the root output node of everything absorbed so far in ROOTNODE (ctx is unchanged). */
export function ctxFinalize(ctx: usize): void {
  const bufLen = <usize>load<u32>(ctx + C_BUFLEN);
  const blocks = load<u32>(ctx + C_BLOCKS);
  const flags = load<u32>(ctx + C_FLAGS);
  memory.copy(ROOTNODE + R_CV, ctx + C_CV, 32);
  memory.copy(ROOTNODE + R_BLOCK, ctx + C_BUF, bufLen);
  memory.fill(ROOTNODE + R_BLOCK + bufLen, 0, 64 - bufLen);
  store<u64>(ROOTNODE + R_COUNTER, load<u64>(ctx + C_COUNTER));
  store<u32>(ROOTNODE + R_LEN, <u32>bufLen);
  store<u32>(ROOTNODE + R_FLAGS, flags | (blocks === 0 ? CHUNK_START : 0) | CHUNK_END);
  // Merge the last chunk with every subtree on the stack, right to left; the last merge is the root.
  for (let depth = <usize>load<u32>(ctx + C_DEPTH); depth > 0; ) {
    depth--;
    const counter = load<u64>(ROOTNODE + R_COUNTER);
    compress(
      ROOTNODE + R_CV,
      ROOTNODE + R_BLOCK,
      <u32>counter,
      <u32>(counter >>> 32),
      load<u32>(ROOTNODE + R_LEN),
      load<u32>(ROOTNODE + R_FLAGS),
      ROOTNODE + R_BLOCK + 32,
      false,
    );
    memory.copy(ROOTNODE + R_BLOCK, ctx + C_STACK + (depth << 5), 32);
    memory.copy(ROOTNODE + R_CV, ctx + C_KEY, 32);
    store<u64>(ROOTNODE + R_COUNTER, 0);
    store<u32>(ROOTNODE + R_LEN, 64);
    store<u32>(ROOTNODE + R_FLAGS, flags | PARENT);
  }
}

/**
 * Writes `n` 64-byte blocks of extended output to OUTPUT, the first with output block counter
 * `start`. The SIMD build computes four blocks per compression.
 */
export function rootOutput(start: u64, n: u32): void {
  const cv = ROOTNODE + R_CV;
  const block = ROOTNODE + R_BLOCK;
  const len = load<u32>(ROOTNODE + R_LEN);
  const flags = load<u32>(ROOTNODE + R_FLAGS) | ROOT;
  let i: u32 = 0;
  if (ASC_FEATURE_SIMD && n >= 4) {
    for (let w: usize = 0; w < 8; w++) v128.store(CV4 + (w << 4), i32x4.splat(load<u32>(cv + (w << 2))));
    for (let w: usize = 0; w < 16; w++) v128.store(MSG4 + (w << 4), i32x4.splat(load<u32>(block + (w << 2))));
    const lenv = i32x4.splat(len);
    const fv = i32x4.splat(flags);
    for (; i + 4 <= n; i += 4) {
      const lo = counters4Lo(start + i);
      const hi = counters4Hi(start + i, lo);
      compress4(CV4, MSG4, lo, hi, lenv, fv, OUT4, true);
      const o = OUTPUT + ((<usize>i) << 6);
      storeLanes4(OUT4, 16, o, o + 64, o + 128, o + 192);
    }
  }
  for (; i < n; i++) {
    const c = start + i;
    compress(cv, block, <u32>c, <u32>(c >>> 32), len, flags, OUTPUT + ((<usize>i) << 6), true);
  }
}
