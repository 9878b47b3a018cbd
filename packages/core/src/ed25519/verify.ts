// Ed25519 signature verification in WebAssembly: `verify` for one signature, `verifyBatch` for
// many. Both apply the same cofactored rule, so a batch verdict always equals the single one.
// Modes: "zip215" (default: ZIP-215 decoding, non-canonical and small-order points allowed) and
// "strict" (additionally rejects non-canonical encodings and small-order A or R).
import { aarray, abytes } from "../errors.js";
import { ed25519Wasm } from "../wasm/ed25519.js";

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
  const mode = options?.mode ?? "zip215";
  if (mode !== "zip215" && mode !== "strict")
    throw new RangeError(`mode: expected "zip215" or "strict", got ${String(mode)}`);
  return mode === "strict" ? 1 : 0;
}

function checkItem(item: VerifyItem, where: string): void {
  if (item === null || typeof item !== "object")
    throw new TypeError(`${where}: expected an object, got ${item === null ? "null" : typeof item}`);
  abytes(item.publicKey, 32, `${where}.publicKey`);
  abytes(item.signature, 64, `${where}.signature`);
  abytes(item.message, undefined, `${where}.message`);
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
  return verifyBatch([{ publicKey, message, signature }], options)[0]!;
}

/**
 * Verifies many signatures, one verdict per item. Items are processed in chunks that fit the
 * WASM regions (one WASM call per chunk); each chunk gets fresh random 128-bit coefficients.
 */
export function verifyBatch(items: readonly VerifyItem[], options?: VerifyOptions): boolean[] {
  aarray(items, "items");
  const strict = modeFlag(options);
  for (let i = 0; i < items.length; i++) checkItem(items[i] as VerifyItem, `items[${i}]`);
  const w = ed25519Wasm();
  const out: boolean[] = new Array(items.length);
  const cap = w.msg.length;
  let i = 0;
  while (i < items.length) {
    let n = 0;
    let used = 0;
    w.off[0] = 0;
    while (i + n < items.length && n < w.chunk) {
      const it = items[i + n]!;
      if (used + it.message.length > cap) break;
      w.pk.set(it.publicKey, n * 32);
      w.sig.set(it.signature, n * 64);
      w.msg.set(it.message, used);
      used += it.message.length;
      n++;
      w.off[n] = used;
    }
    if (n === 0) {
      throw new RangeError(
        `items[${i}].message: expected at most ${cap} bytes, got ${items[i]!.message.length}`,
      );
    }
    if (n > 1) crypto.getRandomValues(w.z.subarray(0, n * 16));
    w.exports.verifyItems(n, strict);
    for (let k = 0; k < n; k++) out[i + k] = w.ok[k] === 1;
    i += n;
  }
  return out;
}
