// The Ed25519 WebAssembly instance: instantiated lazily (never at import time), with typed-array
// views over its fixed input and output regions. The module never grows its memory.
import { wasmBase64 } from "./ed25519.generated.js";
import { decodeBase64Module, instantiate, instantiateSync } from "./load.js";

interface Ed25519Exports {
  verifyItems(n: number, strict: number): void;
  chunk(): number;
  msgCap(): number;
  pkPtr(): number;
  sigPtr(): number;
  offPtr(): number;
  msgPtr(): number;
  zPtr(): number;
  okPtr(): number;
  memory: WebAssembly.Memory;
}

export interface Ed25519Wasm {
  exports: Ed25519Exports;
  /** Items per call. */
  chunk: number;
  pk: Uint8Array;
  sig: Uint8Array;
  off: Uint32Array;
  msg: Uint8Array;
  z: Uint8Array;
  ok: Uint8Array;
}

let current: Ed25519Wasm | undefined;

function wrap(instance: WebAssembly.Instance): Ed25519Wasm {
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
    ok: new Uint8Array(buf, e.okPtr(), chunk),
  };
}

export function ed25519Wasm(): Ed25519Wasm {
  if (!current) current = wrap(instantiateSync(decodeBase64Module(wasmBase64)));
  return current;
}

export async function initEd25519(): Promise<void> {
  if (!current) current = wrap(await instantiate(decodeBase64Module(wasmBase64)));
}

export function initEd25519Sync(): void {
  ed25519Wasm();
}
