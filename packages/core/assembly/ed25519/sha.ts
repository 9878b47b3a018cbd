// k = SHA-512(R ‖ A ‖ M) for verification, over the bytes as given. One-shot for messages in the
// input region, and a streaming form (init / update / final) for messages too large for it. The
// block compression is the hashing module's (assembly/hash/rounds.generated.ts).
import { compress512 } from "../hash/rounds.generated";

const IV: usize = memory.data<u64>([
  0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1, 0x510e527fade682d1,
  0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
]);
const HS: usize = memory.data(64, 16);
const BLOCK: usize = memory.data(256, 16);
let have: u32 = 0;
let total: u64 = 0;

function begin(r: usize, a: usize): void {
  memory.copy(HS, IV, 64);
  memory.copy(BLOCK, r, 32);
  memory.copy(BLOCK + 32, a, 32);
  have = 64;
  total = 64;
}

function update(src: usize, len: u32): void {
  total += len;
  if (have > 0) {
    const take = min<u32>(128 - have, len);
    memory.copy(BLOCK + have, src, take);
    have += take;
    src += take;
    len -= take;
    if (have < 128) return;
    compress512(HS, BLOCK);
    have = 0;
  }
  while (len >= 128) {
    compress512(HS, src);
    src += 128;
    len -= 128;
  }
  memory.copy(BLOCK, src, len);
  have = len;
}

function finish(out: usize): void {
  // Pad: 0x80, zeros, 128-bit big-endian bit length.
  store<u8>(BLOCK + have, 0x80);
  const blocks: u32 = have + 17 <= 128 ? 1 : 2;
  memory.fill(BLOCK + have + 1, 0, (blocks << 7) - have - 17);
  store<u64>(BLOCK + (blocks << 7) - 16, bswap<u64>(total >>> 61));
  store<u64>(BLOCK + (blocks << 7) - 8, bswap<u64>(total << 3));
  compress512(HS, BLOCK);
  if (blocks === 2) compress512(HS, BLOCK + 128);
  for (let i: usize = 0; i < 64; i += 8) store<u64>(out + i, bswap<u64>(load<u64>(HS + i)));
}

/** out (64 bytes) = SHA-512(r[0..32) ‖ a[0..32) ‖ m[0..mlen)). */
export function hashRAM(out: usize, r: usize, a: usize, m: usize, mlen: u32): void {
  begin(r, a);
  update(m, mlen);
  finish(out);
}

// Streaming, driven from JS for large messages: streamBegin, streamUpdate (any number), streamFinish.
export function streamBegin(r: usize, a: usize): void {
  begin(r, a);
}
export function streamUpdate(src: usize, len: u32): void {
  update(src, len);
}
export function streamFinish(out: usize): void {
  finish(out);
}
