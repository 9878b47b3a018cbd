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
 * canonicalHash of each value, with one WASM call per filled input region. The documents of a
 * region are canonicalized first (canonicalize may run user getters, which could themselves hash)
 * and only then encoded into WASM memory and hashed, so nothing can interleave with a region.
 */
export function canonicalHashBatch(values: readonly unknown[]): Uint8Array[] {
  aarray(values, "values");
  const w = hashWasm();
  const cap = w.input.length;
  const n = values.length;
  const digests = new Uint8Array(n * 32);
  const pending: string[] = [];
  let first = 0; // index of the first pending document
  let bound = 0; // upper bound of the pending documents' UTF-8 bytes (3 per UTF-16 code unit)
  const flush = () => {
    if (pending.length === 0) return;
    let used = 0;
    w.offsets[0] = 0;
    for (let k = 0; k < pending.length; k++) {
      used += encoder.encodeInto(pending[k]!, used === 0 ? w.input : w.input.subarray(used)).written;
      w.offsets[k + 1] = used;
    }
    w.exports.sha256Batch(pending.length);
    digests.set(w.output.subarray(0, pending.length * 32), first * 32);
    first += pending.length;
    pending.length = 0;
    bound = 0;
  };
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
    if (bound + text.length * 3 > cap || pending.length === w.maxBatch) flush();
    pending.push(text);
    bound += text.length * 3;
  }
  flush();
  const out: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = digests.subarray(i * 32, i * 32 + 32);
  return out;
}
