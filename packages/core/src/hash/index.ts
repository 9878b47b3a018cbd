// Public API of the hash area: SHA-256/512 and BLAKE3 in WebAssembly, and canonical hashing.

export { initBlake3, initBlake3Sync } from "../wasm/blake3.js";
export { initHash, initHashSync } from "../wasm/hash.js";
export {
  BLAKE3_MAX_DKLEN,
  type Blake3Hasher,
  type Blake3HashOptions,
  type Blake3Options,
  blake3,
  blake3Batch,
  blake3DeriveKey,
  blake3Packed,
  createBlake3,
} from "./blake3.js";
export { canonicalHash, canonicalHashBatch, canonicalHashPacked } from "./canonical.js";
export {
  createSha256,
  createSha512,
  type Hasher,
  sha256,
  sha256Batch,
  sha256Packed,
  sha512,
  sha512Batch,
  sha512Packed,
} from "./sha.js";
