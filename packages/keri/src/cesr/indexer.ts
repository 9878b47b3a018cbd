// Indexed signatures ("indexer" primitives): a signature plus the index of the signing key in
// the current key list and, for codes that have one, the "ondex" into the prior next-key digest
// list. "Current only" codes carry no ondex (the key exposes no prior commitment); for the
// one-index "both" codes (A) the ondex equals the index.
import { CesrError } from "../errors.js";
import { allZero, assertB64, b64ToInt, decodeB64, encodeB64, intToB64 } from "./b64.js";
import { INDEXER_SIZES, INDEXER_SIZES_2022, type IndexerSizes, indexerHardSize } from "./codes.js";
import type { Layout } from "./matter.js";

export interface Indexer {
  readonly code: string;
  readonly index: number;
  /** Index into the prior next-key digests, or undefined for current-only signatures. */
  readonly ondex: number | undefined;
  readonly raw: Uint8Array;
  readonly qb64: string;
}

function table(layout: Layout): ReadonlyMap<string, IndexerSizes> {
  return layout === "2022" ? INDEXER_SIZES_2022 : INDEXER_SIZES;
}

/** Code sizes of the indexed signature at text[start]. */
export function sniffIndexer(
  text: string,
  start = 0,
  layout: Layout = "current",
): { code: string; sizes: IndexerSizes } {
  if (start >= text.length)
    throw new CesrError("ERR_CESR_SHORT", "expected an indexed signature, input ended", start);
  const first = text[start] as string;
  if (first === "-")
    throw new CesrError("ERR_CESR_GROUP", "unexpected count code where an indexed signature belongs", start);
  const hs = indexerHardSize(first);
  if (hs === undefined)
    throw new CesrError(
      "ERR_CESR_CODE",
      `unknown indexed signature code start ${JSON.stringify(first)}`,
      start,
    );
  if (text.length - start < hs)
    throw new CesrError("ERR_CESR_SHORT", `indexed signature code needs ${hs} characters`, start);
  const code = text.slice(start, start + hs);
  const sizes = table(layout).get(code);
  if (!sizes) throw new CesrError("ERR_CESR_CODE", `unsupported indexed signature code ${code}`, start);
  return { code, sizes };
}

/** Decodes the indexed signature at the start of `text`; `base` is added to error offsets. */
export function decodeIndexer(text: string, layout: Layout = "current", base = 0): Indexer {
  if (typeof text !== "string") throw new TypeError(`expected qb64 string, got ${typeof text}`);
  try {
    const { code, sizes } = sniffIndexer(text, 0, layout);
    const { hs, ss, os, fs } = sizes;
    const cs = hs + ss;
    if (text.length < fs) {
      throw new CesrError(
        "ERR_CESR_SHORT",
        `indexed signature ${code} needs ${fs} characters, got ${text.length}`,
      );
    }
    assertB64(text, hs, fs);
    const index = b64ToInt(text.slice(hs, hs + ss - os));
    const otherText = text.slice(hs + ss - os, cs);
    let ondex: number | undefined;
    if (sizes.currentOnly) {
      if (os > 0 && b64ToInt(otherText) !== 0) {
        throw new CesrError(
          "ERR_CESR_VALUE",
          `current-only signature ${code} must have ondex 0, got ${b64ToInt(otherText)}`,
        );
      }
      ondex = undefined;
    } else {
      ondex = os > 0 ? b64ToInt(otherText) : index;
    }
    const ps = cs % 4;
    const value = text.slice(cs, fs);
    let raw: Uint8Array;
    if (ps === 0) raw = decodeB64(value);
    else if (layout === "current") {
      const paw = decodeB64("A".repeat(ps) + value);
      if (!allZero(paw, 0, ps))
        throw new CesrError("ERR_CESR_PAD", `indexed signature ${code} has non-zero midpad bits`);
      raw = paw.subarray(ps);
    } else {
      const paw = decodeB64(value + "A".repeat(ps));
      if (!allZero(paw, paw.length - ps, paw.length)) {
        throw new CesrError(
          "ERR_CESR_PAD",
          `indexed signature ${code} has non-zero trailing pad bits (2022 layout)`,
        );
      }
      raw = paw.subarray(0, paw.length - ps);
    }
    return { code, index, ondex, raw, qb64: text.slice(0, fs) };
  } catch (e) {
    throw e instanceof CesrError ? e.at(base) : e;
  }
}

/**
 * Encodes an indexed signature. For "both" codes with an ondex field, `ondex` defaults to
 * `index`; current-only codes must not be given an ondex. Throws RangeError when out of range.
 */
export function encodeIndexer(
  code: string,
  raw: Uint8Array,
  index: number,
  options: { ondex?: number; layout?: Layout } = {},
): string {
  const layout = options.layout ?? "current";
  const sizes = table(layout).get(code);
  if (!sizes) throw new CesrError("ERR_CESR_CODE", `unsupported indexed signature code ${code}`);
  const { hs, ss, os, fs } = sizes;
  const cs = hs + ss;
  const rawSize = Math.floor(((fs - cs) * 3) / 4);
  if (raw.length !== rawSize)
    throw new RangeError(`code ${code}: expected raw of length ${rawSize}, got length=${raw.length}`);
  const ms = ss - os;
  if (!Number.isSafeInteger(index) || index < 0 || index >= 64 ** ms) {
    throw new RangeError(`code ${code}: index ${index} out of range [0, ${64 ** ms - 1}]`);
  }
  let ondex = options.ondex;
  if (sizes.currentOnly) {
    if (ondex !== undefined) throw new RangeError(`code ${code} is current-only: it takes no ondex`);
    ondex = 0;
  } else if (os === 0) {
    if (ondex !== undefined && ondex !== index)
      throw new RangeError(`code ${code}: ondex must equal index (${index}), got ${ondex}`);
    ondex = 0;
  } else {
    ondex ??= index;
    if (!Number.isSafeInteger(ondex) || ondex < 0 || ondex >= 64 ** os) {
      throw new RangeError(`code ${code}: ondex ${ondex} out of range [0, ${64 ** os - 1}]`);
    }
  }
  const both = code + intToB64(index, ms) + (os > 0 ? intToB64(ondex, os) : "");
  const ps = cs % 4;
  if (ps === 0) return both + encodeB64(raw);
  if (layout === "current") {
    const padded = new Uint8Array(ps + raw.length);
    padded.set(raw, ps);
    return both + encodeB64(padded).slice(ps);
  }
  const padded = new Uint8Array(raw.length + ps);
  padded.set(raw, 0);
  return both + encodeB64(padded).slice(0, -ps);
}
