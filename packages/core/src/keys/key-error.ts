// The one error type of key decoding: `KeyFormatError` (code ERR_KEY_FORMAT) with a `reason`
// naming the class of problem, so callers can branch on it and people can read the message.
import { ChronosealError } from "../errors.js";

/**
 * What is wrong with a key encoding:
 * - `bad-base64`: not canonical padded base64 (RFC 4648)
 * - `bad-length`: the bytes decode but have the wrong size for any Ed25519 key form
 * - `wrong-type`: a well-formed key of another kind (RSA, ECDSA, a public key where a private
 *   one is needed, ...)
 * - `encrypted`: a passphrase-protected key (decrypt it first)
 * - `truncated`: the structure ends before its declared contents
 * - `malformed`: the structure is broken (bad magic, bad DER, trailing data, bad padding, ...)
 * - `mismatch`: the public half stored with a private key is not the one it derives
 * - `unknown-format`: none of the supported formats
 */
export type KeyFormatReason =
  | "bad-base64"
  | "bad-length"
  | "wrong-type"
  | "encrypted"
  | "truncated"
  | "malformed"
  | "mismatch"
  | "unknown-format";

export class KeyFormatError extends ChronosealError {
  readonly reason: KeyFormatReason;
  constructor(reason: KeyFormatReason, message: string) {
    super("ERR_KEY_FORMAT", message);
    this.name = "KeyFormatError";
    this.reason = reason;
  }
}
