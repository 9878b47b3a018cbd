// canonicalHash: SHA-256 of the UTF-8 bytes of a value's RFC 8785 form. The canonical text is
// encoded straight into WASM memory with TextEncoder.encodeInto (no intermediate byte array)
// and hashed there; a batch packs as many documents per WASM call as the input region holds.
import { aarray } from "../errors.js";
import { canonicalize } from "../jcs/canonicalize.js";
import { hashWasm } from "../wasm/hash.js";
import { sha256 } from "./sha.js";

const encoder = new TextEncoder();

/** SHA-256 (32 bytes) of the canonical JSON of `value`. */
export function canonicalHash(value: unknown): Uint8Array {
  const text = canonicalize(value);
  const w = hashWasm();
  // UTF-8 needs at most 3 bytes per UTF-16 code unit.
  if (text.length * 3 > w.input.length) return sha256(encoder.encode(text));
  const { written } = encoder.encodeInto(text, w.input);
  w.offsets[0] = 0;
  w.offsets[1] = written;
  w.exports.sha256Batch(1);
  return w.output.slice(0, 32);
}

/**
 * canonicalHash of each value, with one WASM call per filled input region. Each document is
 * canonicalized and encoded into WASM memory at once, so no canonical text outlives its turn.
 */
export function canonicalHashBatch(values: readonly unknown[]): Uint8Array[] {
  aarray(values, "values");
  const w = hashWasm();
  const cap = w.input.length;
  const n = values.length;
  const digests = new Uint8Array(n * 32);
  let first = 0; // index of the first document in the current region
  let used = 0;
  let count = 0;
  const flush = () => {
    if (count === 0) return;
    w.exports.sha256Batch(count);
    digests.set(w.output.subarray(0, count * 32), first * 32);
    first += count;
    used = 0;
    count = 0;
  };
  w.offsets[0] = 0;
  for (let i = 0; i < n; i++) {
    let text: string;
    try {
      text = canonicalize(values[i]);
    } catch (e) {
      if (e instanceof Error && "path" in e) e.message = `values[${i}]: ${e.message}`;
      throw e;
    }
    if (text.length * 3 > cap) {
      flush();
      digests.set(sha256(encoder.encode(text)), i * 32);
      first = i + 1;
      continue;
    }
    if (used + text.length * 3 > cap || count === w.maxBatch) flush();
    used += encoder.encodeInto(text, used === 0 ? w.input : w.input.subarray(used)).written;
    count++;
    w.offsets[count] = used;
  }
  flush();
  const out: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = digests.subarray(i * 32, i * 32 + 32);
  return out;
}
