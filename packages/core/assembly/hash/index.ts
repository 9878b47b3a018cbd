// Entry point of the hashing module: SHA-256 and SHA-512 over fixed memory regions.
// JS writes inputs into INPUT (and an offsets table into OFFSETS for batches), calls one
// function, and reads digests from OUTPUT. The SIMD build hashes SHA-256 batches 4 at a time.
import { CTX, CTX_SIZE, INPUT, INPUT_SIZE, MAX_BATCH, OFFSETS, OUTPUT } from "./memory";
import { sha256BatchScalar, sha256Final, sha256Init, sha256Update } from "./sha256";
import { sha256BatchSimd } from "./sha256x4";
import { sha512Batch, sha512Final, sha512Init, sha512Update } from "./sha512";

export { sha256Final, sha256Init, sha256Update, sha512Batch, sha512Final, sha512Init, sha512Update };

export function inputPtr(): usize {
  return INPUT;
}
export function inputSize(): u32 {
  return INPUT_SIZE;
}
export function offsetsPtr(): usize {
  return OFFSETS;
}
export function maxBatch(): u32 {
  return MAX_BATCH;
}
export function outputPtr(): usize {
  return OUTPUT;
}
export function ctxPtr(): usize {
  return CTX;
}
export function ctxSize(): u32 {
  return CTX_SIZE;
}
/** 1 in the SIMD build. */
export function simd(): u32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}

export function sha256Batch(n: u32): void {
  if (ASC_FEATURE_SIMD) sha256BatchSimd(n);
  else sha256BatchScalar(0, n);
}
