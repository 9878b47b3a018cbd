// init(): prepares every WebAssembly module of the package (SHA-2, BLAKE3, Ed25519, libsodium).
// Hashing and verification also initialize themselves lazily on first use; signing needs this
// (or initKeys()) once, because libsodium loads asynchronously.
import { initKeys } from "./keys/sodium.js";
import { initBlake3, initBlake3Sync } from "./wasm/blake3.js";
import { initEd25519, initEd25519Sync } from "./wasm/ed25519.js";
import { initHash, initHashSync } from "./wasm/hash.js";

export async function init(): Promise<void> {
  await Promise.all([initHash(), initBlake3(), initEd25519(), initKeys()]);
}

/** Synchronous part of init(): the hashing, BLAKE3 and Ed25519 modules (not libsodium). */
export function initSync(): void {
  initHashSync();
  initBlake3Sync();
  initEd25519Sync();
}
