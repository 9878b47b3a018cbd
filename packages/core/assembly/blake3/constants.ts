// BLAKE3 constants (BLAKE3 specification §2.1–2.3): domain flags, chunk and block sizes, and
// the IV (the first 32 bits of the fractional parts of the square roots of the first 8 primes,
// as in SHA-256).

export const CHUNK_START: u32 = 1;
export const CHUNK_END: u32 = 2;
export const PARENT: u32 = 4;
export const ROOT: u32 = 8;
export const KEYED_HASH: u32 = 16;
export const DERIVE_KEY_CONTEXT: u32 = 32;
export const DERIVE_KEY_MATERIAL: u32 = 64;

export const CHUNK_LEN: u32 = 1024;

export const IV: usize = memory.data<u32>([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
