// Self-addressing identifiers (SAIDs) exactly as KERI computes them: the SAID field ("d", and
// "i" for inceptions whose prefix is self-addressing) is filled with "#" to the code's full
// size, the version string's size field is set to the body's length, the body is serialized in
// its own field order (compact JSON), digested (Blake3-256 by default, code "E"), and the
// digest's qb64 replaces the dummy. Verification dummies the field in the exact bytes given.

import { MATTER_SIZES } from "./cesr/codes.js";
import { decodeMatter, encodeMatter, type Layout } from "./cesr/matter.js";
import { formatVersionString, parseVersionString } from "./cesr/version.js";
import { digestRaw } from "./digest.js";
import { CesrError, KeriError } from "./errors.js";
import { JsonSpanError, member, type ObjectSpan, type Span, scanJson } from "./json-spans.js";

export const SAID_DUMMY = "#";
const utf8 = new TextEncoder();
const HASH = 0x23;

/** Ilks whose "i" is derived from the event itself when it carries a digest code. */
const INCEPTIVE = new Set(["icp", "dip", "vcp"]);

export interface SaidifyOptions {
  /** Digest code of the SAID (default "E", Blake3-256). */
  code?: string;
  layout?: Layout;
  /** Labels to fill; default "d", plus "i" for icp/dip/vcp unless "i" holds a key. */
  labels?: readonly string[];
}

export interface Saidified<T> {
  readonly said: string;
  /** The document with its SAID field(s) and version string size filled in. */
  readonly doc: T;
  /** Its serialization: the exact bytes the SAID commits to and signatures sign. */
  readonly raw: Uint8Array;
}

function dummyLength(code: string): number {
  const sizes = MATTER_SIZES.get(code);
  if (!sizes || sizes.fs === null)
    throw new KeriError("ERR_KERI_DIGEST", `unsupported digest code ${JSON.stringify(code)}`);
  digestRaw(code, new Uint8Array(0)); // throws for digest codes we cannot compute
  return sizes.fs;
}

function defaultLabels(doc: Record<string, unknown>): string[] {
  const labels = ["d"];
  if (typeof doc.t === "string" && INCEPTIVE.has(doc.t) && "i" in doc) {
    const i = doc.i;
    if (i === "" || (typeof i === "string" && (i.startsWith(SAID_DUMMY) || isDigestText(i))))
      labels.push("i");
  }
  return labels;
}

function isDigestText(text: string): boolean {
  const first = text[0];
  return (
    first === "E" || first === "F" || first === "G" || first === "H" || first === "I" || /^0[DEFG]/.test(text)
  );
}

/**
 * Computes and fills the SAID of `doc` (a plain object in the field order it will be sent in).
 * A "v" field is re-versioned with the serialized size, keeping its protocol and minor version.
 */
export function saidify<T extends Record<string, unknown>>(
  doc: T,
  options: SaidifyOptions = {},
): Saidified<T> {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    throw new TypeError("saidify: expected a plain object");
  const code = options.code ?? "E";
  const fs = dummyLength(code);
  const labels = options.labels ?? defaultLabels(doc);
  const work: Record<string, unknown> = { ...doc };
  for (const label of labels) {
    if (!(label in work))
      throw new KeriError("ERR_KERI_FIELD", `missing SAID field "${label}"`, `$.${label}`);
    work[label] = SAID_DUMMY.repeat(fs);
  }
  if ("v" in work) {
    const vs = typeof work.v === "string" ? parseVersionString(work.v) : undefined;
    const protocol = vs?.protocol ?? ("t" in work ? "KERI" : "ACDC");
    work.v = formatVersionString(protocol, 0, vs?.minor ?? 0);
    work.v = formatVersionString(protocol, utf8.encode(JSON.stringify(work)).length, vs?.minor ?? 0);
  }
  const said = encodeMatter(code, digestRaw(code, utf8.encode(JSON.stringify(work))), {
    layout: options.layout ?? "current",
  });
  for (const label of labels) work[label] = said;
  return { said, doc: work as T, raw: utf8.encode(JSON.stringify(work)) };
}

export type SaidMismatchReason =
  | "not-json" // the bytes are not one compact JSON object
  | "missing-said" // no SAID field, or not a string
  | "bad-said-code" // the SAID field is not a supported digest primitive
  | "version-size" // the version string's size is not the body's length
  | "prefix-mismatch" // an inception's self-addressing "i" differs from its "d"
  | "digest-mismatch"; // the digest of the dummied body differs from the SAID

export type SaidCheck =
  | { readonly ok: true; readonly said: string; readonly code: string; readonly layout: Layout }
  | {
      readonly ok: false;
      readonly reason: SaidMismatchReason;
      readonly message: string;
      /** The SAID as written in the document (when there is one). */
      readonly actual?: string;
      /** The SAID the bytes actually have (for digest mismatches). */
      readonly expected?: string;
    };

export interface VerifySaidOptions {
  /** "auto" (default) accepts either layout and reports which one matched. */
  layout?: Layout | "auto";
  /** SAID labels; default "d" plus a self-addressing "i" of icp/dip/vcp. */
  labels?: readonly string[];
  /** Label of the SAID to compare with (default "d"). */
  saidLabel?: string;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function stringValue(raw: Uint8Array, span: Span | undefined): string | undefined {
  if (span?.kind !== "string") return undefined;
  try {
    return JSON.parse(decoder.decode(raw.subarray(span.start, span.end))) as string;
  } catch {
    return undefined;
  }
}

/**
 * Verifies the SAID of a serialized document (`raw`, exact bytes) or of a plain object
 * (serialized as JSON.stringify does). Never throws for bad documents: returns a typed reason.
 */
export function verifySaid(
  input: Uint8Array | Record<string, unknown>,
  options: VerifySaidOptions = {},
): SaidCheck {
  const raw = input instanceof Uint8Array ? input : utf8.encode(JSON.stringify(input));
  let top: Span;
  try {
    top = scanJson(raw);
  } catch (e) {
    if (e instanceof JsonSpanError) return { ok: false, reason: "not-json", message: e.message };
    throw e;
  }
  return verifySaidSpan(raw, top, options);
}

/** verifySaid over an already scanned object span of `raw` (a body or a nested section). */
export function verifySaidSpan(raw: Uint8Array, span: Span, options: VerifySaidOptions = {}): SaidCheck {
  if (span.kind !== "object") return { ok: false, reason: "not-json", message: "expected a JSON object" };
  const saidLabel = options.saidLabel ?? "d";
  const said = stringValue(raw, member(span, saidLabel));
  if (said === undefined)
    return { ok: false, reason: "missing-said", message: `no string SAID field "${saidLabel}"` };
  let code: string;
  try {
    const m = decodeMatter(said, "current");
    code = m.code;
    if (m.qb64 !== said) throw new CesrError("ERR_CESR_SIZE", "trailing characters");
  } catch (e) {
    try {
      const m = decodeMatter(said, "2022");
      code = m.code;
      if (m.qb64 !== said) throw e;
    } catch {
      return {
        ok: false,
        reason: "bad-said-code",
        message: `SAID ${JSON.stringify(said.slice(0, 50))} is not a digest primitive`,
        actual: said,
      };
    }
  }
  try {
    dummyLength(code);
  } catch {
    return {
      ok: false,
      reason: "bad-said-code",
      message: `unsupported SAID digest code ${code}`,
      actual: said,
    };
  }
  const vs = stringValue(raw, member(span, "v"));
  if (vs !== undefined && span.start === 0) {
    try {
      const v = parseVersionString(vs);
      if (v.size !== span.end - span.start) {
        return {
          ok: false,
          reason: "version-size",
          message: `version string size ${v.size} != body length ${span.end - span.start}`,
          actual: said,
        };
      }
    } catch (e) {
      if (!(e instanceof CesrError)) throw e;
      return { ok: false, reason: "version-size", message: e.message, actual: said };
    }
  }
  const labels = options.labels ?? spanLabels(raw, span, saidLabel);
  // A copy even when `raw` is a Buffer (whose slice() is a view): the dummying below must never
  // write into the caller's bytes.
  const body = Uint8Array.prototype.slice.call(raw, span.start, span.end);
  for (const label of labels) {
    const s = member(span, label);
    const value = stringValue(raw, s);
    if (s === undefined || value === undefined)
      return { ok: false, reason: "missing-said", message: `no string SAID field "${label}"` };
    if (label !== saidLabel && value !== said) {
      return {
        ok: false,
        reason: "prefix-mismatch",
        message: `"${label}" ${value} differs from "${saidLabel}" ${said}`,
        actual: said,
      };
    }
    if (value.length !== said.length || s.end - s.start !== value.length + 2) {
      return {
        ok: false,
        reason: "bad-said-code",
        message: `field "${label}" is not a plain ${said.length}-character SAID`,
        actual: said,
      };
    }
    body.fill(HASH, s.start - span.start + 1, s.end - span.start - 1);
  }
  const digest = digestRaw(code, body);
  const layouts: Layout[] =
    options.layout === undefined || options.layout === "auto" ? ["current", "2022"] : [options.layout];
  for (const layout of layouts) {
    if (encodeMatter(code, digest, { layout }) === said) return { ok: true, said, code, layout };
  }
  const expected = encodeMatter(code, digest, { layout: layouts[0] as Layout });
  return {
    ok: false,
    reason: "digest-mismatch",
    message: `SAID ${said} does not match the body (digest ${expected})`,
    actual: said,
    expected,
  };
}

function spanLabels(raw: Uint8Array, span: ObjectSpan, saidLabel: string): string[] {
  const labels = [saidLabel];
  const t = stringValue(raw, member(span, "t"));
  if (saidLabel === "d" && t !== undefined && INCEPTIVE.has(t)) {
    const i = stringValue(raw, member(span, "i"));
    if (i !== undefined && isDigestText(i)) labels.push("i");
  }
  return labels;
}
