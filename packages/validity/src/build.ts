// Making real KERI/ACDC evidence for tools, tests and benchmarks: registry inceptions (vcp),
// issuance and revocation events (iss/rev, bis/brv), ACDC credentials with their section SAIDs,
// status replies (rpy) and transferable signature groups (-F), in keripy's field order.
import {
  encodeCounter,
  encodeSeqner,
  formatVersionString,
  type MadeEvent,
  saidify,
  saidifyAcdc,
} from "@chronoseal/keri";
import { FieldError } from "./errors.js";
import { REPLY_ROUTE_PREFIX } from "./reply.js";
import type { EventSeal } from "./tel.js";
import { type Instant, parseInstant } from "./time.js";

/** keripy's datetime form: microseconds and an explicit +00:00 offset. */
export function keriDateTime(t: string | number | Instant): string {
  const i: Instant =
    typeof t === "number" ? { ms: t, us: 0 } : typeof t === "string" ? parseInstant(t, "dt") : t;
  if (!Number.isSafeInteger(i.ms)) throw new RangeError(`dt: expected integer epoch ms, got ${i.ms}`);
  const iso = new Date(i.ms).toISOString();
  return `${iso.slice(0, 23)}${String(i.us).padStart(3, "0")}+00:00`;
}

function made(m: { said: string; doc: Record<string, unknown>; raw: Uint8Array }): MadeEvent {
  return { said: m.said, body: m.doc, raw: m.raw };
}

export function makeRegistryInception(args: {
  issuer: string;
  nonce: string;
  backers?: readonly string[];
  toad?: number;
  /** "NB": a registry without backers (iss/rev); default true. */
  noBackers?: boolean;
}): MadeEvent {
  const backers = args.backers ?? [];
  const noBackers = args.noBackers ?? backers.length === 0;
  const body = {
    v: formatVersionString("KERI", 0),
    t: "vcp",
    d: "",
    i: "",
    ii: args.issuer,
    s: "0",
    c: noBackers ? ["NB"] : [],
    bt: (args.toad ?? (backers.length ? Math.ceil(backers.length / 2) : 0)).toString(16),
    b: [...backers],
    n: args.nonce,
  };
  return made(saidify(body, { labels: ["d", "i"] }));
}

export function makeIssuance(args: { credential: string; registry: string; dt: string | number }): MadeEvent {
  const body = {
    v: formatVersionString("KERI", 0),
    t: "iss",
    d: "",
    i: args.credential,
    s: "0",
    ri: args.registry,
    dt: keriDateTime(args.dt),
  };
  return made(saidify(body, { labels: ["d"] }));
}

export function makeRevocation(args: {
  credential: string;
  registry: string;
  issuance: string;
  dt: string | number;
}): MadeEvent {
  const body = {
    v: formatVersionString("KERI", 0),
    t: "rev",
    d: "",
    i: args.credential,
    s: "1",
    ri: args.registry,
    p: args.issuance,
    dt: keriDateTime(args.dt),
  };
  return made(saidify(body, { labels: ["d"] }));
}

export function makeBackedIssuance(args: {
  credential: string;
  registrySeal: EventSeal;
  dt: string | number;
}): MadeEvent {
  const body = {
    v: formatVersionString("KERI", 0),
    t: "bis",
    d: "",
    i: args.credential,
    ii: args.registrySeal.i,
    s: "0",
    ra: { i: args.registrySeal.i, s: args.registrySeal.s, d: args.registrySeal.d },
    dt: keriDateTime(args.dt),
  };
  return made(saidify(body, { labels: ["d"] }));
}

export function makeBackedRevocation(args: {
  credential: string;
  issuance: string;
  registrySeal: EventSeal;
  dt: string | number;
}): MadeEvent {
  const body = {
    v: formatVersionString("KERI", 0),
    t: "brv",
    d: "",
    i: args.credential,
    s: "1",
    p: args.issuance,
    ra: { i: args.registrySeal.i, s: args.registrySeal.s, d: args.registrySeal.d },
    dt: keriDateTime(args.dt),
  };
  return made(saidify(body, { labels: ["d"] }));
}

export interface EdgeSpec {
  /** SAID of the parent credential. */
  readonly n: string;
  /** Required schema of the parent. */
  readonly s?: string;
  readonly o?: string | readonly string[];
  /** Extra fields, kept as written (validation ignores them: they are the issuer's own word). */
  readonly [field: string]: unknown;
}

export interface CredentialArgs {
  issuer: string;
  registry: string;
  schema: string;
  issuee?: string;
  dt: string | number;
  attributes?: Readonly<Record<string, unknown>>;
  /** Edges by label; `o` (AND/OR) for the group; nested groups as plain objects without `n`. */
  edges?: Readonly<Record<string, unknown>>;
  rules?: Readonly<Record<string, unknown>>;
  /** What the top-level SAID commits to (keripy and the vLEI samples: "full"). */
  form?: "full" | "compact";
  nonce?: string;
}

export function makeCredential(args: CredentialArgs): MadeEvent {
  const a: Record<string, unknown> = { d: "" };
  if (args.issuee !== undefined) a.i = args.issuee;
  a.dt = keriDateTime(args.dt);
  for (const [k, v] of Object.entries(args.attributes ?? {})) {
    if (k === "d" || k === "i" || k === "dt") throw new FieldError(`$.a.${k}`, "set by the builder");
    a[k] = v;
  }
  const body: Record<string, unknown> = { v: formatVersionString("ACDC", 0), d: "" };
  if (args.nonce !== undefined) body.u = args.nonce;
  body.i = args.issuer;
  body.ri = args.registry;
  body.s = args.schema;
  body.a = a;
  if (args.edges) body.e = { d: "", ...args.edges };
  if (args.rules) body.r = { d: "", ...args.rules };
  const out = saidifyAcdc(body, { form: args.form ?? "full" });
  return { said: out.said, body: out.acdc, raw: out.raw };
}

/** A status reply: the credential's TEL state (et) as of `dt`, route /tsn/credential/<issuer>. */
export function makeStatusReply(args: {
  issuer: string;
  credential: string;
  registry: string;
  /** The TEL event the state is at (SAID and hex sequence number). */
  event: { said: string; sn: string; ilk: "iss" | "bis" | "rev" | "brv"; dt: string };
  /** Where that event is anchored in the issuer's KEL. */
  anchor: { sn: string; said: string };
  dt: string | number;
}): MadeEvent {
  const body = {
    v: formatVersionString("KERI", 0),
    t: "rpy",
    d: "",
    dt: keriDateTime(args.dt),
    r: `${REPLY_ROUTE_PREFIX}/${args.issuer}`,
    a: {
      vn: [1, 0],
      i: args.credential,
      s: args.event.sn,
      d: args.event.said,
      ri: args.registry,
      ra: {},
      a: { s: args.anchor.sn, d: args.anchor.said },
      dt: args.event.dt,
      et: args.event.ilk,
    },
  };
  return made(saidify(body, { labels: ["d"] }));
}

/** A transferable signature group (-F): signer prefix, its establishment event, signatures. */
export function transSignatureGroup(
  prefix: string,
  sn: bigint | number,
  said: string,
  signatures: readonly string[],
): string {
  return (
    encodeCounter("-F", 1) +
    prefix +
    encodeSeqner(sn) +
    said +
    encodeCounter("-A", signatures.length) +
    signatures.join("")
  );
}
