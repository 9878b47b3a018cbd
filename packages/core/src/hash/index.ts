// Public API of the hash area: SHA-256/512 in WebAssembly and canonical hashing.

export { initHash, initHashSync } from "../wasm/hash.js";
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
