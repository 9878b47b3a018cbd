// Typed errors of the KERI package. Every malformed input becomes one of these, with a stable
// `code`; stream errors also carry the byte `offset` where the problem starts.
import { ChronosealError } from "@chronoseal/core";

/** Stable codes of CESR decoding failures. */
export type CesrErrorCode =
  | "ERR_CESR_SHORT" // the input ends inside a primitive, group or message
  | "ERR_CESR_CODE" // an unknown or unsupported derivation/count code
  | "ERR_CESR_SIZE" // a size that breaks the code's size rules (raw length, count, full size)
  | "ERR_CESR_PAD" // non-zero pad bits or lead bytes (a non-canonical encoding)
  | "ERR_CESR_CHAR" // a character outside the Base64 URL-safe alphabet
  | "ERR_CESR_COUNT" // a count that does not match the material it frames
  | "ERR_CESR_GROUP" // a group code where it is not allowed, or material outside any group
  | "ERR_CESR_VERSION" // a bad or unsupported version string
  | "ERR_CESR_JSON" // a message body that is not the strict JSON its version string announces
  | "ERR_CESR_VALUE"; // a primitive whose value is out of range (index, size, number, date)

/** A CESR primitive, group or stream that is malformed. `offset` is a byte offset into the input. */
export class CesrError extends ChronosealError {
  override readonly code: CesrErrorCode;
  readonly offset: number;
  constructor(code: CesrErrorCode, message: string, offset = 0) {
    super(code, offset > 0 ? `${message} (at byte ${offset})` : message);
    this.name = "CesrError";
    this.code = code;
    this.offset = offset;
  }

  /** The same error shifted by `base` bytes (used when a primitive sits inside a stream). */
  at(base: number): CesrError {
    if (base === 0) return this;
    const inner = this.message.replace(/ \(at byte \d+\)$/, "");
    return new CesrError(this.code, inner, this.offset + base);
  }
}

/** Stable codes of KERI message validation failures (field shapes, SAIDs, events). */
export type KeriErrorCode =
  | "ERR_KERI_FIELD" // a missing, extra, misordered or ill-typed field
  | "ERR_KERI_SAID" // a SAID that does not match the document
  | "ERR_KERI_THRESHOLD" // an unparsable or unsatisfiable threshold
  | "ERR_KERI_DIGEST" // an unsupported digest code
  | "ERR_KERI_KEY"; // a key material problem (code, length)

/** A KERI or ACDC document that is malformed (a message body, a threshold, a SAID field). */
export class KeriError extends ChronosealError {
  override readonly code: KeriErrorCode;
  /** JSON path of the offending field, e.g. `$.kt` or `$.a[2].d`, when known. */
  readonly path: string | undefined;
  constructor(code: KeriErrorCode, message: string, path?: string) {
    super(code, path ? `${path}: ${message}` : message);
    this.name = "KeriError";
    this.code = code;
    this.path = path;
  }
}
