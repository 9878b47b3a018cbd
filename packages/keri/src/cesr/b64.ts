// Base64 URL-safe helpers for CESR: the alphabet, integer ↔ Base64 digits, and aligned
// conversions between text and bytes. CESR never uses "=" padding: every converted run is
// 24-bit aligned (a multiple of 4 characters and of 3 bytes).
import { CesrError } from "../errors.js";

export const B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) INDEX[B64_ALPHABET.charCodeAt(i)] = i;

/** The 6-bit value of one Base64 URL-safe character code, or -1. */
export function b64Value(charCode: number): number {
  return charCode < 128 ? (INDEX[charCode] as number) : -1;
}

/** Throws ERR_CESR_CHAR at the first character of text[start, end) outside the alphabet. */
export function assertB64(text: string, start = 0, end = text.length, base = 0): void {
  for (let i = start; i < end; i++) {
    if (b64Value(text.charCodeAt(i)) < 0) {
      const ch = JSON.stringify(text[i]);
      throw new CesrError("ERR_CESR_CHAR", `character ${ch} is not Base64 URL-safe`, base + i);
    }
  }
}

/** `n` as exactly `length` Base64 digits (most significant first, "A" = 0). */
export function intToB64(n: number, length: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`expected a non-negative integer, got ${n}`);
  if (length < 1 || n >= 64 ** length) {
    throw new RangeError(`value ${n} does not fit in ${length} Base64 digit${length === 1 ? "" : "s"}`);
  }
  let out = "";
  for (let i = 0; i < length; i++) {
    out = B64_ALPHABET[n % 64] + out;
    n = Math.floor(n / 64);
  }
  return out;
}

/** The integer value of Base64 digits (at most 8 of them, so it stays exact). */
export function b64ToInt(text: string): number {
  if (text.length > 8) throw new RangeError(`at most 8 Base64 digits, got ${text.length}`);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const v = b64Value(text.charCodeAt(i));
    if (v < 0)
      throw new CesrError("ERR_CESR_CHAR", `character ${JSON.stringify(text[i])} is not Base64 URL-safe`);
    n = n * 64 + v;
  }
  return n;
}

/** Decodes a 24-bit aligned Base64 URL-safe string (length % 4 == 0) to bytes. */
export function decodeB64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new RangeError(`unaligned Base64 text of length ${text.length}`);
  assertB64(text);
  return new Uint8Array(Buffer.from(text, "base64url"));
}

/** Encodes 24-bit aligned bytes (length % 3 == 0) as Base64 URL-safe text without padding. */
export function encodeB64(bytes: Uint8Array): string {
  if (bytes.length % 3 !== 0) throw new RangeError(`unaligned byte run of length ${bytes.length}`);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/** True when every byte of `bytes` in [start, end) is zero. */
export function allZero(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}
