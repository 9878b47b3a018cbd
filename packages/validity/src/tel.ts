// Transaction event logs (TEL) as keripy writes them: the registry's management events (vcp
// inception, vrt backer rotation) and each credential's events (iss/rev in a registry without
// backers, bis/brv in a registry with backers). `parseTelEvent` checks a body's shape exactly
// (the field list and its order per ilk, hex sequence numbers, CESR primitives, datetimes)
// and returns a typed event, or throws a FieldError naming the field. Authentication (the
// anchoring seal in the issuer's KEL, backer receipts) is the resolver's job, not this one's.
import {
  DIGEST_CODES,
  decodeMatter,
  KeriError,
  type Layout,
  NON_TRANSFERABLE_CODES,
  parseHex,
} from "@chronoseal/keri";
import { describeValue, FieldError } from "./errors.js";
import { type Instant, parseInstant } from "./time.js";

export type TelIlk = "vcp" | "vrt" | "iss" | "rev" | "bis" | "brv";
const TEL_ILKS: readonly TelIlk[] = ["vcp", "vrt", "iss", "rev", "bis", "brv"];

const FIELDS: Record<TelIlk, readonly string[]> = {
  vcp: ["v", "t", "d", "i", "ii", "s", "c", "bt", "b", "n"],
  vrt: ["v", "t", "d", "i", "p", "s", "bt", "br", "ba"],
  iss: ["v", "t", "d", "i", "s", "ri", "dt"],
  rev: ["v", "t", "d", "i", "s", "ri", "p", "dt"],
  bis: ["v", "t", "d", "i", "ii", "s", "ra", "dt"],
  brv: ["v", "t", "d", "i", "s", "p", "ra", "dt"],
};

/** Registry configuration trait: no backers (credential events are iss/rev, anchored only). */
export const TRAIT_NO_BACKERS = "NB";

/** An event seal {i, s, d}: where a registry event sits (bis/brv name the registry's state). */
export interface EventSeal {
  readonly i: string;
  readonly s: string;
  readonly d: string;
}

export interface RegistryInception {
  readonly ilk: "vcp";
  readonly said: string;
  /** The registry identifier (the vcp's own SAID). */
  readonly registry: string;
  /** The issuer: the identifier whose KEL anchors the registry's events. */
  readonly issuer: string;
  readonly sn: 0n;
  readonly config: readonly string[];
  readonly toad: number;
  readonly backers: readonly string[];
  readonly nonce: string;
}

export interface RegistryRotation {
  readonly ilk: "vrt";
  readonly said: string;
  readonly registry: string;
  readonly prior: string;
  readonly sn: bigint;
  readonly toad: number;
  readonly cuts: readonly string[];
  readonly adds: readonly string[];
}

export interface CredentialEvent {
  readonly ilk: "iss" | "rev" | "bis" | "brv";
  readonly said: string;
  /** The credential's SAID. */
  readonly credential: string;
  /** 0 for issuance, 1 for revocation. */
  readonly sn: 0n | 1n;
  readonly registry: string;
  /** Revocations: the issuance event's SAID. */
  readonly prior: string | undefined;
  /** Backed registries (bis/brv): the registry event in force. */
  readonly registrySeal: EventSeal | undefined;
  /** The datetime the issuer states for the event (`dt`). */
  readonly dt: Instant;
  readonly dtText: string;
}

export type TelEvent = RegistryInception | RegistryRotation | CredentialEvent;

export function isTelIlk(ilk: unknown): ilk is TelIlk {
  return typeof ilk === "string" && (TEL_ILKS as readonly string[]).includes(ilk);
}

function fieldError(e: unknown, fallbackPath: string): never {
  if (e instanceof KeriError)
    throw new FieldError(e.path ?? fallbackPath, e.message.replace(/^\$[^:]*: /, ""));
  throw e;
}

/** A complete qb64 primitive (any code): identifiers and SAIDs. */
function qb64(
  body: Record<string, unknown>,
  label: string,
  layout: Layout,
  codes?: ReadonlySet<string>,
): string {
  const value = body[label];
  const path = `$.${label}`;
  if (typeof value !== "string")
    throw new FieldError(path, `expected a qb64 string, got ${describeValue(value)}`);
  let code: string;
  try {
    const m = decodeMatter(value, layout);
    if (m.qb64.length !== value.length) throw new FieldError(path, "trailing characters after the primitive");
    code = m.code;
  } catch (e) {
    if (e instanceof FieldError) throw e;
    throw new FieldError(path, `not a CESR primitive: ${(e as Error).message}`);
  }
  if (codes && !codes.has(code)) throw new FieldError(path, `code ${code} is not allowed here`);
  return value;
}

function hex(body: Record<string, unknown>, label: string): bigint {
  try {
    return parseHex(body[label], `$.${label}`);
  } catch (e) {
    fieldError(e, `$.${label}`);
  }
}

function prefixList(body: Record<string, unknown>, label: string, layout: Layout): string[] {
  const v = body[label];
  if (!Array.isArray(v)) throw new FieldError(`$.${label}`, `expected a list, got ${describeValue(v)}`);
  const out = v.map((item, i) =>
    qb64({ [`${label}[${i}]`]: item }, `${label}[${i}]`, layout, NON_TRANSFERABLE_CODES),
  );
  if (new Set(out).size !== out.length) throw new FieldError(`$.${label}`, "duplicate backers");
  return out;
}

function toad(body: Record<string, unknown>, backers: number): number {
  const t = hex(body, "bt");
  if (backers === 0 ? t !== 0n : t < 1n || t > BigInt(backers))
    throw new FieldError("$.bt", `backer threshold ${t} is out of range for ${backers} backer(s)`);
  return Number(t);
}

function seal(value: unknown, path: string, layout: Layout): EventSeal {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new FieldError(path, `expected a seal {i, s, d}, got ${describeValue(value)}`);
  const s = value as Record<string, unknown>;
  const keys = Object.keys(s);
  if (keys.join(",") !== "i,s,d")
    throw new FieldError(path, `a seal has fields [i,s,d], got [${keys.join(",")}]`);
  qb64(s, "i", layout);
  try {
    parseHex(s.s, `${path}.s`);
  } catch (e) {
    fieldError(e, `${path}.s`);
  }
  qb64(s, "d", layout, DIGEST_CODES);
  return { i: s.i as string, s: s.s as string, d: s.d as string };
}

/** Checks a TEL event body and returns it typed (FieldError naming the field otherwise). */
export function parseTelEvent(body: Record<string, unknown>, layout: Layout = "current"): TelEvent {
  const t = body.t;
  if (!isTelIlk(t)) throw new FieldError("$.t", `not a TEL event ilk: ${describeValue(t)}`);
  const want = FIELDS[t];
  const got = Object.keys(body);
  if (got.length !== want.length || got.some((k, i) => k !== want[i]))
    throw new FieldError("$", `${t} fields must be [${want.join(",")}], got [${got.join(",")}]`);
  const said = qb64(body, "d", layout, DIGEST_CODES);
  switch (t) {
    case "vcp": {
      if (body.i !== said)
        throw new FieldError("$.i", "a registry's identifier must be its inception's SAID");
      if (hex(body, "s") !== 0n) throw new FieldError("$.s", "a registry inception has sequence number 0");
      const c = body.c;
      if (!Array.isArray(c) || c.some((x) => typeof x !== "string"))
        throw new FieldError("$.c", `expected a list of trait strings, got ${describeValue(c)}`);
      const backers = prefixList(body, "b", layout);
      if (c.includes(TRAIT_NO_BACKERS) && backers.length > 0)
        throw new FieldError("$.b", `a registry configured "NB" has no backers, got ${backers.length}`);
      if (typeof body.n !== "string")
        throw new FieldError("$.n", `expected a nonce string, got ${describeValue(body.n)}`);
      return {
        ilk: "vcp",
        said,
        registry: said,
        issuer: qb64(body, "ii", layout),
        sn: 0n,
        config: c as string[],
        toad: toad(body, backers.length),
        backers,
        nonce: body.n,
      };
    }
    case "vrt": {
      const sn = hex(body, "s");
      if (sn < 1n) throw new FieldError("$.s", "a registry rotation has a sequence number of at least 1");
      const cuts = prefixList(body, "br", layout);
      const adds = prefixList(body, "ba", layout);
      const bt = hex(body, "bt");
      if (bt > 0xffffn) throw new FieldError("$.bt", `backer threshold ${bt} is out of range`);
      return {
        ilk: "vrt",
        said,
        registry: qb64(body, "i", layout),
        prior: qb64(body, "p", layout, DIGEST_CODES),
        sn,
        toad: Number(bt),
        cuts,
        adds,
      };
    }
    default: {
      const issuance = t === "iss" || t === "bis";
      const sn = hex(body, "s");
      if (sn !== (issuance ? 0n : 1n))
        throw new FieldError("$.s", `${t} has sequence number ${issuance ? 0 : 1}, got ${sn}`);
      const registrySeal = t === "bis" || t === "brv" ? seal(body.ra, "$.ra", layout) : undefined;
      let registry: string;
      if (t === "iss" || t === "rev") registry = qb64(body, "ri", layout);
      else if (t === "bis") {
        registry = qb64(body, "ii", layout);
        if (registrySeal?.i !== registry)
          throw new FieldError("$.ra.i", `the registry seal names ${registrySeal?.i}, not ${registry}`);
      } else registry = (registrySeal as EventSeal).i;
      const dt = parseInstant(body.dt, "$.dt");
      return {
        ilk: t,
        said,
        credential: qb64(body, "i", layout),
        sn: issuance ? 0n : 1n,
        registry,
        prior: issuance ? undefined : qb64(body, "p", layout, DIGEST_CODES),
        registrySeal,
        dt,
        dtText: body.dt as string,
      };
    }
  }
}
