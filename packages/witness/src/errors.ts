// Typed errors of the witness. WitnessError carries the HTTP status tlog-witness prescribes for
// each refusal of add-checkpoint, and a stable code:
//   400 ERR_WITNESS_MALFORMED     the body is not "old <size>", proof lines, a blank line and a
//                                 checkpoint note; or the old size is above the checkpoint's
//   403 ERR_WITNESS_FORBIDDEN     no signature by a key trusted for the origin verifies
//   404 ERR_WITNESS_UNKNOWN_ORIGIN the witness does not witness this origin
//   409 ERR_WITNESS_CONFLICT      the old size is not the witness's size for the origin (`size`
//                                 says which it is), or equal sizes with another root
//   422 ERR_WITNESS_BAD_PROOF     the consistency proof does not verify
//   500 ERR_WITNESS_STATE         the witness cannot read or write its state for the origin
// WitnessConfigError is a bad configuration; WitnessClientError a failed submission (client.ts).
import { ChronosealError } from "@chronoseal/core";

export type WitnessErrorCode =
  | "ERR_WITNESS_MALFORMED"
  | "ERR_WITNESS_FORBIDDEN"
  | "ERR_WITNESS_UNKNOWN_ORIGIN"
  | "ERR_WITNESS_CONFLICT"
  | "ERR_WITNESS_BAD_PROOF"
  | "ERR_WITNESS_STATE";

const STATUS: Record<WitnessErrorCode, number> = {
  ERR_WITNESS_MALFORMED: 400,
  ERR_WITNESS_FORBIDDEN: 403,
  ERR_WITNESS_UNKNOWN_ORIGIN: 404,
  ERR_WITNESS_CONFLICT: 409,
  ERR_WITNESS_BAD_PROOF: 422,
  ERR_WITNESS_STATE: 500,
};

export class WitnessError extends ChronosealError {
  declare readonly code: WitnessErrorCode;
  /** The HTTP status of the answer. */
  readonly status: number;
  /** 409 only: the size of the latest checkpoint the witness cosigned for the origin. */
  readonly size: number | undefined;
  constructor(code: WitnessErrorCode, message: string, options: { size?: number; cause?: unknown } = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "WitnessError";
    this.status = STATUS[code];
    this.size = options.size;
  }
}

export class WitnessConfigError extends ChronosealError {
  constructor(message: string) {
    super("ERR_WITNESS_CONFIG", message);
    this.name = "WitnessConfigError";
  }
}

export type WitnessClientErrorCode =
  /** The witness could not be reached, timed out, or answered 5xx: worth retrying later. */
  | "ERR_WITNESS_UNAVAILABLE"
  /** The witness refused the checkpoint (4xx other than a resolvable 409). */
  | "ERR_WITNESS_REFUSED"
  /** The witness holds a larger tree for the origin than this checkpoint: it will never cosign it. */
  | "ERR_WITNESS_AHEAD"
  /** The answer had no valid cosignature by the witness's key. */
  | "ERR_WITNESS_ANSWER";

export class WitnessClientError extends ChronosealError {
  declare readonly code: WitnessClientErrorCode;
  /** The HTTP status, when the witness answered. */
  readonly status: number | undefined;
  constructor(code: WitnessClientErrorCode, message: string, status?: number) {
    super(code, message);
    this.name = "WitnessClientError";
    this.status = status;
  }
}
