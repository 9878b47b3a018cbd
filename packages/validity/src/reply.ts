// Status replies: "credential X is not revoked as of t", as a KERI reply message (`rpy`) whose
// `a` is keripy's credential transaction state (VcStateRecord: i, s, d, ri, ra, a, dt, et) and
// whose signatures are a transferable signature group (-F): the issuer's prefix, the sequence
// number and SAID of the establishment event whose keys sign, and the indexed signatures.
// The reply's own `dt` is the time t the statement is about. Route: /tsn/credential/<issuer>.
import type { CesrMessage, IndexedSignature } from "@chronoseal/keri";
import { describeValue, FieldError } from "./errors.js";
import { type Instant, parseInstant } from "./time.js";

export const REPLY_ROUTE_PREFIX = "/tsn/credential";
const FIELDS = ["v", "t", "d", "dt", "r", "a"];

export interface StatusReply {
  readonly said: string;
  /** The time the statement is about. */
  readonly dt: Instant;
  readonly dtText: string;
  readonly route: string;
  readonly credential: string;
  readonly registry: string;
  /** The credential's TEL state stated: sequence number, event SAID and type. */
  readonly teSn: string;
  readonly teSaid: string;
  readonly et: "iss" | "bis" | "rev" | "brv";
  /** The signature groups attached (by whom, under which establishment event). */
  readonly signers: readonly {
    readonly prefix: string;
    readonly sn: bigint;
    readonly said: string;
    readonly signatures: readonly IndexedSignature[];
  }[];
  readonly message: CesrMessage;
}

function str(obj: Record<string, unknown>, key: string, path: string): string {
  const v = obj[key];
  if (typeof v !== "string" || v.length === 0)
    throw new FieldError(`${path}.${key}`, `expected a non-empty string, got ${describeValue(v)}`);
  return v;
}

/** Reads a status reply message (FieldError naming the field when malformed). */
export function parseReply(m: CesrMessage): StatusReply {
  const body = m.body;
  const keys = Object.keys(body);
  if (keys.join(",") !== FIELDS.join(","))
    throw new FieldError("$", `rpy fields must be [${FIELDS.join(",")}], got [${keys.join(",")}]`);
  const route = str(body, "r", "$");
  if (route !== REPLY_ROUTE_PREFIX && !route.startsWith(`${REPLY_ROUTE_PREFIX}/`))
    throw new FieldError("$.r", `not a credential status reply route: ${JSON.stringify(route)}`);
  const a = body.a;
  if (a === null || typeof a !== "object" || Array.isArray(a))
    throw new FieldError("$.a", `expected the credential state, got ${describeValue(a)}`);
  const state = a as Record<string, unknown>;
  const et = str(state, "et", "$.a");
  if (et !== "iss" && et !== "bis" && et !== "rev" && et !== "brv")
    throw new FieldError("$.a.et", `expected iss, bis, rev or brv, got ${JSON.stringify(et)}`);
  const teSn = str(state, "s", "$.a");
  if (!/^(0|[1-9a-f][0-9a-f]*)$/.test(teSn))
    throw new FieldError("$.a.s", `expected a hex sequence number, got ${JSON.stringify(teSn)}`);
  return {
    said: str(body, "d", "$"),
    dt: parseInstant(body.dt, "$.dt"),
    dtText: body.dt as string,
    route,
    credential: str(state, "i", "$.a"),
    registry: str(state, "ri", "$.a"),
    teSn,
    teSaid: str(state, "d", "$.a"),
    et,
    signers: m.attachments.transSigGroups.map((g) => ({
      prefix: g.prefix,
      sn: g.sn,
      said: g.digest,
      signatures: g.signatures,
    })),
    message: m,
  };
}

/** True when the reply says the credential was not revoked as of its dt. */
export function saysNotRevoked(r: StatusReply): boolean {
  return r.et === "iss" || r.et === "bis";
}
