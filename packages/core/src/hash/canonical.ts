// canonicalHash: SHA-256 of the UTF-8 bytes of a value's RFC 8785 form. The canonical text is
// encoded straight into WASM memory (Buffer#write over the input region; no intermediate byte
// array) and hashed there; a batch packs as many documents per WASM call as the input region holds.
import { aarray, abytes } from "../errors.js";
import { canonicalize } from "../jcs/canonicalize.js";
import { type HashWasm, hashWasm } from "../wasm/hash.js";
import { sha256 } from "./sha.js";

const encoder = new TextEncoder();

// A Buffer over the instance's input region: Buffer#write encodes UTF-8 at an offset without the
// subarray that TextEncoder.encodeInto needs (the region never moves: the memory never grows).
let regionOf: HashWasm | undefined;
let region: Buffer | undefined;
function inputBuffer(w: HashWasm): Buffer {
  if (regionOf !== w || region === undefined) {
    region = Buffer.from(w.input.buffer, w.input.byteOffset, w.input.byteLength);
    regionOf = w;
  }
  return region;
}

/** SHA-256 (32 bytes) of the canonical JSON of `value`. */
export function canonicalHash(value: unknown): Uint8Array {
  const text = canonicalize(value);
  const w = hashWasm();
  // UTF-8 needs at most 3 bytes per UTF-16 code unit.
  if (text.length * 3 > w.input.length) return sha256(encoder.encode(text));
  const written = inputBuffer(w).write(text, 0, "utf8");
  w.offsets[0] = 0;
  w.offsets[1] = written;
  w.exports.sha256Batch(1);
  return w.output.slice(0, 32);
}

function checkOut(out: Uint8Array | undefined, n: number): Uint8Array {
  if (out === undefined) return new Uint8Array(n * 32);
  abytes(out, undefined, "out");
  if (out.length < n * 32)
    throw new RangeError(`out: expected Uint8Array of length >= ${n * 32}, got length=${out.length}`);
  return out;
}

/**
 * SHA-256 of the UTF-8 bytes of `textOf(0) … textOf(n − 1)` into `out` (n × 32 bytes), with one
 * WASM call per filled input region. Each text is written into WASM memory right after it is made
 * (while it is hot). `textOf` may run user code (getters) that hashes too; when the instance's
 * epoch shows that happened, the region's texts are written again before hashing.
 */
export function sha256Texts(n: number, textOf: (i: number) => string, out: Uint8Array): Uint8Array {
  const w = hashWasm();
  const mem = inputBuffer(w);
  const cap = w.input.length;
  const pending: string[] = []; // the region's texts, already written
  let first = 0; // index of the first pending text
  let used = 0;
  let bound = 0; // upper bound of the region's UTF-8 bytes (3 per UTF-16 code unit)
  let epoch = w.epoch;
  const append = (text: string) => {
    used += mem.write(text, used, "utf8");
    pending.push(text);
    w.offsets[pending.length] = used;
    bound += text.length * 3;
  };
  const flush = () => {
    if (pending.length > 0) {
      w.exports.sha256Batch(pending.length);
      out.set(w.output.subarray(0, pending.length * 32), first * 32);
      first += pending.length;
    }
    pending.length = 0;
    used = 0;
    bound = 0;
    w.offsets[0] = 0;
  };
  flush();
  for (let i = 0; i < n; i++) {
    const text = textOf(i);
    if (w.epoch !== epoch) {
      // Something hashed while textOf ran: write this region again.
      const again = pending.splice(0);
      used = 0;
      bound = 0;
      w.offsets[0] = 0;
      for (const t of again) append(t);
      epoch = w.epoch;
    }
    if (text.length * 3 > cap) {
      flush();
      out.set(sha256(encoder.encode(text)), i * 32);
      first = i + 1;
      epoch = w.epoch;
      continue;
    }
    if (bound + text.length * 3 > cap || pending.length === w.maxBatch) flush();
    append(text);
  }
  flush();
  return out;
}

/**
 * canonicalHash of each value, back to back in one buffer (n × 32 bytes, in `out` if given), with
 * one WASM call per filled input region (see sha256Texts).
 */
export function canonicalHashPacked(values: readonly unknown[], out?: Uint8Array): Uint8Array {
  aarray(values, "values");
  const n = values.length;
  return sha256Texts(
    n,
    (i) => {
      try {
        return canonicalize(values[i]);
      } catch (e) {
        if (e instanceof Error && "path" in e) e.message = `values[${i}]: ${e.message}`;
        throw e;
      }
    },
    checkOut(out, n),
  );
}

/** canonicalHash of each value (one WASM call per filled input region; see canonicalHashPacked). */
export function canonicalHashBatch(values: readonly unknown[]): Uint8Array[] {
  const digests = canonicalHashPacked(values);
  const n = values.length;
  const out: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = digests.subarray(i * 32, i * 32 + 32);
  return out;
}
