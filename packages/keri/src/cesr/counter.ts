// CESR count codes: a group code plus a count of the items (or quadlets) it frames. Small codes
// carry 2 Base64 digits (up to 4,095); big codes carry 5 (up to 1,073,741,823).
import { CesrError } from "../errors.js";
import { assertB64, b64ToInt, decodeB64, encodeB64, intToB64 } from "./b64.js";
import { COUNTER_SIZES, type CounterSizes } from "./codes.js";

export interface Counter {
  readonly code: string;
  readonly name: string;
  readonly count: number;
  readonly qb64: string;
}

/** Code and sizes of the count code at text[start]. */
export function sniffCounter(text: string, start = 0): { code: string; sizes: CounterSizes } {
  if (text.length - start < 2)
    throw new CesrError("ERR_CESR_SHORT", "expected a count code, input ended", start);
  if (text[start] !== "-") {
    throw new CesrError(
      "ERR_CESR_GROUP",
      `expected a count code ("-"), got ${JSON.stringify(text[start])}`,
      start,
    );
  }
  const second = text[start + 1] as string;
  let code: string | undefined;
  if (/^[A-Za-z]$/.test(second)) code = text.slice(start, start + 2);
  else if (second === "0") code = text.slice(start, start + 3);
  else if (second === "-" || second === "_") {
    // "--V"/"--L" (hard size 3) and "--AAA"/"-_AAA" (hard size 5) share the "--" start.
    const three = text.slice(start, start + 3);
    code = COUNTER_SIZES.has(three) ? three : text.slice(start, start + 5);
  }
  if (code === undefined)
    throw new CesrError(
      "ERR_CESR_CODE",
      `unknown count code start ${JSON.stringify(text.slice(start, start + 2))}`,
      start,
    );
  const sizes = COUNTER_SIZES.get(code);
  if (!sizes) {
    if (text.length - start < code.length)
      throw new CesrError("ERR_CESR_SHORT", "count code truncated", start);
    throw new CesrError("ERR_CESR_CODE", `unsupported count code ${code}`, start);
  }
  return { code, sizes };
}

/** Decodes the count code at the start of `text`; `base` is added to error offsets. */
export function decodeCounter(text: string, base = 0): Counter {
  if (typeof text !== "string") throw new TypeError(`expected qb64 string, got ${typeof text}`);
  try {
    const { code, sizes } = sniffCounter(text);
    if (text.length < sizes.fs)
      throw new CesrError("ERR_CESR_SHORT", `count code ${code} needs ${sizes.fs} characters`);
    assertB64(text, sizes.hs, sizes.fs);
    const count = b64ToInt(text.slice(sizes.hs, sizes.fs));
    return { code, name: sizes.name, count, qb64: text.slice(0, sizes.fs) };
  } catch (e) {
    throw e instanceof CesrError ? e.at(base) : e;
  }
}

/** Encodes a count code. Throws RangeError when `count` does not fit its soft size. */
export function encodeCounter(code: string, count: number): string {
  const sizes = COUNTER_SIZES.get(code);
  if (!sizes) throw new CesrError("ERR_CESR_CODE", `unsupported count code ${code}`);
  return code + intToB64(count, sizes.ss);
}

/** Decodes a binary count code at the start of `bytes`: returns it and its size in bytes. */
export function decodeCounterQb2(bytes: Uint8Array, base = 0): { counter: Counter; size: number } {
  const head = bytes.subarray(0, Math.min(6, bytes.length - (bytes.length % 3)));
  if (head.length === 0)
    throw new CesrError("ERR_CESR_SHORT", "expected a binary count code, input ended", base);
  let fs: number;
  try {
    fs = sniffCounter(encodeB64(head)).sizes.fs;
  } catch (e) {
    throw e instanceof CesrError
      ? new CesrError(e.code, e.message.replace(/ \(at byte \d+\)$/, ""), base)
      : e;
  }
  const size = (fs * 3) / 4;
  if (bytes.length < size)
    throw new CesrError("ERR_CESR_SHORT", `binary count code needs ${size} bytes`, base);
  return { counter: decodeCounter(encodeB64(bytes.subarray(0, size)), base), size };
}

/** Binary form of a count code. */
export function counterQb2(qb64: string): Uint8Array {
  return decodeB64(qb64);
}
