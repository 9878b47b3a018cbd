// BLAKE3 (hash, keyed hash and derive-key modes, extendable output): one-shot, incremental,
// batch (many messages per WASM call) and packed batch, computed in the BLAKE3 WebAssembly
// module. Options are checked here; the modes' keys and flags are applied in WebAssembly.
import { abytes, ChronosealError } from "../errors.js";
import {
  type Blake3Wasm,
  blake3Wasm,
  MODE_DERIVE_CONTEXT,
  MODE_DERIVE_MATERIAL,
  MODE_HASH,
  MODE_KEYED,
} from "../wasm/blake3.js";
import { checkPacked, readMessages } from "./packed.js";

/** Selects the mode: plain hash (neither), keyed hash (`key`) or derive-key (`context`). */
export interface Blake3Options {
  /** 32-byte key: keyed hashing (a MAC or PRF). */
  key?: Uint8Array;
  /** Context string: derive-key mode, the data being the key material. */
  context?: string;
}

export interface Blake3HashOptions extends Blake3Options {
  /** Output length in bytes, 0 to 2^32 − 1 (default 32). */
  dkLen?: number;
  /** Position of the first returned byte in the output stream (default 0). */
  offset?: number;
}

/** Longest output one call returns (the output stream itself is unbounded; use `offset`). */
export const BLAKE3_MAX_DKLEN = 2 ** 32 - 1;

interface Mode {
  mode: number;
  /** The key (keyed mode) or the context key (derive-key mode), copied. */
  key?: Uint8Array;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value === "object" ? (value.constructor?.name ?? "object") : typeof value;
}

function checkOptions(opts: unknown): Blake3HashOptions {
  if (opts === undefined) return {};
  if (typeof opts !== "object" || opts === null || Array.isArray(opts))
    throw new TypeError(`options: expected object, got ${describe(opts)}`);
  // Each option is read exactly once (a getter cannot change it between check and use).
  const { key, context, dkLen, offset } = opts as Blake3HashOptions;
  return { key, context, dkLen, offset };
}

function checkLength(value: unknown, name: string, max: number): number {
  if (typeof value !== "number") throw new TypeError(`${name}: expected number, got ${describe(value)}`);
  if (!Number.isSafeInteger(value) || value < 0 || value > max)
    throw new RangeError(`${name}: expected an integer from 0 to ${max}, got ${value}`);
  return value;
}

/** The context key of derive-key mode: BLAKE3 in DERIVE_KEY_CONTEXT mode of the UTF-8 context. */
function contextKey(w: Blake3Wasm, context: string): Uint8Array {
  absorb(w, MODE_DERIVE_CONTEXT, new TextEncoder().encode(context));
  w.exports.finalize();
  w.exports.output(0, 0, 1);
  return w.output.slice(0, 32);
}

// With the u flag a surrogate pair is one code point, so this matches only lone surrogates.
const LONE_SURROGATE = /[\ud800-\udfff]/u;

function resolveMode(w: Blake3Wasm, opts: Blake3Options): Mode {
  const { key, context } = opts;
  if (key !== undefined && context !== undefined)
    throw new TypeError("options: key (keyed hash) and context (derive key) exclude each other");
  if (key !== undefined) {
    // The length is checked on the plain view: a subclass's `length` getter could lie.
    const bytes = abytes(plain(abytes(key, undefined, "key")), 32, "key");
    return { mode: MODE_KEYED, key: new Uint8Array(bytes) };
  }
  if (context !== undefined) {
    if (typeof context !== "string")
      throw new TypeError(`context: expected string, got ${describe(context)}`);
    // TextEncoder would turn every lone surrogate into U+FFFD: two contexts, one key.
    const lone = LONE_SURROGATE.exec(context);
    if (lone)
      throw new RangeError(
        `context: lone surrogate U+${lone[0].charCodeAt(0).toString(16).toUpperCase()} at index ${lone.index}`,
      );
    return { mode: MODE_DERIVE_MATERIAL, key: contextKey(w, context) };
  }
  return { mode: MODE_HASH };
}

const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const intrinsic = (name: string) => Object.getOwnPropertyDescriptor(typedArrayProto, name)!.get!;
const getBuffer = intrinsic("buffer");
const getByteOffset = intrinsic("byteOffset");
const getByteLength = intrinsic("byteLength");

/**
 * `data` as a plain Uint8Array over the same bytes. A subclass (Buffer is one) may override
 * `length` or `subarray` with code that calls BLAKE3 itself while the context holds another
 * hasher's state; the plain view's getters are the built-in ones.
 */
function plain(data: Uint8Array): Uint8Array {
  if (Object.getPrototypeOf(data) === Uint8Array.prototype) return data;
  return new Uint8Array(
    Reflect.apply(getBuffer, data, []) as ArrayBufferLike,
    Reflect.apply(getByteOffset, data, []) as number,
    Reflect.apply(getByteLength, data, []) as number,
  );
}

/** Starts the context in `mode` and absorbs `data` piece by piece through the input region. */
function absorb(w: Blake3Wasm, mode: number, data: Uint8Array, key?: Uint8Array): void {
  if (key) w.key.set(key);
  w.exports.init(mode);
  const size = w.input.length;
  for (let off = 0; off < data.length; off += size) {
    const piece = data.subarray(off, Math.min(off + size, data.length));
    w.input.set(piece);
    w.exports.update(piece.length);
  }
}

/** Reads `dkLen` bytes of the finalized root's output stream from byte `offset` on. */
function readOutput(w: Blake3Wasm, offset: number, dkLen: number): Uint8Array {
  const out = new Uint8Array(dkLen);
  const maxBlocks = w.output.length >>> 6;
  let block = Math.floor(offset / 64);
  let skip = offset % 64;
  let pos = 0;
  while (pos < dkLen) {
    const blocks = Math.min(Math.ceil((skip + dkLen - pos) / 64), maxBlocks);
    w.exports.output(block % 2 ** 32, Math.floor(block / 2 ** 32), blocks);
    const take = Math.min(blocks * 64 - skip, dkLen - pos);
    out.set(w.output.subarray(skip, skip + take), pos);
    pos += take;
    block += blocks;
    skip = 0;
  }
  return out;
}

/**
 * BLAKE3 of `data`: 32 bytes by default, any length with `dkLen` (and from any position of the
 * output stream with `offset`); keyed with `key`, derive-key with `context`.
 */
export function blake3(data: Uint8Array, opts?: Blake3HashOptions): Uint8Array {
  data = plain(abytes(data, undefined, "data"));
  const o = checkOptions(opts);
  const dkLen = o.dkLen === undefined ? 32 : checkLength(o.dkLen, "dkLen", BLAKE3_MAX_DKLEN);
  const offset =
    o.offset === undefined ? 0 : checkLength(o.offset, "offset", Number.MAX_SAFE_INTEGER - dkLen);
  const w = blake3Wasm();
  const { mode, key } = resolveMode(w, o);
  if (data.length <= w.input.length && offset === 0 && dkLen <= 64) {
    if (key) w.key.set(key);
    w.input.set(data);
    w.exports.hash(data.length, mode, 1);
    return w.output.slice(0, dkLen);
  }
  absorb(w, mode, data, key);
  w.exports.finalize();
  return readOutput(w, offset, dkLen);
}

/**
 * Derive-key mode: a `dkLen`-byte key (default 32) for the purpose named by `context` (a
 * hardcoded, globally unique, application-specific string) from the key material.
 */
export function blake3DeriveKey(context: string, material: Uint8Array, dkLen?: number): Uint8Array {
  if (typeof context !== "string") throw new TypeError(`context: expected string, got ${describe(context)}`);
  return blake3(material, dkLen === undefined ? { context } : { context, dkLen });
}

/** One 32-byte digest per message, computed with as few WASM calls as the input region allows. */
export function blake3Batch(messages: readonly Uint8Array[], opts?: Blake3Options): Uint8Array[] {
  const msgs = readMessages(messages);
  for (let i = 0; i < msgs.length; i++) msgs[i] = plain(msgs[i]!);
  const o = checkOptions(opts);
  const w = blake3Wasm();
  const { mode, key } = resolveMode(w, o);
  const cap = w.input.length;
  const result: Uint8Array[] = new Array(msgs.length);
  let i = 0;
  while (i < msgs.length) {
    let used = 0;
    let count = 0;
    w.offsets[0] = 0;
    while (i + count < msgs.length && count < w.maxBatch) {
      const m = msgs[i + count]!;
      if (used + m.length > cap) break;
      w.input.set(m, used);
      used += m.length;
      count++;
      w.offsets[count] = used;
    }
    if (count === 0) {
      // A single message larger than the input region.
      absorb(w, mode, msgs[i]!, key);
      w.exports.finalize();
      result[i++] = readOutput(w, 0, 32);
      continue;
    }
    if (key) w.key.set(key);
    w.exports.batch(count, mode);
    const digests = w.output.slice(0, count * 32);
    for (let k = 0; k < count; k++) result[i + k] = digests.subarray(k * 32, (k + 1) * 32);
    i += count;
  }
  return result;
}

/**
 * Packed batch: message i is `data[offsets[i] .. offsets[i+1])` (offsets has n + 1 entries,
 * non-decreasing). Returns n 32-byte digests back to back, in `out` if given.
 */
export function blake3Packed(
  data: Uint8Array,
  offsets: Uint32Array,
  out?: Uint8Array,
  opts?: Blake3Options,
): Uint8Array {
  data = plain(abytes(data, undefined, "data"));
  const checked = checkPacked(
    data,
    offsets,
    out === undefined ? out : plain(abytes(out, undefined, "out")),
    32,
  );
  const n = checked.n;
  const dst = checked.out;
  const o = checkOptions(opts);
  const w = blake3Wasm();
  const { mode, key } = resolveMode(w, o);
  const cap = w.input.length;
  let i = 0;
  while (i < n) {
    const base = offsets[i]!;
    // Largest run of messages starting at i that fits the input region and the offsets table.
    let j = i;
    while (j < n && j - i < w.maxBatch && offsets[j + 1]! - base <= cap) j++;
    if (j === i) {
      absorb(w, mode, data.subarray(offsets[i]!, offsets[i + 1]!), key);
      w.exports.finalize();
      dst.set(readOutput(w, 0, 32), i * 32);
      i++;
      continue;
    }
    w.input.set(data.subarray(base, offsets[j]!));
    const count = j - i;
    for (let k = 0; k <= count; k++) w.offsets[k] = offsets[i + k]! - base;
    if (key) w.key.set(key);
    w.exports.batch(count, mode);
    dst.set(w.output.subarray(0, count * 32), i * 32);
    i = j;
  }
  return out ?? dst;
}

/** An incremental BLAKE3 hasher; single-use (after digest() it throws ERR_HASH_FINISHED). */
export interface Blake3Hasher {
  update(data: Uint8Array): Blake3Hasher;
  /** The first `dkLen` bytes of the output (default 32). */
  digest(dkLen?: number): Uint8Array;
}

function finished(call: "update" | "digest"): ChronosealError {
  return new ChronosealError("ERR_HASH_FINISHED", `blake3 hasher: ${call}() called after digest()`);
}

/**
 * The state (key, chunk state, chaining-value stack) lives in JS between calls and is swapped
 * into the WASM context for each call, so any number of hashers can be used interleaved.
 */
class IncrementalBlake3 implements Blake3Hasher {
  private state: Uint8Array;
  private done = false;

  constructor(opts: Blake3Options | undefined) {
    const o = checkOptions(opts);
    if (o.dkLen !== undefined || o.offset !== undefined)
      throw new TypeError("options: createBlake3 takes no dkLen or offset; pass the length to digest()");
    const w = blake3Wasm();
    const { mode, key } = resolveMode(w, o);
    if (key) w.key.set(key);
    w.exports.init(mode);
    this.state = w.ctx.slice(0, w.exports.ctxUsed());
  }

  update(data: Uint8Array): this {
    const bytes = plain(abytes(data, undefined, "data"));
    if (this.done) throw finished("update");
    if (bytes.length === 0) return this;
    const w = blake3Wasm();
    w.ctx.set(this.state);
    const size = w.input.length;
    for (let off = 0; off < bytes.length; off += size) {
      const piece = bytes.subarray(off, Math.min(off + size, bytes.length));
      w.input.set(piece);
      w.exports.update(piece.length);
    }
    this.state = w.ctx.slice(0, w.exports.ctxUsed());
    return this;
  }

  digest(dkLen?: number): Uint8Array {
    const len = dkLen === undefined ? 32 : checkLength(dkLen, "dkLen", BLAKE3_MAX_DKLEN);
    if (this.done) throw finished("digest");
    const w = blake3Wasm();
    w.ctx.set(this.state);
    w.exports.finalize();
    this.done = true;
    return readOutput(w, 0, len);
  }
}

/** An incremental hasher in the mode `opts` selects (plain, `key`, or `context`). */
export function createBlake3(opts?: Blake3Options): Blake3Hasher {
  return new IncrementalBlake3(opts);
}
