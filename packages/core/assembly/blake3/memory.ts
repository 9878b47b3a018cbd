// Fixed memory regions of the BLAKE3 module, shared with JavaScript, and the layout of the
// incremental context. Everything is static: the module never allocates, so JS typed-array
// views stay valid for the life of the instance.

/** Input bytes for one call (the messages of a batch, or one piece of an incremental update). */
export const INPUT_SIZE: u32 = 1 << 20;
export const INPUT: usize = memory.data(INPUT_SIZE, 16);

/** Most messages per batch call; OFFSETS holds MAX_BATCH + 1 u32 entries. */
export const MAX_BATCH: u32 = 16384;
export const OFFSETS: usize = memory.data((MAX_BATCH + 1) << 2, 16);

/** Batch digests (32 bytes each) or extended-output blocks (64 bytes each). */
export const OUTPUT_SIZE: u32 = MAX_BATCH << 5;
export const OUTPUT: usize = memory.data(OUTPUT_SIZE, 16);

/** The 32-byte key of keyed hashing, or the context key of derive-key mode, written by JS. */
export const KEY: usize = memory.data(32, 16);

/** Longest chaining-value stack: one entry per bit of a 64-bit byte count above the chunk size. */
const MAX_DEPTH: u32 = 54;

/**
 * The incremental context. JS may copy its first CTX_HEAD + 32 · stack length bytes out after an
 * update and back in before the next one, so any number of hashers can share the module.
 */
export const CTX_HEAD: u32 = 160;
// One slot more than MAX_DEPTH: a new entry is written above the top before it is merged down.
export const CTX_SIZE: u32 = CTX_HEAD + ((MAX_DEPTH + 1) << 5);
export const CTX: usize = memory.data(CTX_SIZE, 16);
/** Key words (the IV, the key, or the context key): 32 bytes. */
export const C_KEY: usize = 0;
/** Chaining value of the chunk being absorbed: 32 bytes. */
export const C_CV: usize = 32;
/** The chunk's last (not yet compressed) block: 64 bytes. */
export const C_BUF: usize = 64;
/** Index of the chunk being absorbed (u64). */
export const C_COUNTER: usize = 128;
/** Bytes in C_BUF (u32). */
export const C_BUFLEN: usize = 136;
/** Blocks of this chunk already compressed (u32). */
export const C_BLOCKS: usize = 140;
/** Mode flags (KEYED_HASH, DERIVE_KEY_*) added to every compression (u32). */
export const C_FLAGS: usize = 144;
/** Entries on the chaining-value stack (u32). */
export const C_DEPTH: usize = 148;
/** The stack of subtree chaining values, oldest (largest subtree) first. */
export const C_STACK: usize = 160; // = CTX_HEAD: the stack follows the head

/**
 * The root output node, set by finalize: chaining value (32), block (64), counter (u64 at 96),
 * block length (u32 at 104) and flags without ROOT (u32 at 108). Extended output compresses it
 * with ROOT and the output block counter.
 */
export const ROOTNODE: usize = memory.data(128, 16);
export const R_CV: usize = 0;
export const R_BLOCK: usize = 32;
export const R_COUNTER: usize = 96;
export const R_LEN: usize = 104;
export const R_FLAGS: usize = 108;

/** Chaining values of the chunks of one update (at most INPUT_SIZE / 1024 of them). */
export const CVS: usize = memory.data((INPUT_SIZE >>> 10) << 5, 16);

/** SIMD scratch: transposed message (16 × v128), chaining values (8 × v128), output (16 × v128). */
export const MSG4: usize = memory.data(256, 16);
export const CV4: usize = memory.data(128, 16);
export const OUT4: usize = memory.data(256, 16);

/** Zero-padded last blocks, one per lane (4 × 64 bytes), and a scalar chaining-value scratch. */
export const TAIL: usize = memory.data(256, 16);
export const CVTMP: usize = memory.data(64, 16);

/** A second context for long messages inside a batch, so a batch never touches CTX. */
export const BATCH_CTX: usize = memory.data(CTX_SIZE, 16);
