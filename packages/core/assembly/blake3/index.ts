// Entry point of the BLAKE3 module: hash, keyed hash and derive-key modes, extended output,
// incremental hashing over a context JS can save and restore, and batches. JS writes inputs into
// INPUT (an offsets table into OFFSETS for batches, a key into KEY), calls one function, and
// reads digests or output blocks from OUTPUT. The SIMD build hashes four chunks (long messages),
// four messages (batches) or four output blocks at a time.
import { batchScalar, batchSimd } from "./batch";
import { DERIVE_KEY_CONTEXT, DERIVE_KEY_MATERIAL, IV, KEYED_HASH } from "./constants";
import { ctxFinalize, ctxInit, ctxUpdate, rootOutput } from "./hasher";
import {
  C_DEPTH,
  CTX,
  CTX_HEAD,
  CTX_SIZE,
  INPUT,
  INPUT_SIZE,
  KEY,
  MAX_BATCH,
  OFFSETS,
  OUTPUT,
  OUTPUT_SIZE,
} from "./memory";

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
export function outputSize(): u32 {
  return OUTPUT_SIZE;
}
export function keyPtr(): usize {
  return KEY;
}
export function ctxPtr(): usize {
  return CTX;
}
export function ctxSize(): u32 {
  return CTX_SIZE;
}
/** Bytes of the context in use: the fixed head plus the stack entries. */
export function ctxUsed(): u32 {
  return CTX_HEAD + (load<u32>(CTX + C_DEPTH) << 5);
}
/** 1 in the SIMD build. */
export function simd(): u32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}

/** Modes: 0 hash, 1 keyed hash (key in KEY), 2 derive-key context, 3 derive-key material (context key in KEY). */
function modeKey(mode: u32): usize {
  return mode === 1 || mode === 3 ? KEY : IV;
}
function modeFlags(mode: u32): u32 {
  return mode === 1 ? KEYED_HASH : mode === 2 ? DERIVE_KEY_CONTEXT : mode === 3 ? DERIVE_KEY_MATERIAL : 0;
}

/** Starts the incremental context CTX in `mode`. */
export function init(mode: u32): void {
  ctxInit(CTX, modeKey(mode), modeFlags(mode));
}

/** Absorbs INPUT[0 .. len) into CTX. */
export function update(len: u32): void {
  ctxUpdate(CTX, INPUT, len);
}

/** Computes the root node of CTX (CTX itself is unchanged). */
export function finalize(): void {
  ctxFinalize(CTX);
}

/** Writes `n` blocks of 64 output bytes to OUTPUT, from output block counter hi·2^32 + lo. */
export function output(lo: u32, hi: u32, n: u32): void {
  rootOutput(((<u64>hi) << 32) | lo, n);
}

/** One-shot: INPUT[0 .. len) in `mode`, the first `n` output blocks to OUTPUT. */
export function hash(len: u32, mode: u32, n: u32): void {
  ctxInit(CTX, modeKey(mode), modeFlags(mode));
  ctxUpdate(CTX, INPUT, len);
  ctxFinalize(CTX);
  rootOutput(0, n);
}

/** One 32-byte digest per message of INPUT (offsets in OFFSETS, n + 1 entries) to OUTPUT. */
export function batch(n: u32, mode: u32): void {
  if (ASC_FEATURE_SIMD) batchSimd(n, modeKey(mode), modeFlags(mode));
  else batchScalar(n, modeKey(mode), modeFlags(mode));
}
