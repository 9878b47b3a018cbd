// C2SP tlog-cosignature (c2sp.org/tlog-cosignature), the Ed25519 `cosignature/v1` type (note
// signature type 0x04): a witness's timestamped signature on a checkpoint. In a note it is an
// ordinary signature line, "— <witness name> base64(key id ‖ timestamped_signature)", where
//   key id                = SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[0..4)   (note-keys.ts)
//   timestamped_signature = u64 big-endian POSIX seconds ‖ 64-byte Ed25519 signature
// and the Ed25519 signature covers
//   "cosignature/v1\ntime <seconds, decimal, no leading zeros>\n" ‖ the checkpoint body
// (the note text, final newline included, without signature lines). The timestamp must not
// exceed 2^63 − 1; here it is also limited to 2^53 − 1 (a JavaScript safe integer, year 285 million),
// and a larger one never verifies. Semantics: "as of that time, the largest consistent tree the
// witness has observed for the origin has this root".
import { abytes } from "../errors.js";
import { NoteError } from "./errors.js";

/** The header line of the signed message (domain separation). */
export const COSIGNATURE_V1_HEADER = "cosignature/v1";
/** Bytes after the key id in a cosignature/v1 signature line: timestamp (8) ‖ signature (64). */
export const COSIGNATURE_V1_LENGTH = 72;

const encoder = new TextEncoder();

/** Checks a cosignature timestamp: integer POSIX seconds in [0, 2^53 − 1]. */
export function checkTimestamp(timestamp: unknown, what = "timestamp"): number {
  if (typeof timestamp !== "number")
    throw new TypeError(`${what}: expected number (POSIX seconds), got ${typeof timestamp}`);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0)
    throw new RangeError(`${what}: expected an integer in [0, 2^53 − 1] (POSIX seconds), got ${timestamp}`);
  return timestamp;
}

/** The bytes a cosignature/v1 signs: header line, time line, then the checkpoint body. */
export function cosignedMessage(text: string, timestamp: number): Uint8Array {
  checkTimestamp(timestamp);
  if (typeof text !== "string") throw new TypeError(`text: expected string, got ${typeof text}`);
  return encoder.encode(`${COSIGNATURE_V1_HEADER}\ntime ${timestamp}\n${text}`);
}

/** The timestamped_signature structure: 8-byte big-endian timestamp ‖ 64-byte signature. */
export function encodeTimestamped(timestamp: number, signature: Uint8Array): Uint8Array {
  checkTimestamp(timestamp);
  abytes(signature, 64, "signature");
  const out = new Uint8Array(COSIGNATURE_V1_LENGTH);
  new DataView(out.buffer).setBigUint64(0, BigInt(timestamp), false);
  out.set(signature, 8);
  return out;
}

export interface Timestamped {
  /** POSIX seconds, as in the signature (a bigint: it may exceed 2^53 − 1 on the wire). */
  timestamp: bigint;
  /** The 64-byte Ed25519 signature. */
  signature: Uint8Array;
}

/**
 * Splits the bytes after a cosignature/v1 line's key id. Throws NoteError ERR_NOTE_MALFORMED for
 * a length other than 72 or a timestamp above 2^63 − 1 (the spec's limit).
 */
export function decodeTimestamped(bytes: Uint8Array): Timestamped {
  abytes(bytes, undefined, "cosignature");
  if (bytes.length !== COSIGNATURE_V1_LENGTH)
    throw new NoteError(
      "ERR_NOTE_MALFORMED",
      `cosignature/v1: expected ${COSIGNATURE_V1_LENGTH} bytes after the key id (timestamp and signature), got ${bytes.length}`,
    );
  const timestamp = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, false);
  if (timestamp > 0x7fff_ffff_ffff_ffffn)
    throw new NoteError("ERR_NOTE_MALFORMED", `cosignature/v1: timestamp ${timestamp} exceeds 2^63 − 1`);
  return { timestamp, signature: bytes.slice(8) };
}
