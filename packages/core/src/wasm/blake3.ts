// The BLAKE3 WebAssembly instance: chooses the SIMD or scalar build, instantiates it lazily
// (never at import time), and keeps typed-array views over its fixed regions. The module never
// allocates or grows its memory, so the views stay valid.

import { wasmBase64 as scalarBase64 } from "./blake3.generated.js";
import { wasmBase64 as simdBase64 } from "./blake3-simd.generated.js";
import { decodeBase64Module, hasSimd, instantiate, instantiateSync } from "./load.js";

/** Modes of the module's init, hash and batch calls (KEY holds the key in modes 1 and 3). */
export const MODE_HASH = 0;
export const MODE_KEYED = 1;
export const MODE_DERIVE_CONTEXT = 2;
export const MODE_DERIVE_MATERIAL = 3;

interface Blake3Exports {
  init(mode: number): void;
  update(len: number): void;
  finalize(): void;
  output(lo: number, hi: number, blocks: number): void;
  hash(len: number, mode: number, blocks: number): void;
  batch(n: number, mode: number): void;
  inputPtr(): number;
  inputSize(): number;
  offsetsPtr(): number;
  maxBatch(): number;
  outputPtr(): number;
  outputSize(): number;
  keyPtr(): number;
  ctxPtr(): number;
  ctxSize(): number;
  ctxUsed(): number;
  simd(): number;
  memory: WebAssembly.Memory;
}

export interface Blake3Wasm {
  exports: Blake3Exports;
  /** Input region (one call's messages or one update piece). */
  input: Uint8Array;
  /** Offsets table: n + 1 u32 entries per batch. */
  offsets: Uint32Array;
  /** Digests (32 bytes each) or output blocks (64 bytes each). */
  output: Uint8Array;
  /** Key of keyed mode, or the context key of derive-key mode. */
  key: Uint8Array;
  /** Incremental context (key, chunk state, chaining-value stack). */
  ctx: Uint8Array;
  maxBatch: number;
  simd: boolean;
}

let current: Blake3Wasm | undefined;
let forced: "scalar" | "simd" | undefined;

function wrap(instance: WebAssembly.Instance): Blake3Wasm {
  const exports = instance.exports as unknown as Blake3Exports;
  const buf = exports.memory.buffer;
  const maxBatch = exports.maxBatch();
  return {
    exports,
    input: new Uint8Array(buf, exports.inputPtr(), exports.inputSize()),
    offsets: new Uint32Array(buf, exports.offsetsPtr(), maxBatch + 1),
    output: new Uint8Array(buf, exports.outputPtr(), exports.outputSize()),
    key: new Uint8Array(buf, exports.keyPtr(), 32),
    ctx: new Uint8Array(buf, exports.ctxPtr(), exports.ctxSize()),
    maxBatch,
    simd: exports.simd() === 1,
  };
}

function wantSimd(): boolean {
  return forced === undefined ? hasSimd() : forced === "simd";
}

/** The instance, created synchronously on first use. */
export function blake3Wasm(): Blake3Wasm {
  if (!current) current = wrap(instantiateSync(decodeBase64Module(wantSimd() ? simdBase64 : scalarBase64)));
  return current;
}

/** Creates the instance asynchronously (for environments that forbid large sync compiles). */
export async function initBlake3(): Promise<void> {
  if (!current) current = wrap(await instantiate(decodeBase64Module(wantSimd() ? simdBase64 : scalarBase64)));
}

export function initBlake3Sync(): void {
  blake3Wasm();
}

/**
 * Testing hook: selects the build ("scalar" or "simd"; undefined = automatic) and drops the
 * current instance so the next call instantiates the chosen one.
 */
export function selectBlake3Build(build: "scalar" | "simd" | undefined): void {
  forced = build;
  current = undefined;
}
