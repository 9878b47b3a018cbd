// Strict binary ↔ text encodings. Binary in JSON is base64 (RFC 4648, padded); decoders reject
// anything that does not round-trip, so two encodings of one value can never both verify.
import { ChronosealError } from "./errors.js";

export class EncodingError extends ChronosealError {
  constructor(message: string) {
    super("ERR_ENCODING", message);
    this.name = "EncodingError";
  }
}

const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * Decodes canonical padded base64. Throws EncodingError for bad characters, bad padding or
 * non-zero trailing bits (`expectedLength` adds a length check naming `what`).
 */
export function fromBase64(text: string, what = "base64", expectedLength?: number): Uint8Array {
  if (typeof text !== "string") throw new TypeError(`${what}: expected base64 string, got ${typeof text}`);
  if (!B64_RE.test(text)) throw new EncodingError(`${what}: invalid base64`);
  const out = new Uint8Array(Buffer.from(text, "base64"));
  if (toBase64(out) !== text) throw new EncodingError(`${what}: non-canonical base64`);
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw new EncodingError(`${what}: expected ${expectedLength} bytes, got ${out.length}`);
  }
  return out;
}

const B64_CODES = new Uint8Array(64);
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".split("").forEach((c, i) => {
  B64_CODES[i] = c.charCodeAt(0);
});

/**
 * True when `text` is the canonical base64 of `bytes` (what toBase64 returns), compared character
 * by character without encoding a string: for checking many digests against the ids they should
 * equal. `offset` and `length` select a range of `bytes` (default: all of it).
 */
export function equalsBase64(
  bytes: Uint8Array,
  text: string,
  offset = 0,
  length = bytes.length - offset,
): boolean {
  if (typeof text !== "string" || text.length !== Math.ceil(length / 3) * 4) return false;
  const end = offset + length;
  let j = 0;
  let i = offset;
  for (; i + 3 <= end; i += 3, j += 4) {
    const x = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    if (
      text.charCodeAt(j) !== B64_CODES[x >>> 18] ||
      text.charCodeAt(j + 1) !== B64_CODES[(x >>> 12) & 63] ||
      text.charCodeAt(j + 2) !== B64_CODES[(x >>> 6) & 63] ||
      text.charCodeAt(j + 3) !== B64_CODES[x & 63]
    )
      return false;
  }
  const rest = end - i;
  if (rest === 1) {
    const x = bytes[i]!;
    return (
      text.charCodeAt(j) === B64_CODES[x >>> 2] &&
      text.charCodeAt(j + 1) === B64_CODES[(x & 3) << 4] &&
      text.charCodeAt(j + 2) === 61 &&
      text.charCodeAt(j + 3) === 61
    );
  }
  if (rest === 2) {
    const x = (bytes[i]! << 8) | bytes[i + 1]!;
    return (
      text.charCodeAt(j) === B64_CODES[x >>> 10] &&
      text.charCodeAt(j + 1) === B64_CODES[(x >>> 4) & 63] &&
      text.charCodeAt(j + 2) === B64_CODES[(x & 15) << 2] &&
      text.charCodeAt(j + 3) === 61
    );
  }
  return true;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function fromHex(text: string, what = "hex"): Uint8Array {
  if (typeof text !== "string") throw new TypeError(`${what}: expected hex string, got ${typeof text}`);
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new EncodingError(`${what}: invalid hex`);
  return new Uint8Array(Buffer.from(text, "hex"));
}

const utf8 = new TextEncoder();
export function utf8Bytes(text: string): Uint8Array {
  return utf8.encode(text);
}
