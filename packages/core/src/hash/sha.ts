// SHA-256 and SHA-512: one-shot, batch (many messages per WASM call), packed batch (messages
// laid out in one buffer with an offsets table), and incremental hashers. All computed in the
// hashing WebAssembly module.
import { abytes, ChronosealError } from "../errors.js";
import { type HashWasm, hashWasm } from "../wasm/hash.js";
import { checkPacked, readMessages } from "./packed.js";

type Alg = 256 | 512;

function runBatch(w: HashWasm, alg: Alg, n: number): void {
  if (alg === 256) w.exports.sha256Batch(n);
  else w.exports.sha512Batch(n);
}

/** Hashes a message larger than the input region through the incremental context. */
function hashLarge(w: HashWasm, alg: Alg, data: Uint8Array): Uint8Array {
  const e = w.exports;
  const size = w.input.length;
  alg === 256 ? e.sha256Init() : e.sha512Init();
  for (let off = 0; off < data.length; off += size) {
    const chunk = data.subarray(off, Math.min(off + size, data.length));
    w.input.set(chunk);
    alg === 256 ? e.sha256Update(chunk.length) : e.sha512Update(chunk.length);
  }
  alg === 256 ? e.sha256Final() : e.sha512Final();
  return w.output.slice(0, alg === 256 ? 32 : 64);
}

function oneShot(alg: Alg, data: Uint8Array): Uint8Array {
  abytes(data, undefined, "data");
  const w = hashWasm();
  if (data.length > w.input.length) return hashLarge(w, alg, data);
  w.input.set(data);
  w.offsets[0] = 0;
  w.offsets[1] = data.length;
  runBatch(w, alg, 1);
  return w.output.slice(0, alg === 256 ? 32 : 64);
}

export function sha256(data: Uint8Array): Uint8Array {
  return oneShot(256, data);
}

export function sha512(data: Uint8Array): Uint8Array {
  return oneShot(512, data);
}

/**
 * Packed batch: message i is `data[offsets[i] .. offsets[i+1])` (offsets has n + 1 entries,
 * non-decreasing). Returns n digests back to back (n × 32 or n × 64 bytes), in `out` if given.
 */
function packed(alg: Alg, data: Uint8Array, offsets: Uint32Array, out?: Uint8Array): Uint8Array {
  const dlen = alg === 256 ? 32 : 64;
  const checked = checkPacked(data, offsets, out, dlen);
  const n = checked.n;
  out = checked.out;
  const w = hashWasm();
  const cap = w.input.length;
  let i = 0;
  while (i < n) {
    const base = offsets[i]!;
    // Largest run of messages starting at i that fits the input region and the offsets table.
    let j = i;
    while (j < n && j - i < w.maxBatch && offsets[j + 1]! - base <= cap) j++;
    if (j === i) {
      // A single message larger than the region.
      out.set(hashLarge(w, alg, data.subarray(offsets[i]!, offsets[i + 1]!)), i * dlen);
      i++;
      continue;
    }
    w.input.set(data.subarray(base, offsets[j]!));
    const count = j - i;
    for (let k = 0; k <= count; k++) w.offsets[k] = offsets[i + k]! - base;
    runBatch(w, alg, count);
    out.set(w.output.subarray(0, count * dlen), i * dlen);
    i = j;
  }
  return out;
}

export function sha256Packed(data: Uint8Array, offsets: Uint32Array, out?: Uint8Array): Uint8Array {
  return packed(256, data, offsets, out);
}

export function sha512Packed(data: Uint8Array, offsets: Uint32Array, out?: Uint8Array): Uint8Array {
  return packed(512, data, offsets, out);
}

function batch(alg: Alg, input: readonly Uint8Array[]): Uint8Array[] {
  const messages = readMessages(input);
  const n = messages.length;
  const dlen = alg === 256 ? 32 : 64;
  // All digests go into one fresh buffer, and each result is a view of its 32 (or 64) bytes:
  // no copy per message, and no later call can overwrite them.
  const digests = new Uint8Array(n * dlen);
  const w = hashWasm();
  const region = w.input;
  const offsets = w.offsets;
  const cap = region.length;
  let i = 0;
  while (i < n) {
    let used = 0;
    let count = 0;
    const limit = Math.min(n - i, w.maxBatch);
    offsets[0] = 0;
    while (count < limit) {
      const m = messages[i + count]!;
      const len = m.length;
      if (used + len > cap) break;
      region.set(m, used);
      used += len;
      offsets[++count] = used;
    }
    if (count === 0) {
      digests.set(hashLarge(w, alg, messages[i]!), i * dlen);
      i++;
      continue;
    }
    runBatch(w, alg, count);
    digests.set(w.output.subarray(0, count * dlen), i * dlen);
    i += count;
  }
  const result: Uint8Array[] = new Array(n);
  const buffer = digests.buffer;
  for (let k = 0; k < n; k++) result[k] = new Uint8Array(buffer, k * dlen, dlen);
  return result;
}

/** One digest per message, computed with as few WASM calls as the input region allows. */
export function sha256Batch(messages: readonly Uint8Array[]): Uint8Array[] {
  return batch(256, messages);
}

export function sha512Batch(messages: readonly Uint8Array[]): Uint8Array[] {
  return batch(512, messages);
}

/** A hasher is single-use: after digest() it rejects further calls (code ERR_HASH_FINISHED). */
function finished(call: "update" | "digest"): ChronosealError {
  return new ChronosealError("ERR_HASH_FINISHED", `hasher: ${call}() called after digest()`);
}

export interface Hasher {
  update(data: Uint8Array): Hasher;
  digest(): Uint8Array;
}

/**
 * An incremental hasher. Its state lives in JS between calls and is swapped into the WASM
 * context for each update, so any number of hashers can be used interleaved.
 */
class IncrementalHasher implements Hasher {
  private state: Uint8Array | undefined;
  private done = false;
  constructor(private readonly alg: Alg) {}

  update(data: Uint8Array): this {
    abytes(data, undefined, "data");
    if (this.done) throw finished("update");
    const w = hashWasm();
    const e = w.exports;
    if (this.state) w.ctx.set(this.state);
    else this.alg === 256 ? e.sha256Init() : e.sha512Init();
    const size = w.input.length;
    for (let off = 0; off < data.length; off += size) {
      const chunk = data.subarray(off, Math.min(off + size, data.length));
      w.input.set(chunk);
      this.alg === 256 ? e.sha256Update(chunk.length) : e.sha512Update(chunk.length);
    }
    this.state = w.ctx.slice();
    return this;
  }

  digest(): Uint8Array {
    if (this.done) throw finished("digest");
    const w = hashWasm();
    const e = w.exports;
    if (this.state) w.ctx.set(this.state);
    else this.alg === 256 ? e.sha256Init() : e.sha512Init();
    this.alg === 256 ? e.sha256Final() : e.sha512Final();
    this.done = true;
    return w.output.slice(0, this.alg === 256 ? 32 : 64);
  }
}

export function createSha256(): Hasher {
  return new IncrementalHasher(256);
}

export function createSha512(): Hasher {
  return new IncrementalHasher(512);
}
