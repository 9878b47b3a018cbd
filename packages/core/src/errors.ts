// Error conventions shared by every chronoseal module (see STYLE.md → Errors and APIs):
// wrong type → TypeError, wrong length or range → RangeError, both with exact messages;
// domain failures → a ChronosealError subclass with `name` set and a stable `code`.

/** Base class of chronoseal's domain errors: `code` is stable, `message` is for humans. */
export class ChronosealError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ChronosealError";
    this.code = code;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof Uint8Array) return `Uint8Array of length ${value.length}`;
  return typeof value === "object" ? (value.constructor?.name ?? "object") : typeof value;
}

/**
 * Asserts `value` is a Uint8Array (of `length`, when given).
 * Messages: `expected Uint8Array, got string` / `expected Uint8Array of length 32, got length=31`,
 * prefixed with `name` when given.
 */
export function abytes(value: unknown, length?: number, name?: string): Uint8Array {
  const prefix = name ? `${name}: ` : "";
  if (!(value instanceof Uint8Array))
    throw new TypeError(`${prefix}expected Uint8Array, got ${describe(value)}`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${prefix}expected Uint8Array of length ${length}, got length=${value.length}`);
  }
  return value;
}

/** Asserts `value` is a string. */
export function astring(value: unknown, name?: string): string {
  if (typeof value !== "string")
    throw new TypeError(`${name ? `${name}: ` : ""}expected string, got ${describe(value)}`);
  return value;
}

/** Asserts `value` is an array. */
export function aarray(value: unknown, name?: string): unknown[] {
  if (!Array.isArray(value))
    throw new TypeError(`${name ? `${name}: ` : ""}expected array, got ${describe(value)}`);
  return value;
}
