// Fixed memory regions shared with JavaScript. Everything is static: the module never
// allocates, so JS typed-array views stay valid for the life of the instance.

/** Input bytes for one call (messages of a batch, or a chunk of an incremental update). */
export const INPUT_SIZE: u32 = 1 << 20;
export const INPUT: usize = memory.data(INPUT_SIZE, 16);

/** Most messages per batch call; OFFSETS holds MAX_BATCH + 1 u32 entries. */
export const MAX_BATCH: u32 = 16384;
export const OFFSETS: usize = memory.data((MAX_BATCH + 1) << 2, 16);

/** Digests written by a call: MAX_BATCH × 64 bytes (SHA-512 size). */
export const OUTPUT: usize = memory.data(MAX_BATCH << 6, 16);

/** Incremental contexts: state (64) + buffer (128) + buffered length (4) + pad + total length (8). */
export const CTX_SIZE: u32 = 256;
export const CTX: usize = memory.data(CTX_SIZE, 16);
export const CTX_STATE: usize = CTX + 0;
export const CTX_BUF: usize = CTX + 64;
export const CTX_BUFLEN: usize = CTX + 192;
export const CTX_TOTAL: usize = CTX + 200;

/** Scratch for padded tail blocks: 4 lanes × 2 blocks × 128 bytes. */
export const SCRATCH: usize = memory.data(1024, 16);
