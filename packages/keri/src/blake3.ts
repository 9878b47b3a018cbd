// The one place this package computes BLAKE3. Every SAID and next-key digest goes through here.
// TEMPORARY: uses @noble/hashes until @chronoseal/core ships blake3 (branch h/blake3); then this
// module switches to core's WebAssembly implementation and nothing else changes.
import { blake3 as nobleBlake3 } from "@noble/hashes/blake3.js";

/** BLAKE3-256 of `data` (or `dkLen` bytes of extended output). */
export function blake3(data: Uint8Array, dkLen = 32): Uint8Array {
  return nobleBlake3(data, { dkLen });
}

/** One BLAKE3-256 digest per message. */
export function blake3Batch(messages: readonly Uint8Array[]): Uint8Array[] {
  return messages.map((m) => nobleBlake3(m));
}
