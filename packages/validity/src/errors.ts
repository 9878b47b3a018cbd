// Typed errors of the validity package. Every malformed field, option or piece of evidence
// becomes one of these (or a TypeError / RangeError for wrong argument types), with a stable
// `code`; field errors also name the JSON path of the offending field.
import { ChronosealError } from "@chronoseal/core";

/** A field of a credential, TEL event, status reply or schema that is malformed. */
export class FieldError extends ChronosealError {
  override readonly code = "ERR_VALIDITY_FIELD";
  /** JSON path of the field, e.g. `$.a.gracePeriod` or `$.e.qvi.n`. */
  readonly path: string;
  constructor(path: string, message: string) {
    super("ERR_VALIDITY_FIELD", `${path}: ${message}`);
    this.name = "FieldError";
    this.path = path;
  }
}

/** A resolution, a validOn time or a window computation that is out of range. */
export class WindowError extends ChronosealError {
  override readonly code = "ERR_VALIDITY_WINDOW";
  constructor(message: string) {
    super("ERR_VALIDITY_WINDOW", message);
    this.name = "WindowError";
  }
}

/** Evidence that cannot be imported at all (not KERI/ACDC, or not parseable). */
export class EvidenceError extends ChronosealError {
  override readonly code = "ERR_VALIDITY_EVIDENCE";
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_VALIDITY_EVIDENCE", message, options);
    this.name = "EvidenceError";
  }
}

/** The evidence store's file cannot be used (wrong format, corrupt rows). */
export class StoreError extends ChronosealError {
  override readonly code = "ERR_VALIDITY_STORE";
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_VALIDITY_STORE", message, options);
    this.name = "StoreError";
  }
}

/** A controller (key material and its log) that cannot do what was asked. */
export class ControllerError extends ChronosealError {
  override readonly code = "ERR_VALIDITY_CONTROLLER";
  constructor(message: string) {
    super("ERR_VALIDITY_CONTROLLER", message);
    this.name = "ControllerError";
  }
}

/** Describes a JSON value's type for messages: "string \"90\"", "number 1e+13", "array", "null". */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "string")
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "number") return `number ${value}`;
  return typeof value;
}
