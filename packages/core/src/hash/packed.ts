// Argument checks shared by every batch hash (SHA-2 and BLAKE3): the packed form (one buffer,
// an offsets table, an optional output buffer) and the array form (each message read once).
import { aarray, abytes } from "../errors.js";

function kind(value: unknown): string {
  if (value === null) return "null";
  if (value instanceof Uint32Array && !ArrayBuffer.isView(value)) return "a Proxy or other non-view object";
  if (Array.isArray(value)) return "array";
  return typeof value === "object" ? (value.constructor?.name ?? "object") : typeof value;
}

/**
 * Checks a packed batch: message i is `data[offsets[i] .. offsets[i+1])`, offsets has n + 1
 * non-decreasing entries within data, and `out` (allocated when absent) has room for n digests
 * of `digestLen` bytes. Returns n and the output buffer.
 */
export function checkPacked(
  data: Uint8Array,
  offsets: Uint32Array,
  out: Uint8Array | undefined,
  digestLen: number,
): { n: number; out: Uint8Array } {
  abytes(data, undefined, "data");
  // isView rules out a Proxy around a Uint32Array (its index reads would run user code).
  if (!(offsets instanceof Uint32Array) || !ArrayBuffer.isView(offsets))
    throw new TypeError(`offsets: expected Uint32Array, got ${kind(offsets)}`);
  if (offsets.length < 1) throw new RangeError("offsets: expected at least 1 entry, got 0");
  const n = offsets.length - 1;
  if (out === undefined) out = new Uint8Array(n * digestLen);
  else {
    abytes(out, undefined, "out");
    if (out.length < n * digestLen)
      throw new RangeError(
        `out: expected Uint8Array of length >= ${n * digestLen}, got length=${out.length}`,
      );
  }
  for (let i = 0; i < n; i++) {
    if (offsets[i]! > offsets[i + 1]!)
      throw new RangeError(`offsets: entry ${i + 1} (${offsets[i + 1]}) is below entry ${i} (${offsets[i]})`);
  }
  if (offsets[n]! > data.length)
    throw new RangeError(`offsets: last entry ${offsets[n]} exceeds data length ${data.length}`);
  return { n, out };
}

/**
 * Checks an array of messages, reading each entry exactly once, before anything is written
 * into WASM memory: an index getter can neither swap a validated message nor re-enter the
 * module halfway through a region.
 */
export function readMessages(input: readonly Uint8Array[]): Uint8Array[] {
  aarray(input, "messages");
  // Each entry is read exactly once, before anything is written into WASM memory: an index getter
  // can neither swap a validated message nor re-enter the module halfway through a region.
  const n = input.length;
  const messages: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const m = input[i];
    // The name is only built for the error (a string per message would cost more than a hash).
    if (!(m instanceof Uint8Array)) abytes(m, undefined, `messages[${i}]`);
    messages[i] = m as Uint8Array;
  }
  return messages;
}
