// The one place this package computes BLAKE3: every SAID and next-key digest goes through here,
// to @chronoseal/core's WebAssembly BLAKE3 (a test forbids any other BLAKE3 in src/).
import { blake3 as coreBlake3 } from "@chronoseal/core";

/** BLAKE3-256 of `data` (or `dkLen` bytes of extended output). */
export function blake3(data: Uint8Array, dkLen = 32): Uint8Array {
  return coreBlake3(data, { dkLen });
}
