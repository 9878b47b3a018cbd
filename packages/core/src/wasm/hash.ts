// The hashing WebAssembly instance: chooses the SIMD or scalar build, instantiates it lazily
// (never at import time), and keeps typed-array views over its fixed regions. The module never
// allocates or grows its memory, so the views stay valid.

import { wasmBase64 as scalarBase64 } from "./hash.generated.js";
import { wasmBase64 as simdBase64 } from "./hash-simd.generated.js";
import { decodeBase64Module, hasSimd, instantiate, instantiateSync } from "./load.js";

interface HashExports {
  sha256Batch(n: number): void;
  sha256Init(): void;
  sha256Update(len: number): void;
  sha256Final(): void;
  sha512Batch(n: number): void;
  sha512Init(): void;
  sha512Update(len: number): void;
  sha512Final(): void;
  inputPtr(): number;
  inputSize(): number;
  offsetsPtr(): number;
  maxBatch(): number;
  outputPtr(): number;
  ctxPtr(): number;
  ctxSize(): number;
  simd(): number;
  memory: WebAssembly.Memory;
}

export interface HashWasm {
  exports: HashExports;
  /** Input region (one call's messages or one update chunk). */
  input: Uint8Array;
  /** Offsets table: n + 1 u32 entries per batch. */
  offsets: Uint32Array;
  /** Digests. */
  output: Uint8Array;
  /** Incremental context (state, buffer, lengths). */
  ctx: Uint8Array;
  maxBatch: number;
  simd: boolean;
  /**
   * Counts hashWasm() calls. Every user of the regions gets the instance through hashWasm(), so a
   * caller that runs foreign code between writes (canonicalHashBatch runs canonicalize, which may
   * run getters that hash) can tell whether the regions may have been overwritten meanwhile.
   */
  epoch: number;
}

let current: HashWasm | undefined;
let forced: "scalar" | "simd" | undefined;

function wrap(instance: WebAssembly.Instance): HashWasm {
  const exports = instance.exports as unknown as HashExports;
  const buf = exports.memory.buffer;
  const maxBatch = exports.maxBatch();
  return {
    exports,
    input: new Uint8Array(buf, exports.inputPtr(), exports.inputSize()),
    offsets: new Uint32Array(buf, exports.offsetsPtr(), maxBatch + 1),
    output: new Uint8Array(buf, exports.outputPtr(), maxBatch * 64),
    ctx: new Uint8Array(buf, exports.ctxPtr(), exports.ctxSize()),
    maxBatch,
    simd: exports.simd() === 1,
    epoch: 0,
  };
}

function wantSimd(): boolean {
  return forced === undefined ? hasSimd() : forced === "simd";
}

/** The instance, created synchronously on first use. Each call bumps its epoch. */
export function hashWasm(): HashWasm {
  if (!current) current = wrap(instantiateSync(decodeBase64Module(wantSimd() ? simdBase64 : scalarBase64)));
  current.epoch++;
  return current;
}

/** Creates the instance asynchronously (for environments that forbid large sync compiles). */
export async function initHash(): Promise<void> {
  if (!current) current = wrap(await instantiate(decodeBase64Module(wantSimd() ? simdBase64 : scalarBase64)));
}

export function initHashSync(): void {
  hashWasm();
}

/**
 * Testing hook: selects the build ("scalar" or "simd"; undefined = automatic) and drops the
 * current instance so the next call instantiates the chosen one.
 */
export function selectHashBuild(build: "scalar" | "simd" | undefined): void {
  forced = build;
  current = undefined;
}
