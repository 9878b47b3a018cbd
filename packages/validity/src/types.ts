// The evidence model of validity: identifiers with key event logs (KEL), credentials with
// edges, and transaction event logs (TEL) anchored in the issuer's KEL. Every event and
// credential is a JSON document carrying its self-addressing id in `d` and a seed-shape
// `signatures` map made with the core signing rule.

/** A seed-shape signature map: base64 public key → { signed_at, signature }. */
export type SignatureMap = Record<string, { signed_at: string; signature: string }>;

export interface Seal {
  /** What the seal anchors: a credential SAID (for TEL events) or any identifier. */
  i: string;
  /** Sequence number of the anchored event. */
  s: number;
  /** SAID of the anchored event. */
  d: string;
}

interface KeyEventBase {
  d: string;
  /** The identifier (AID) whose log this is. */
  i: string;
  s: number;
  signatures?: SignatureMap;
}

export interface InceptionEvent extends KeyEventBase {
  t: "icp";
  /** Signing threshold. */
  kt: number;
  /** Current signing keys, base64. */
  k: string[];
  /** Next-keys threshold. */
  nt: number;
  /** Digests (base64 SHA-256) of the next keys (pre-rotation). */
  n: string[];
  /** Delegator AID, for delegated identifiers (used by DI2I edges). */
  di?: string;
}

export interface RotationEvent extends KeyEventBase {
  t: "rot";
  /** SAID of the prior event. */
  p: string;
  kt: number;
  k: string[];
  nt: number;
  n: string[];
}

export interface InteractionEvent extends KeyEventBase {
  t: "ixn";
  p: string;
  /** Seals anchored by this event (one event may anchor several). */
  a: Seal[];
}

export type KeyEvent = InceptionEvent | RotationEvent | InteractionEvent;

export interface IssueEvent {
  t: "iss";
  d: string;
  /** SAID of the credential. */
  i: string;
  s: 0;
  /** Registry id. */
  ri: string;
  /** RFC 3339 datetime of the issuance. */
  dt: string;
  signatures?: SignatureMap;
}

export interface RevokeEvent {
  t: "rev";
  d: string;
  i: string;
  s: 1;
  /** SAID of the issue event. */
  p: string;
  ri: string;
  dt: string;
  signatures?: SignatureMap;
}

export type TelEvent = IssueEvent | RevokeEvent;

export type EdgeOperator = "I2I" | "NI2I" | "DI2I" | "NOT";

export interface Edge {
  /** SAID of the parent credential. */
  n: string;
  /** Expected schema SAID of the parent (optional). */
  s?: string;
  o?: EdgeOperator;
  /** Range of the issuer's key-event sequence numbers under which this credential may be issued. */
  pin?: { min?: number; max?: number };
  /** Grace period in ms: the edge still holds this long after the parent's revocation. */
  grace?: number;
}

export interface Edges {
  /** How the named edges combine: all must hold (AND, default) or any (OR). */
  o?: "AND" | "OR";
  [name: string]: Edge | "AND" | "OR" | string | undefined;
}

export interface Credential {
  d: string;
  /** Issuer AID. */
  i: string;
  /** Registry id. */
  ri: string;
  /** Schema SAID. */
  s: string;
  a: { i?: string; dt?: string; [attr: string]: unknown };
  e?: Edges;
  signatures?: SignatureMap;
}

/** A signed reply "credential X is not revoked as of asOf". */
export interface StatusReply {
  t: "rpy";
  d: string;
  /** Credential SAID. */
  credential: string;
  status: "not-revoked" | "revoked";
  /** RFC 3339 time the statement is about. */
  asOf: string;
  /** AID of the replier (the issuer, or one of its witnesses). */
  replier: string;
  signatures?: SignatureMap;
}

export type Evidence = KeyEvent | TelEvent | Credential | StatusReply;
