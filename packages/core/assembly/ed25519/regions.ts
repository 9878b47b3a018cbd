// The regions shared with JavaScript: per call, JS writes up to CHUNK items (keys, signatures,
// messages by offsets or digests hashed ahead, random coefficients) and reads one verdict per
// item from OUT_OK. Everything is static: the module never allocates or grows its memory.

/** Items per call. */
export const CHUNK: i32 = 4096;
/** Message bytes per call (larger messages are hashed by streaming, see index.ts). */
export const MSG_CAP: u32 = 1 << 20;

export const IN_PK: usize = memory.data(32 * CHUNK + 8, 16);
export const IN_SIG: usize = memory.data(64 * CHUNK + 8, 16);
export const IN_OFF: usize = memory.data(4 * (CHUNK + 1), 16);
export const IN_MSG: usize = memory.data(<i32>MSG_CAP + 8, 16);
/** Random 128-bit coefficients, one per item (JS fills them with crypto.getRandomValues). */
export const IN_Z: usize = memory.data(16 * CHUNK, 16);
/** Per item: 1 when SHA-512(R‖A‖M) was computed ahead (streaming) into IN_DIGEST. */
export const IN_PREHASHED: usize = memory.data(CHUNK, 16);
export const IN_DIGEST: usize = memory.data(64 * CHUNK, 16);
/** Verdicts: 1 (valid) or 0 per item. */
export const OUT_OK: usize = memory.data(CHUNK, 16);
