// ACDC SAIDs: the credential's own SAID ("d") and the SAIDs of its sections — attributes "a",
// edges "e" (and each edge block that carries a "d"), rules "r" (and each rule block with a
// "d"). A section may be a block (an object with its own "d") or compact (just that SAID).
// The top-level SAID of the 2022 vLEI credentials commits to the full form; the ACDC spec's
// current rule commits to the most compact form (every section replaced by its SAID). Both are
// checked and the result names the form that matched.
import type { Layout } from "./cesr/matter.js";
import { formatVersionString, parseVersionString } from "./cesr/version.js";
import { KeriError } from "./errors.js";
import { JsonSpanError, member, type ObjectSpan, type Span, scanJson } from "./json-spans.js";
import { type SaidCheck, saidify, verifySaidSpan } from "./said.js";

export const ACDC_SECTIONS = ["a", "e", "r"] as const;
export type AcdcSectionLabel = (typeof ACDC_SECTIONS)[number];

export interface SectionCheck {
  /** "a", "e", "r", or a nested block such as "e.qvi". */
  readonly path: string;
  /** block: an object with a SAID; compact: the SAID alone; plain: an object without "d". */
  readonly kind: "block" | "compact" | "plain";
  readonly said?: string;
  readonly check?: SaidCheck;
}

export interface AcdcCheck {
  readonly ok: boolean;
  /** The top-level SAID check over the form named by `form`. */
  readonly said: SaidCheck;
  readonly form: "full" | "compact" | undefined;
  readonly sections: readonly SectionCheck[];
}

const utf8 = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

function text(raw: Uint8Array, span: Span): string {
  return decoder.decode(raw.subarray(span.start, span.end));
}

/**
 * Verifies an ACDC (exact bytes, or a plain object serialized as JSON.stringify does): every
 * section SAID and the top-level SAID over the full form or, failing that, the compact form.
 */
export function verifyAcdc(
  input: Uint8Array | Record<string, unknown>,
  options: { layout?: Layout | "auto" } = {},
): AcdcCheck {
  const raw = input instanceof Uint8Array ? input : utf8.encode(JSON.stringify(input));
  let top: Span;
  try {
    top = scanJson(raw);
  } catch (e) {
    if (!(e instanceof JsonSpanError)) throw e;
    return {
      ok: false,
      said: { ok: false, reason: "not-json", message: e.message },
      form: undefined,
      sections: [],
    };
  }
  if (top.kind !== "object") {
    return {
      ok: false,
      said: { ok: false, reason: "not-json", message: "expected a JSON object" },
      form: undefined,
      sections: [],
    };
  }
  const sections = checkSections(raw, top, options.layout);
  const full = verifySaidSpan(raw, top, { layout: options.layout, labels: ["d"] });
  let said = full;
  let form: "full" | "compact" | undefined = full.ok ? "full" : undefined;
  if (!full.ok && full.reason === "digest-mismatch") {
    const compact = compactBytes(raw, top);
    if (compact) {
      const check = verifySaidSpan(compact, scanJson(compact), { layout: options.layout, labels: ["d"] });
      if (check.ok) {
        said = check;
        form = "compact";
      }
    }
  }
  const sectionsOk = sections.every((s) => s.kind !== "block" || s.check?.ok);
  return { ok: said.ok && sectionsOk, said, form, sections };
}

function checkSections(
  raw: Uint8Array,
  top: ObjectSpan,
  layout: Layout | "auto" | undefined,
): SectionCheck[] {
  const out: SectionCheck[] = [];
  for (const label of ACDC_SECTIONS) {
    const span = member(top, label);
    if (!span) continue;
    if (span.kind === "string") {
      out.push({ path: label, kind: "compact", said: JSON.parse(text(raw, span)) as string });
      continue;
    }
    if (span.kind !== "object") continue;
    out.push(blockCheck(raw, span, label, layout));
    if (label === "e" || label === "r") {
      for (const m of span.members) {
        if (m.key === "d" || m.value.kind !== "object" || !member(m.value, "d")) continue;
        out.push(blockCheck(raw, m.value, `${label}.${m.key}`, layout));
      }
    }
  }
  return out;
}

function blockCheck(
  raw: Uint8Array,
  span: ObjectSpan,
  path: string,
  layout: Layout | "auto" | undefined,
): SectionCheck {
  const d = member(span, "d");
  if (!d) return { path, kind: "plain" };
  const check = verifySaidSpan(raw, span, { layout, labels: ["d"] });
  return { path, kind: "block", said: check.ok ? check.said : check.actual, check };
}

/** The compact form's bytes: each block section replaced by its SAID, the size re-versioned. */
function compactBytes(raw: Uint8Array, top: ObjectSpan): Uint8Array | undefined {
  const pieces: Uint8Array[] = [];
  let cursor = top.start;
  let changed = false;
  for (const m of top.members) {
    if (!(ACDC_SECTIONS as readonly string[]).includes(m.key) || m.value.kind !== "object") continue;
    const d = member(m.value, "d");
    if (d?.kind !== "string") continue;
    pieces.push(raw.subarray(cursor, m.value.start), raw.subarray(d.start, d.end));
    cursor = m.value.end;
    changed = true;
  }
  if (!changed) return undefined;
  pieces.push(raw.subarray(cursor, top.end));
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  const v = member(top, "v");
  if (v?.kind === "string") {
    try {
      const vs = parseVersionString(JSON.parse(text(raw, v)) as string);
      const fresh = utf8.encode(formatVersionString(vs.protocol, out.length, vs.minor));
      out.set(fresh, v.start + 1);
    } catch {
      return undefined;
    }
  }
  return out;
}

/** The compact form of an ACDC object: every section block replaced by its "d". */
export function compactAcdc<T extends Record<string, unknown>>(acdc: T): T {
  const out: Record<string, unknown> = { ...acdc };
  for (const label of ACDC_SECTIONS) {
    const section = out[label];
    if (section && typeof section === "object" && !Array.isArray(section)) {
      const d = (section as Record<string, unknown>).d;
      if (typeof d === "string") out[label] = d;
    }
  }
  if (typeof out.v === "string") {
    const vs = parseVersionString(out.v);
    out.v = formatVersionString(vs.protocol, utf8.encode(JSON.stringify(out)).length, vs.minor);
  }
  return out as T;
}

/**
 * Fills every SAID of an ACDC: nested edge/rule blocks with a "d", then the sections, then the
 * credential itself over the `form` it should commit to ("full", as the 2022 vLEI credentials
 * do, or "compact", the ACDC spec's current rule). Returns the full form.
 */
export function saidifyAcdc<T extends Record<string, unknown>>(
  acdc: T,
  options: { form?: "full" | "compact"; layout?: Layout } = {},
): { said: string; acdc: T; raw: Uint8Array } {
  const layout = options.layout ?? "current";
  const work: Record<string, unknown> = { ...acdc };
  for (const label of ACDC_SECTIONS) {
    const section = work[label];
    if (!section || typeof section !== "object" || Array.isArray(section)) continue;
    const block: Record<string, unknown> = { ...(section as Record<string, unknown>) };
    if (label !== "a") {
      for (const [k, v] of Object.entries(block)) {
        if (k !== "d" && v && typeof v === "object" && !Array.isArray(v) && "d" in v) {
          block[k] = saidify(v as Record<string, unknown>, { labels: ["d"], layout }).doc;
        }
      }
    }
    work[label] = "d" in block ? saidify(block, { labels: ["d"], layout }).doc : block;
  }
  if (!("d" in work)) throw new KeriError("ERR_KERI_FIELD", 'an ACDC needs a "d" field', "$.d");
  if (options.form === "compact") {
    const compact = saidify(compactAcdc({ ...work, d: "" }), { labels: ["d"], layout });
    work.d = compact.said;
    const full = saidify(work, { labels: [], layout }); // re-version the full form's size
    return { said: compact.said, acdc: full.doc as T, raw: full.raw };
  }
  const full = saidify(work, { labels: ["d"], layout });
  return { said: full.said, acdc: full.doc as T, raw: full.raw };
}
