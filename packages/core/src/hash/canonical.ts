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
 * encoded into WASM memory right after canonicalize (while its text is hot). canonicalize may run
 * user getters that hash too; when the instance's epoch shows that happened, the region's
 * documents are encoded again before hashing.
 */
export function canonicalHashBatch(values: readonly unknown[]): Uint8Array[] {
  aarray(values, "values");
  const w = hashWasm();
  const cap = w.input.length;
  const n = values.length;
  const digests = new Uint8Array(n * 32);
  const pending: string[] = []; // the region's documents, already encoded
  let first = 0; // index of the first pending document
  let used = 0;
  let bound = 0; // upper bound of the region's UTF-8 bytes (3 per UTF-16 code unit)
  let epoch = w.epoch;
  const append = (text: string) => {
    used += encoder.encodeInto(text, used === 0 ? w.input : w.input.subarray(used)).written;
    pending.push(text);
    w.offsets[pending.length] = used;
    bound += text.length * 3;
  };
  const flush = () => {
    if (pending.length > 0) {
      w.exports.sha256Batch(pending.length);
      digests.set(w.output.subarray(0, pending.length * 32), first * 32);
      first += pending.length;
    }
    pending.length = 0;
    used = 0;
    bound = 0;
    w.offsets[0] = 0;
  };
  flush();
  for (let i = 0; i < n; i++) {
    let text: string;
    try {
      text = canonicalize(values[i]);
    } catch (e) {
      if (e instanceof Error && "path" in e) e.message = `values[${i}]: ${e.message}`;
      throw e;
    }
    if (w.epoch !== epoch) {
      // Something hashed while canonicalize ran: write this region again.
      const again = pending.splice(0);
      used = 0;
      bound = 0;
      w.offsets[0] = 0;
      for (const t of again) append(t);
      epoch = w.epoch;
    }
    if (text.length * 3 > cap) {
      flush();
      digests.set(sha256(encoder.encode(text)), i * 32);
      first = i + 1;
      epoch = w.epoch;
      continue;
    }
    if (bound + text.length * 3 > cap || pending.length === w.maxBatch) flush();
    append(text);
  }
  flush();
  const out: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = digests.subarray(i * 32, i * 32 + 32);
  return out;
}
