// Ed25519 signature verification in WebAssembly: `verify` for one signature, `verifyBatch` for
// many. Both apply the same cofactored rule, so a batch verdict always equals the single one.
// Modes: "zip215" (default: ZIP-215 decoding, non-canonical and small-order points allowed) and
// "strict" (additionally rejects non-canonical encodings and small-order A or R).
import { aarray, abytes } from "../errors.js";
import { type Ed25519Wasm, ed25519Wasm } from "../wasm/ed25519.js";

export type VerifyMode = "zip215" | "strict";

export interface VerifyOptions {
  mode?: VerifyMode;
}

export interface VerifyItem {
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

function modeFlag(options: VerifyOptions | undefined): number {
  if (options !== undefined && (options === null || typeof options !== "object"))
    throw new TypeError(`options: expected an object, got ${options === null ? "null" : typeof options}`);
  const mode = options?.mode ?? "zip215";
  if (mode !== "zip215" && mode !== "strict")
    throw new RangeError(`mode: expected "zip215" or "strict", got ${String(mode)}`);
  return mode === "strict" ? 1 : 0;
}

/**
 * Validates item i and returns its three fields, each read exactly once: a getter cannot hand
 * the validation one array and the copy into WASM memory another.
 */
function readItem(item: VerifyItem, where: string): VerifyItem {
  if (item === null || typeof item !== "object")
    throw new TypeError(`${where}: expected an object, got ${item === null ? "null" : typeof item}`);
  return {
    publicKey: abytes(item.publicKey, 32, `${where}.publicKey`),
    signature: abytes(item.signature, 64, `${where}.signature`),
    message: abytes(item.message, undefined, `${where}.message`),
  };
}

/** Verifies one signature. Invalid signatures return false; wrong types or lengths throw. */
export function verify(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
  options?: VerifyOptions,
): boolean {
  abytes(signature, 64, "signature");
  abytes(message, undefined, "message");
  abytes(publicKey, 32, "publicKey");
  const strict = modeFlag(options);
  const w = ed25519Wasm();
  w.prehashed[0] = 0;
  place(w, 0, publicKey, signature, message, 0);
  w.exports.verifyItems(1, strict);
  return w.ok[0] === 1;
}

/**
 * Writes item n of the current chunk; `used` message bytes are already taken. Returns the new
 * `used`. Messages larger than the streaming buffer are hashed ahead in pieces instead.
 */
function place(
  w: Ed25519Wasm,
  n: number,
  publicKey: Uint8Array,
  signature: Uint8Array,
  message: Uint8Array,
  used: number,
): number {
  w.pk.set(publicKey, n * 32);
  w.sig.set(signature, n * 64);
  const start = used;
  if (message.length > w.streamBuf.length) {
    w.streamRA.set(signature.subarray(0, 32), 0);
    w.streamRA.set(publicKey, 32);
    w.exports.hashBegin();
    const step = w.streamBuf.length;
    for (let off = 0; off < message.length; off += step) {
      const piece = message.subarray(off, off + step);
      w.streamBuf.set(piece);
      w.exports.hashUpdate(piece.length);
    }
    w.exports.hashFinish(n);
  } else {
    w.msg.set(message, used);
    used += message.length;
  }
  w.off[n] = start;
  w.off[n + 1] = used;
  return used;
}

const MAX_PROBE = 32;

/**
 * Indices of items with equal public keys next to each other, keys in order of first appearance.
 * `words[i]` is the first 30 bits of item i's key (keyWord): two keys may share a bucket, so
 * the order only decides which items share a call (speed); every verdict is per item whatever
 * the order. Typed arrays only (an open-addressed table, then a counting sort): no allocation
 * per item.
 */
function keyOrder(words: Int32Array): Uint32Array {
  const n = words.length;
  const bits = Math.ceil(Math.log2(2 * n));
  const size = 2 ** bits;
  const slotKey = new Int32Array(size).fill(-1);
  const slotBucket = new Uint32Array(size);
  const bucketOf = new Uint32Array(n);
  const count = new Uint32Array(n + 1);
  // Slots from the high bits of a product with a per-call random seed, and probe chains capped
  // (an item whose chain is too long gets a bucket of its own): hostile keys cannot make this
  // quadratic, only keep some of a key's items apart.
  const seed = crypto.getRandomValues(new Int32Array(1))[0]!;
  let buckets = 0;
  for (let i = 0; i < n; i++) {
    const h = words[i]!;
    let s = Math.imul(h ^ seed, 0x9e3779b1) >>> (32 - bits);
    let b = -1;
    for (let probe = 0; probe < MAX_PROBE; probe++, s = (s + 1) & (size - 1)) {
      if (slotKey[s] === -1) {
        slotKey[s] = h;
        b = slotBucket[s] = buckets++;
        break;
      }
      if (slotKey[s] === h) {
        b = slotBucket[s]!;
        break;
      }
    }
    if (b === -1) b = buckets++;
    bucketOf[i] = b;
    count[b + 1]!++;
  }
  for (let b = 1; b <= buckets; b++) count[b]! += count[b - 1]!;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[count[bucketOf[i]!]!++] = i;
  return order;
}

/** The first 30 bits of the 32-byte key at `at` in `k` (keyOrder's bucket word). */
function keyWord(k: Uint8Array, at: number): number {
  return k[at]! | (k[at + 1]! << 8) | (k[at + 2]! << 16) | ((k[at + 3]! & 0x3f) << 24);
}

/**
 * Verifies many signatures, one verdict per item. Items are processed in chunks that fit the
 * WASM regions (one WASM call per chunk); each chunk gets fresh random 128-bit coefficients.
 * Inside a chunk, items with identical public-key bytes are combined (the key is decoded and
 * multiplied once), so batches dominated by a few keys cost much less per signature; pass
 * whole batches rather than slices to benefit. A batch larger than one call is taken key by key
 * (items of one key together), so a key's items meet in one call wherever they stand.
 */
export function verifyBatch(items: readonly VerifyItem[], options?: VerifyOptions): boolean[] {
  aarray(items, "items");
  const strict = modeFlag(options);
  const checked: VerifyItem[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) checked[i] = readItem(items[i] as VerifyItem, `items[${i}]`);
  return verifyChecked(checked, strict);
}

/**
 * verifyBatch (zip215 when strict is 0) of items core built itself (plain objects holding
 * Uint8Arrays of the right lengths, made by signatureBatchItem from decoded entries): no
 * defensive copy per item. Not part of the package's API.
 */
export function verifyChecked(items: readonly VerifyItem[], strict = 0): boolean[] {
  const out: boolean[] = new Array(items.length);
  if (items.length === 0) return out;
  const w = ed25519Wasm();
  const cap = w.msg.length;
  const streamed = w.streamBuf.length;
  // More than one call's worth: items of one key are brought together, so that they meet in one
  // call (where they are combined) however the caller ordered them.
  let order: Uint32Array | undefined;
  if (items.length > w.chunk) {
    const words = new Int32Array(items.length);
    for (let i = 0; i < items.length; i++) words[i] = keyWord(items[i]!.publicKey, 0);
    order = keyOrder(words);
  }
  let i = 0;
  while (i < items.length) {
    let n = 0;
    let used = 0;
    w.prehashed.fill(0);
    while (i + n < items.length && n < w.chunk) {
      const it = items[order ? order[i + n]! : i + n]!;
      const len = it.message.length;
      if (len <= streamed && used + len > cap) break;
      used = place(w, n, it.publicKey, it.signature, it.message, used);
      n++;
    }
    if (n > 1) crypto.getRandomValues(w.z.subarray(0, n * 16));
    w.exports.verifyItems(n, strict);
    for (let k = 0; k < n; k++) out[order ? order[i + k]! : i + k] = w.ok[k] === 1;
    i += n;
  }
  return out;
}

/**
 * verifyChecked over n items laid out back to back (core's own fast path for signature maps: no
 * object, key, signature or message array per item): item i has the key `pk[32i, 32i+32)`, the
 * signature `sig[64i, 64i+64)` and the message `msg[off[i], off[i+1])`. Writes 1 (valid) or 0 per
 * item into `ok`. Same chunks, grouping and verdicts as verifyChecked. Not part of the package's API.
 */
export function verifyPacked(
  n: number,
  pk: Uint8Array,
  sig: Uint8Array,
  msg: Uint8Array,
  off: Uint32Array,
  ok: Uint8Array,
  strict = 0,
): void {
  if (n === 0) return;
  const w = ed25519Wasm();
  const cap = w.msg.length;
  const streamed = w.streamBuf.length;
  let order: Uint32Array | undefined;
  if (n > w.chunk) {
    const words = new Int32Array(n);
    for (let i = 0; i < n; i++) words[i] = keyWord(pk, i * 32);
    order = keyOrder(words);
  }
  let i = 0;
  while (i < n) {
    let m = 0;
    let used = 0;
    w.prehashed.fill(0);
    if (order === undefined) {
      // In order: as many items as fit, then each region copied once.
      while (i + m < n && m < w.chunk) {
        const len = off[i + m + 1]! - off[i + m]!;
        if (len > streamed || used + len > cap) break;
        used += len;
        m++;
      }
      if (m > 0) {
        const base = off[i]!;
        w.pk.set(pk.subarray(i * 32, (i + m) * 32));
        w.sig.set(sig.subarray(i * 64, (i + m) * 64));
        w.msg.set(msg.subarray(base, base + used));
        for (let k = 0; k <= m; k++) w.off[k] = off[i + k]! - base;
      } else {
        // A message over the streaming size: hashed ahead, alone.
        used = place(
          w,
          0,
          pk.subarray(i * 32, i * 32 + 32),
          sig.subarray(i * 64, i * 64 + 64),
          msg.subarray(off[i]!, off[i + 1]!),
          0,
        );
        m = 1;
      }
    } else {
      while (i + m < n && m < w.chunk) {
        const j = order[i + m]!;
        const len = off[j + 1]! - off[j]!;
        if (len <= streamed && used + len > cap) break;
        used = place(
          w,
          m,
          pk.subarray(j * 32, j * 32 + 32),
          sig.subarray(j * 64, j * 64 + 64),
          msg.subarray(off[j]!, off[j + 1]!),
          used,
        );
        m++;
      }
    }
    if (m > 1) crypto.getRandomValues(w.z.subarray(0, m * 16));
    w.exports.verifyItems(m, strict);
    for (let k = 0; k < m; k++) ok[order ? order[i + k]! : i + k] = w.ok[k]!;
    i += m;
  }
}
