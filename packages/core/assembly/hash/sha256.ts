// SHA-256 (FIPS 180-4): scalar compression, one-shot, incremental and batch over the fixed
// regions of memory.ts. The SIMD batch (sha256x4.ts) hashes four messages per pass.
import { CTX_BUF, CTX_BUFLEN, CTX_STATE, CTX_TOTAL, INPUT, OFFSETS, OUTPUT, SCRATCH } from "./memory";
import { compress256 as compressScalar } from "./rounds.generated";
import { compress256s } from "./rounds256s.generated";

/** One block; the SIMD build computes the message schedule in v128 lanes (about 10% faster). */
// @ts-ignore: decorator
@inline function compress256(state: usize, block: usize): void {
  if (ASC_FEATURE_SIMD) compress256s(state, block);
  else compressScalar(state, block);
}

export const IV256: usize = memory.data<u32>([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/**
 * Writes the padded tail of a message (the bytes after its full blocks) into `dst`: 1 or 2
 * blocks. Returns the number of blocks written. Word loads and stores, not memory.copy and
 * memory.fill: those are calls into the engine, and a batch pays this once per message. The
 * last partial word is read whole (up to 7 bytes past the message, inside linear memory: every
 * source is followed by another region) and masked.
 */
export function padTail256(dst: usize, src: usize, tailLen: u32, totalLen: u64): u32 {
  const blocks: u32 = tailLen + 9 <= 64 ? 1 : 2;
  const end = dst + (<usize>blocks << 6);
  for (let p = dst; p < end; p += 8) store<u64>(p, 0);
  const whole = tailLen & ~7;
  for (let i: u32 = 0; i < whole; i += 8) store<u64>(dst + i, load<u64>(src + i));
  const bits = <u64>(tailLen & 7) << 3;
  const last = bits == 0 ? <u64>0 : load<u64>(src + whole) & ((<u64>1 << bits) - 1);
  store<u64>(dst + whole, last | (<u64>0x80 << bits));
  store<u64>(end - 8, bswap<u64>(totalLen << 3));
  return blocks;
}

function writeDigest256(out: usize, state: usize): void {
  for (let i: usize = 0; i < 8; i++) store<u32>(out + (i << 2), bswap<u32>(load<u32>(state + (i << 2))));
}

const STATE: usize = memory.data(32, 16);

/** Hashes `len` bytes at `src` into 32 bytes at `out`. */
function hash256(src: usize, len: u32, out: usize): void {
  for (let i: usize = 0; i < 32; i += 8) store<u64>(STATE + i, load<u64>(IV256 + i));
  const full = len >>> 6;
  for (let i: u32 = 0; i < full; i++) compress256(STATE, src + (<usize>i << 6));
  const tail = len & 63;
  const blocks = padTail256(SCRATCH, src + (<usize>full << 6), tail, <u64>len);
  compress256(STATE, SCRATCH);
  if (blocks == 2) compress256(STATE, SCRATCH + 64);
  writeDigest256(out, STATE);
}

/** Batch, scalar: message i is INPUT[OFFSETS[i] .. OFFSETS[i+1]); digest i goes to OUTPUT + 32·i. */
export function sha256BatchScalar(first: u32, n: u32): void {
  for (let i = first; i < n; i++) {
    const start = load<u32>(OFFSETS + (<usize>i << 2));
    const end = load<u32>(OFFSETS + (<usize>(i + 1) << 2));
    hash256(INPUT + start, end - start, OUTPUT + (<usize>i << 5));
  }
}

export function sha256Init(): void {
  memory.copy(CTX_STATE, IV256, 32);
  store<u32>(CTX_BUFLEN, 0);
  store<u64>(CTX_TOTAL, 0);
}

/** Absorbs INPUT[0 .. len) into the incremental context. */
export function sha256Update(len: u32): void {
  let src = INPUT;
  let left = len;
  let buffered = load<u32>(CTX_BUFLEN);
  store<u64>(CTX_TOTAL, load<u64>(CTX_TOTAL) + <u64>len);
  if (buffered > 0) {
    const take = min<u32>(64 - buffered, left);
    memory.copy(CTX_BUF + buffered, src, take);
    buffered += take;
    src += take;
    left -= take;
    if (buffered < 64) {
      store<u32>(CTX_BUFLEN, buffered);
      return;
    }
    compress256(CTX_STATE, CTX_BUF);
    buffered = 0;
  }
  while (left >= 64) {
    compress256(CTX_STATE, src);
    src += 64;
    left -= 64;
  }
  memory.copy(CTX_BUF, src, left);
  store<u32>(CTX_BUFLEN, left);
}

/** Finishes the incremental context; the digest goes to OUTPUT[0 .. 32). */
export function sha256Final(): void {
  const buffered = load<u32>(CTX_BUFLEN);
  const blocks = padTail256(SCRATCH, CTX_BUF, buffered, load<u64>(CTX_TOTAL));
  compress256(CTX_STATE, SCRATCH);
  if (blocks == 2) compress256(CTX_STATE, SCRATCH + 64);
  writeDigest256(OUTPUT, CTX_STATE);
}
