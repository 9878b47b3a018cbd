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
