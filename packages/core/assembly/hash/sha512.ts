// SHA-512 (FIPS 180-4): scalar compression, one-shot, incremental and batch over the fixed
// regions of memory.ts. The Ed25519 module calls the same compression (rounds.generated.ts)
// for k = SHA-512(R‖A‖M).
import { CTX_BUF, CTX_BUFLEN, CTX_STATE, CTX_TOTAL, INPUT, OFFSETS, OUTPUT, SCRATCH } from "./memory";
import { compress512 } from "./rounds.generated";

const IV512: usize = memory.data<u64>([
  0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1, 0x510e527fade682d1,
  0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
]);

/** Pads a tail (< 128 bytes) into 1 or 2 blocks at `dst`; returns the block count. */
function padTail512(dst: usize, src: usize, tailLen: u32, totalLen: u64): u32 {
  memory.copy(dst, src, tailLen);
  store<u8>(dst + tailLen, 0x80);
  const blocks: u32 = tailLen + 17 <= 128 ? 1 : 2;
  const end = dst + (blocks << 7);
  memory.fill(dst + tailLen + 1, 0, (blocks << 7) - tailLen - 9);
  // 128-bit length: the high 64 bits stay zero (inputs are below 2^61 bytes).
  store<u64>(end - 8, bswap<u64>(totalLen << 3));
  store<u64>(end - 16, totalLen >>> 61);
  return blocks;
}

function writeDigest512(out: usize, state: usize): void {
  for (let i: usize = 0; i < 8; i++) store<u64>(out + (i << 3), bswap<u64>(load<u64>(state + (i << 3))));
}

const STATE: usize = memory.data(64, 16);

/** Hashes `len` bytes at `src` into 64 bytes at `out`. */
function hash512(src: usize, len: u32, out: usize): void {
  memory.copy(STATE, IV512, 64);
  const full = len >>> 7;
  for (let i: u32 = 0; i < full; i++) compress512(STATE, src + ((<usize>i) << 7));
  const blocks = padTail512(SCRATCH, src + ((<usize>full) << 7), len & 127, <u64>len);
  compress512(STATE, SCRATCH);
  if (blocks === 2) compress512(STATE, SCRATCH + 128);
  writeDigest512(out, STATE);
}

/** Batch: message i is INPUT[OFFSETS[i] .. OFFSETS[i+1]); digest i goes to OUTPUT + 64·i. */
export function sha512Batch(n: u32): void {
  for (let i: u32 = 0; i < n; i++) {
    const start = load<u32>(OFFSETS + ((<usize>i) << 2));
    const end = load<u32>(OFFSETS + ((<usize>(i + 1)) << 2));
    hash512(INPUT + start, end - start, OUTPUT + ((<usize>i) << 6));
  }
}

export function sha512Init(): void {
  memory.copy(CTX_STATE, IV512, 64);
  store<u32>(CTX_BUFLEN, 0);
  store<u64>(CTX_TOTAL, 0);
}

/** Absorbs INPUT[0 .. len) into the incremental context. */
export function sha512Update(len: u32): void {
  let src = INPUT;
  let left = len;
  let buffered = load<u32>(CTX_BUFLEN);
  store<u64>(CTX_TOTAL, load<u64>(CTX_TOTAL) + <u64>len);
  if (buffered > 0) {
    const take = min<u32>(128 - buffered, left);
    memory.copy(CTX_BUF + buffered, src, take);
    buffered += take;
    src += take;
    left -= take;
    if (buffered < 128) {
      store<u32>(CTX_BUFLEN, buffered);
      return;
    }
    compress512(CTX_STATE, CTX_BUF);
    buffered = 0;
  }
  while (left >= 128) {
    compress512(CTX_STATE, src);
    src += 128;
    left -= 128;
  }
  memory.copy(CTX_BUF, src, left);
  store<u32>(CTX_BUFLEN, left);
}

/** Finishes the incremental context; the digest goes to OUTPUT[0 .. 64). */
export function sha512Final(): void {
  const buffered = load<u32>(CTX_BUFLEN);
  const blocks = padTail512(SCRATCH, CTX_BUF, buffered, load<u64>(CTX_TOTAL));
  compress512(CTX_STATE, SCRATCH);
  if (blocks === 2) compress512(CTX_STATE, SCRATCH + 128);
  writeDigest512(OUTPUT, CTX_STATE);
}
