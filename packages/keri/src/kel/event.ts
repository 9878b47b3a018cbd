// KERI key events (version 1): icp, rot, ixn, dip, drt. `parseKeyEvent` checks a body's shape
// exactly as keripy does (the field list and its order per ilk, hex sequence numbers,
// thresholds, prefixes and digests as CESR primitives) and returns a typed event. It does not
// check signatures or the log: that is replay's job.
import { DIGEST_CODES, KEY_CODES, NON_TRANSFERABLE_CODES } from "../cesr/codes.js";
import { decodeMatter, type Layout } from "../cesr/matter.js";
import { CesrError, KeriError } from "../errors.js";
import { parseCount, parseHex, parseThreshold, type Threshold } from "./threshold.js";

export type KeyEventIlk = "icp" | "rot" | "ixn" | "dip" | "drt";
export const KEY_EVENT_ILKS: readonly KeyEventIlk[] = ["icp", "rot", "ixn", "dip", "drt"];

const FIELDS: Record<KeyEventIlk, readonly string[]> = {
  icp: ["v", "t", "d", "i", "s", "kt", "k", "nt", "n", "bt", "b", "c", "a"],
  rot: ["v", "t", "d", "i", "s", "p", "kt", "k", "nt", "n", "bt", "br", "ba", "a"],
  ixn: ["v", "t", "d", "i", "s", "p", "a"],
  dip: ["v", "t", "d", "i", "s", "kt", "k", "nt", "n", "bt", "b", "c", "a", "di"],
  drt: ["v", "t", "d", "i", "s", "p", "kt", "k", "nt", "n", "bt", "br", "ba", "a"],
};

/** Configuration traits of an identifier: establishment-only, do-not-delegate. */
export const TRAIT_EST_ONLY = "EO";
export const TRAIT_DO_NOT_DELEGATE = "DND";

/** A seal as it appears in an event's "a" list (an event seal is {i, s, d}). */
export type Seal = Readonly<Record<string, unknown>>;

export interface KeyEvent {
  readonly ilk: KeyEventIlk;
  readonly said: string;
  readonly prefix: string;
  readonly sn: bigint;
  /** SAID of the prior event (not for inceptions). */
  readonly prior: string | undefined;
  /** Establishment events only: */
  readonly keys: readonly string[] | undefined;
  readonly kt: Threshold | undefined;
  readonly nextDigests: readonly string[] | undefined;
  readonly nt: Threshold | undefined;
  readonly toad: number | undefined;
  /** Inceptions: the witness list; rotations: cuts and adds. */
  readonly witnesses: readonly string[] | undefined;
  readonly cuts: readonly string[] | undefined;
  readonly adds: readonly string[] | undefined;
  readonly config: readonly string[];
  readonly seals: readonly Seal[];
  /** Delegated inceptions: the delegator's prefix. */
  readonly delegator: string | undefined;
  readonly layout: Layout;
  /** The exact serialized body (what signatures sign). */
  readonly raw: Uint8Array;
  readonly body: Readonly<Record<string, unknown>>;
}

export function isEstablishment(ilk: KeyEventIlk): boolean {
  return ilk !== "ixn";
}

function str(body: Record<string, unknown>, label: string): string {
  const v = body[label];
  if (typeof v !== "string")
    throw new KeriError(
      "ERR_KERI_FIELD",
      `expected a string, got ${v === null ? "null" : Array.isArray(v) ? "array" : typeof v}`,
      `$.${label}`,
    );
  return v;
}

function list(body: Record<string, unknown>, label: string): unknown[] {
  const v = body[label];
  if (!Array.isArray(v))
    throw new KeriError(
      "ERR_KERI_FIELD",
      `expected a list, got ${v === null ? "null" : typeof v}`,
      `$.${label}`,
    );
  return v;
}

/** Decodes a qb64 primitive that must be complete and have one of `codes`. */
export function primitive(
  value: unknown,
  codes: ReadonlySet<string>,
  what: string,
  path: string,
  layout: Layout,
): string {
  if (typeof value !== "string")
    throw new KeriError("ERR_KERI_FIELD", `expected a ${what} (qb64 string), got ${typeof value}`, path);
  let code: string;
  try {
    const m = decodeMatter(value, layout);
    if (m.qb64.length !== value.length)
      throw new KeriError(
        "ERR_KERI_FIELD",
        `${what} has ${value.length - m.qb64.length} trailing characters`,
        path,
      );
    code = m.code;
  } catch (e) {
    if (e instanceof CesrError) throw new KeriError("ERR_KERI_FIELD", `not a ${what}: ${e.message}`, path);
    throw e;
  }
  if (!codes.has(code)) throw new KeriError("ERR_KERI_FIELD", `code ${code} is not a ${what}`, path);
  return value;
}

const PREFIX_CODES: ReadonlySet<string> = new Set([...KEY_CODES, ...DIGEST_CODES]);

function primitives(
  body: Record<string, unknown>,
  label: string,
  codes: ReadonlySet<string>,
  what: string,
  layout: Layout,
): string[] {
  const items = list(body, label).map((v, i) => primitive(v, codes, what, `$.${label}[${i}]`, layout));
  if (new Set(items).size !== items.length)
    throw new KeriError("ERR_KERI_FIELD", `duplicate ${what}s`, `$.${label}`);
  return items;
}

/**
 * Checks a key event body and returns it typed. Throws KeriError naming the field for any
 * missing, extra or misordered field, a malformed value, or an inconsistent combination.
 */
export function parseKeyEvent(
  body: Record<string, unknown>,
  raw: Uint8Array,
  layout: Layout = "current",
): KeyEvent {
  const t = body.t;
  if (typeof t !== "string" || !(KEY_EVENT_ILKS as readonly string[]).includes(t)) {
    throw new KeriError("ERR_KERI_FIELD", `not a key event ilk: ${JSON.stringify(t)}`, "$.t");
  }
  const ilk = t as KeyEventIlk;
  const want = FIELDS[ilk];
  const got = Object.keys(body);
  if (got.length !== want.length || got.some((k, i) => k !== want[i])) {
    throw new KeriError(
      "ERR_KERI_FIELD",
      `${ilk} fields must be [${want.join(",")}], got [${got.join(",")}]`,
      "$",
    );
  }
  const said = primitive(body.d, DIGEST_CODES, "digest", "$.d", layout);
  const delegated = ilk === "dip" || ilk === "drt";
  const prefix = primitive(
    body.i,
    delegated ? DIGEST_CODES : PREFIX_CODES,
    delegated ? "self-addressing prefix" : "prefix",
    "$.i",
    layout,
  );
  const sn = parseHex(str(body, "s"), "$.s");
  const inception = ilk === "icp" || ilk === "dip";
  if (inception && sn !== 0n)
    throw new KeriError("ERR_KERI_FIELD", `an inception has sequence number 0, got ${sn}`, "$.s");
  if (!inception && sn === 0n)
    throw new KeriError("ERR_KERI_FIELD", `a ${ilk} cannot have sequence number 0`, "$.s");
  const prior = inception ? undefined : primitive(body.p, DIGEST_CODES, "digest", "$.p", layout);
  const seals = list(body, "a").map((s, i) => {
    if (s === null || typeof s !== "object" || Array.isArray(s))
      throw new KeriError("ERR_KERI_FIELD", "a seal must be an object", `$.a[${i}]`);
    return s as Seal;
  });
  let keys: string[] | undefined;
  let kt: Threshold | undefined;
  let nextDigests: string[] | undefined;
  let nt: Threshold | undefined;
  let toad: number | undefined;
  let witnesses: string[] | undefined;
  let cuts: string[] | undefined;
  let adds: string[] | undefined;
  let config: string[] = [];
  let delegator: string | undefined;
  if (ilk !== "ixn") {
    kt = parseThreshold(body.kt, "$.kt");
    keys = primitives(body, "k", KEY_CODES, "public key", layout);
    if (keys.length === 0)
      throw new KeriError("ERR_KERI_FIELD", "an establishment event needs at least one key", "$.k");
    if (keys.length < kt.size)
      throw new KeriError(
        "ERR_KERI_THRESHOLD",
        `threshold needs ${kt.size} keys, event has ${keys.length}`,
        "$.kt",
      );
    nt = parseThreshold(body.nt, "$.nt", true);
    nextDigests = primitives(body, "n", DIGEST_CODES, "next key digest", layout);
    if (nextDigests.length < nt.size)
      throw new KeriError(
        "ERR_KERI_THRESHOLD",
        `next threshold needs ${nt.size} digests, event has ${nextDigests.length}`,
        "$.nt",
      );
    if (nextDigests.length === 0 && nt.count !== 0)
      throw new KeriError("ERR_KERI_THRESHOLD", 'no next keys: the next threshold must be "0"', "$.nt");
    const bt =
      typeof body.bt === "number"
        ? parseCount(body.bt, "$.bt")
        : Number(parseHex(str(body, "bt"), "$.bt", 8));
    toad = bt;
    if (inception) {
      witnesses = primitives(body, "b", NON_TRANSFERABLE_CODES, "witness prefix", layout);
      checkToad(bt, witnesses.length);
      config = list(body, "c").map((c, i) => {
        if (typeof c !== "string")
          throw new KeriError("ERR_KERI_FIELD", "a configuration trait must be a string", `$.c[${i}]`);
        return c;
      });
    } else {
      cuts = primitives(body, "br", NON_TRANSFERABLE_CODES, "witness prefix", layout);
      adds = primitives(body, "ba", NON_TRANSFERABLE_CODES, "witness prefix", layout);
      if (cuts.some((c) => adds?.includes(c)))
        throw new KeriError("ERR_KERI_FIELD", "a witness is both cut and added", "$.ba");
    }
    if (ilk === "dip") delegator = primitive(body.di, PREFIX_CODES, "delegator prefix", "$.di", layout);
    if (ilk === "icp" && !DIGEST_CODES.has(decodeMatter(prefix, layout).code)) {
      // A basic (key) prefix: one key, threshold 1, the prefix is that key.
      if (keys.length !== 1 || kt.count !== 1 || keys[0] !== prefix) {
        throw new KeriError(
          "ERR_KERI_FIELD",
          "a basic prefix must be the single key of its inception, with threshold 1",
          "$.i",
        );
      }
      if (NON_TRANSFERABLE_CODES.has(decodeMatter(prefix, layout).code)) {
        if (nextDigests.length > 0)
          throw new KeriError(
            "ERR_KERI_FIELD",
            "a non-transferable prefix cannot commit to next keys",
            "$.n",
          );
        if (witnesses?.length)
          throw new KeriError("ERR_KERI_FIELD", "a non-transferable prefix cannot have witnesses", "$.b");
        if (seals.length > 0)
          throw new KeriError("ERR_KERI_FIELD", "a non-transferable prefix cannot anchor seals", "$.a");
      }
    }
  }
  return {
    ilk,
    said,
    prefix,
    sn,
    prior,
    keys,
    kt,
    nextDigests,
    nt,
    toad,
    witnesses,
    cuts,
    adds,
    config,
    seals,
    delegator,
    layout,
    raw,
    body,
  };
}

/** Witness threshold bounds: 1 ≤ toad ≤ witnesses when there are witnesses, else 0. */
export function checkToad(toad: number, witnesses: number, path = "$.bt"): void {
  if (witnesses > 0 ? toad < 1 || toad > witnesses : toad !== 0) {
    throw new KeriError(
      "ERR_KERI_THRESHOLD",
      `witness threshold ${toad} is out of range for ${witnesses} witnesses`,
      path,
    );
  }
}

/** The event seal {i, s, d} that anchors `event` in another log. */
export function eventSealOf(event: Pick<KeyEvent, "prefix" | "sn" | "said">): {
  i: string;
  s: string;
  d: string;
} {
  return { i: event.prefix, s: event.sn.toString(16), d: event.said };
}
