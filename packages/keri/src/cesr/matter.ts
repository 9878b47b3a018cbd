// CESR primitives ("matter"): a derivation code plus raw bytes, in text (qb64) and binary (qb2)
// form. Two layouts exist for fixed-size codes whose code length is not a multiple of 4:
// "current" (keripy ≥ 1.0, the CESR spec) puts the pad bits between code and raw ("midpad"),
// "2022" (keripy 0.6, the 2022 vLEI samples) appended them after the raw. Both give the same
// sizes; only the bit position differs. Either way the pad bits and lead bytes must be zero.
import { CesrError } from "../errors.js";
import { allZero, assertB64, b64ToInt, decodeB64, encodeB64, intToB64 } from "./b64.js";
import { MATTER_SIZES, type MatterSizes, matterHardSize } from "./codes.js";

export type Layout = "current" | "2022";

export interface Matter {
  /** Hard part of the code, e.g. "E" or "0B". */
  readonly code: string;
  /** Soft part without its pre-pad (a tag value or a variable size), usually "". */
  readonly soft: string;
  readonly raw: Uint8Array;
  /** The fully qualified text form. */
  readonly qb64: string;
}

/** Sizes of the primitive starting at text[start]: its code sizes and full length in chars. */
export function sniffMatter(text: string, start = 0): { code: string; sizes: MatterSizes; fs: number } {
  if (start >= text.length) throw new CesrError("ERR_CESR_SHORT", "expected a primitive, input ended", start);
  const first = text[start] as string;
  if (first === "-")
    throw new CesrError("ERR_CESR_GROUP", "unexpected count code where a primitive belongs", start);
  if (first === "_")
    throw new CesrError("ERR_CESR_CODE", "unexpected op code where a primitive belongs", start);
  const hs = matterHardSize(first);
  if (hs === undefined)
    throw new CesrError("ERR_CESR_CODE", `unknown primitive code start ${JSON.stringify(first)}`, start);
  if (text.length - start < hs)
    throw new CesrError("ERR_CESR_SHORT", `primitive code needs ${hs} characters`, start);
  const code = text.slice(start, start + hs);
  assertB64(code, 0, code.length, start);
  const sizes = MATTER_SIZES.get(code);
  if (!sizes) throw new CesrError("ERR_CESR_CODE", `unsupported primitive code ${code}`, start);
  const cs = sizes.hs + sizes.ss;
  if (text.length - start < cs)
    throw new CesrError("ERR_CESR_SHORT", `primitive ${code} needs ${cs} code characters`, start);
  assertB64(text, start + hs, start + cs, 0);
  let fs = sizes.fs;
  if (fs === null) fs = cs + 4 * b64ToInt(text.slice(start + hs + sizes.xs, start + cs));
  return { code, sizes, fs };
}

/**
 * Decodes the primitive at the start of `text` (extra text after it is ignored); `base` is added
 * to error offsets. Throws CesrError for unknown codes, short input and non-zero pad or lead bits.
 */
export function decodeMatter(text: string, layout: Layout = "current", base = 0): Matter {
  if (typeof text !== "string") throw new TypeError(`expected qb64 string, got ${typeof text}`);
  try {
    const { code, sizes, fs } = sniffMatter(text);
    if (text.length < fs) {
      throw new CesrError("ERR_CESR_SHORT", `primitive ${code} needs ${fs} characters, got ${text.length}`);
    }
    const cs = sizes.hs + sizes.ss;
    assertB64(text, cs, fs);
    const softAll = text.slice(sizes.hs, cs);
    if (softAll.slice(0, sizes.xs) !== "_".repeat(sizes.xs)) {
      throw new CesrError("ERR_CESR_PAD", `primitive ${code} soft pre-pad must be "${"_".repeat(sizes.xs)}"`);
    }
    const soft = softAll.slice(sizes.xs);
    const raw = rawFromText(text.slice(cs, fs), cs % 4, sizes.ls, layout, code);
    return { code, soft: sizes.fs === null ? "" : soft, raw, qb64: text.slice(0, fs) };
  } catch (e) {
    throw e instanceof CesrError ? e.at(base) : e;
  }
}

/** Raw bytes from the value characters, checking pad bits (ps) and lead bytes (ls) are zero. */
function rawFromText(value: string, ps: number, ls: number, layout: Layout, code: string): Uint8Array {
  if (ps === 0) {
    const paw = decodeB64(value);
    if (!allZero(paw, 0, ls))
      throw new CesrError("ERR_CESR_PAD", `primitive ${code} has non-zero lead bytes`);
    return paw.subarray(ls);
  }
  if (layout === "current") {
    const paw = decodeB64("A".repeat(ps) + value);
    if (!allZero(paw, 0, ps + ls))
      throw new CesrError("ERR_CESR_PAD", `primitive ${code} has non-zero midpad bits`);
    return paw.subarray(ps + ls);
  }
  const paw = decodeB64(value + "A".repeat(ps));
  if (!allZero(paw, paw.length - ps, paw.length)) {
    throw new CesrError("ERR_CESR_PAD", `primitive ${code} has non-zero trailing pad bits (2022 layout)`);
  }
  if (!allZero(paw, 0, ls)) throw new CesrError("ERR_CESR_PAD", `primitive ${code} has non-zero lead bytes`);
  return paw.subarray(ls, paw.length - ps);
}

/** Raw size in bytes of a fixed-size code (throws for variable-size codes). */
export function matterRawSize(code: string): number {
  const sizes = MATTER_SIZES.get(code);
  if (!sizes) throw new CesrError("ERR_CESR_CODE", `unsupported primitive code ${code}`);
  if (sizes.fs === null) throw new CesrError("ERR_CESR_SIZE", `code ${code} has a variable size`);
  return Math.floor(((sizes.fs - sizes.hs - sizes.ss) * 3) / 4) - sizes.ls;
}

/**
 * Encodes `raw` under `code` (qb64). `soft` is the value of special soft codes (tags); for
 * variable-size codes the size is computed. Throws RangeError when raw does not fit the code.
 */
export function encodeMatter(
  code: string,
  raw: Uint8Array,
  options: { soft?: string; layout?: Layout } = {},
): string {
  const sizes = MATTER_SIZES.get(code);
  if (!sizes) throw new CesrError("ERR_CESR_CODE", `unsupported primitive code ${code}`);
  const layout = options.layout ?? "current";
  const cs = sizes.hs + sizes.ss;
  let both: string;
  if (sizes.fs === null) {
    if ((raw.length + sizes.ls) % 3 !== 0) {
      throw new RangeError(
        `code ${code}: raw length ${raw.length} + ${sizes.ls} lead bytes is not a multiple of 3`,
      );
    }
    both = code + intToB64(((raw.length + sizes.ls) * 4) / 3 / 4, sizes.ss);
  } else {
    const want = matterRawSize(code);
    if (raw.length !== want)
      throw new RangeError(`code ${code}: expected raw of length ${want}, got length=${raw.length}`);
    const soft = options.soft ?? "";
    if (soft.length !== sizes.ss - sizes.xs) {
      throw new RangeError(
        `code ${code}: expected soft part of ${sizes.ss - sizes.xs} characters, got ${soft.length}`,
      );
    }
    assertB64(soft);
    both = code + "_".repeat(sizes.xs) + soft;
  }
  const ps = cs % 4;
  const lead = new Uint8Array(sizes.ls + raw.length);
  lead.set(raw, sizes.ls);
  if (ps === 0) return both + encodeB64(lead);
  if (layout === "current") {
    const padded = new Uint8Array(ps + lead.length);
    padded.set(lead, ps);
    return both + encodeB64(padded).slice(ps);
  }
  const padded = new Uint8Array(lead.length + ps);
  padded.set(lead, 0);
  return both + encodeB64(padded).slice(0, -ps);
}

/** Text → binary domain for any complete qb64 primitive or count code (a multiple of 4 chars). */
export function qb64ToQb2(qb64: string): Uint8Array {
  if (qb64.length % 4 !== 0)
    throw new CesrError("ERR_CESR_SIZE", `qb64 length ${qb64.length} is not a multiple of 4`);
  return decodeB64(qb64);
}

/** Binary → text domain (a multiple of 3 bytes). */
export function qb2ToQb64(qb2: Uint8Array): string {
  if (qb2.length % 3 !== 0)
    throw new CesrError("ERR_CESR_SIZE", `qb2 length ${qb2.length} is not a multiple of 3`);
  return encodeB64(qb2);
}

/**
 * Decodes the primitive at the start of binary `bytes`: reads enough bytes to learn the code and
 * size, then decodes the text form. Returns the primitive and its length in bytes.
 */
export function decodeMatterQb2(
  bytes: Uint8Array,
  layout: Layout = "current",
  base = 0,
): { matter: Matter; size: number } {
  const head = bytes.subarray(0, Math.min(9, bytes.length - (bytes.length % 3)));
  if (head.length === 0)
    throw new CesrError("ERR_CESR_SHORT", "expected a binary primitive, input ended", base);
  let fs: number;
  try {
    fs = sniffMatter(encodeB64(head)).fs;
  } catch (e) {
    throw e instanceof CesrError
      ? new CesrError(e.code, e.message.replace(/ \(at byte \d+\)$/, ""), base)
      : e;
  }
  const size = (fs * 3) / 4;
  if (bytes.length < size)
    throw new CesrError("ERR_CESR_SHORT", `binary primitive needs ${size} bytes, got ${bytes.length}`, base);
  return { matter: decodeMatter(encodeB64(bytes.subarray(0, size)), layout, base), size };
}
