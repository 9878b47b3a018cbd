// The Ed25519 WebAssembly instance: chooses the SIMD or scalar build, instantiates it lazily
// (never at import time), and keeps typed-array views over its fixed input and output regions.
// The module never allocates or grows its memory, so the views stay valid.
import { wasmBase64 as scalarBase64 } from "./ed25519.generated.js";
import { wasmBase64 as simdBase64 } from "./ed25519-simd.generated.js";
import { decodeBase64Module, hasSimd, instantiate, instantiateSync } from "./load.js";

interface Ed25519Exports {
  verifyItems(n: number, strict: number): void;
  /** Testing only: 0 makes single verification use the full 253-bit k instead of (a, b). */
  setLattice(on: number): void;
  /**
   * Testing only: bit 0 = group items by key, bit 1 = cheap candidate search, bit 2 = keep the
   * whole batch together (no half kept apart), bit 3 = no random rotation (3 = default).
   */
  setPaths(bits: number): void;
  /** Testing only: point additions and doublings done so far (a deterministic work measure). */
  pointOps(): number;
  hashBegin(): void;
  hashUpdate(len: number): void;
  hashFinish(i: number): void;
  chunk(): number;
  msgCap(): number;
  streamCap(): number;
  pkPtr(): number;
  sigPtr(): number;
  offPtr(): number;
  msgPtr(): number;
  zPtr(): number;
  prehashedPtr(): number;
  okPtr(): number;
  streamBufPtr(): number;
  streamRAPtr(): number;
  memory: WebAssembly.Memory;
}

export interface Ed25519Wasm {
  exports: Ed25519Exports;
  /** Items per call. */
  chunk: number;
  pk: Uint8Array;
  sig: Uint8Array;
  /** Message offsets: n + 1 entries per call. */
  off: Uint32Array;
  msg: Uint8Array;
  z: Uint8Array;
  /** 1 per item whose digest was streamed ahead (hashFinish sets it). */
  prehashed: Uint8Array;
  ok: Uint8Array;
  /** Streaming input: R ‖ A, then message pieces. */
  streamRA: Uint8Array;
  streamBuf: Uint8Array;
  simd: boolean;
}

let current: Ed25519Wasm | undefined;
let forced: "scalar" | "simd" | undefined;

function wrap(instance: WebAssembly.Instance, simd: boolean): Ed25519Wasm {
  const e = instance.exports as unknown as Ed25519Exports;
  const buf = e.memory.buffer;
  const chunk = e.chunk();
  return {
    exports: e,
    chunk,
    pk: new Uint8Array(buf, e.pkPtr(), chunk * 32),
    sig: new Uint8Array(buf, e.sigPtr(), chunk * 64),
    off: new Uint32Array(buf, e.offPtr(), chunk + 1),
    msg: new Uint8Array(buf, e.msgPtr(), e.msgCap()),
    z: new Uint8Array(buf, e.zPtr(), chunk * 16),
    prehashed: new Uint8Array(buf, e.prehashedPtr(), chunk),
    ok: new Uint8Array(buf, e.okPtr(), chunk),
    streamRA: new Uint8Array(buf, e.streamRAPtr(), 64),
    streamBuf: new Uint8Array(buf, e.streamBufPtr(), e.streamCap()),
    simd,
  };
}

function wantSimd(): boolean {
  return forced === undefined ? hasSimd() : forced === "simd";
}

/** The instance, created synchronously on first use. */
export function ed25519Wasm(): Ed25519Wasm {
  if (!current) {
    const simd = wantSimd();
    current = wrap(instantiateSync(decodeBase64Module(simd ? simdBase64 : scalarBase64)), simd);
  }
  return current;
}

/** Creates the instance asynchronously (for environments that forbid large sync compiles). */
export async function initEd25519(): Promise<void> {
  if (!current) {
    const simd = wantSimd();
    current = wrap(await instantiate(decodeBase64Module(simd ? simdBase64 : scalarBase64)), simd);
  }
}

export function initEd25519Sync(): void {
  ed25519Wasm();
}

/**
 * Testing hook: selects the build ("scalar" or "simd"; undefined = automatic) and drops the
 * current instance so the next call instantiates the chosen one.
 */
export function selectEd25519Build(build: "scalar" | "simd" | undefined): void {
  forced = build;
  current = undefined;
}
