// Controllers make evidence: an identifier's key event log (inception with pre-rotation,
// rotation, interaction events anchoring seals), credentials with their issue and revoke
// events anchored in the issuer's log, and signed status replies. Used by tools, tests and
// benchmarks; validation never trusts a controller, only the signed evidence it produced.
import {
  fromBase64,
  generateKeyPair,
  type KeyPair,
  keyPairFromSeed,
  signDocument,
  toBase64,
} from "@chronoseal/core";
import { keyDigest } from "./kel.js";
import { said } from "./said.js";
import type {
  Credential,
  Edges,
  InceptionEvent,
  InteractionEvent,
  IssueEvent,
  KeyEvent,
  RevokeEvent,
  RotationEvent,
  Seal,
  StatusReply,
} from "./types.js";

type Time = number | string;

function iso(t: Time): string {
  return typeof t === "number" ? new Date(t).toISOString() : t;
}

function sealed<T extends { d: string }>(
  doc: T,
  keys: readonly KeyPair[],
  context: string,
  signedAt: Time,
): T {
  let out: T = { ...doc, d: said(doc) };
  for (const k of keys) out = signDocument(out, { secretKey: k.secretKey, context, signedAt });
  return out;
}

export interface IssueRequest {
  /** The issuee's identifier (omit for attestations that have none). */
  issuee?: string;
  schema: string;
  attributes?: Record<string, unknown>;
  edges?: Edges;
  /** Issuance datetime (the `dt` of the issue event). */
  dt: Time;
}

export interface ControllerFile {
  aid: string;
  /** base64 seed of the current signing key. */
  current: string;
  /** base64 seed of the pre-committed next key. */
  next: string;
  events: KeyEvent[];
}

export class Controller {
  readonly events: KeyEvent[] = [];
  readonly registry: string;
  private current: KeyPair;
  private next: KeyPair;

  private constructor(
    readonly aid: string,
    current: KeyPair,
    next: KeyPair,
    icp: InceptionEvent,
  ) {
    this.current = current;
    this.next = next;
    this.events.push(icp);
    this.registry = `${aid}.registry`;
  }

  /** Creates an identifier: its inception commits to the digest of the next key. */
  static incept(options: {
    signedAt: Time;
    delegator?: string;
    current?: KeyPair;
    next?: KeyPair;
  }): Controller {
    const current = options.current ?? generateKeyPair();
    const next = options.next ?? generateKeyPair();
    const body: InceptionEvent = {
      t: "icp",
      d: "",
      i: "",
      s: 0,
      kt: 1,
      k: [toBase64(current.publicKey)],
      nt: 1,
      n: [keyDigest(toBase64(next.publicKey))],
      ...(options.delegator ? { di: options.delegator } : {}),
    };
    // The identifier is the inception's own SAID (computed with i and d blank).
    const id = said(body);
    const icp = signDocument(
      { ...body, i: id, d: id },
      { secretKey: current.secretKey, context: "key-event", signedAt: options.signedAt },
    );
    return new Controller(id, current, next, icp);
  }

  /** Serializes the controller, secret keys included (keep the file private). */
  toJSON(): ControllerFile {
    return {
      aid: this.aid,
      current: toBase64(this.current.secretKey.subarray(0, 32)),
      next: toBase64(this.next.secretKey.subarray(0, 32)),
      events: this.events,
    };
  }

  static fromJSON(file: ControllerFile): Controller {
    const current = keyPairFromSeed(fromBase64(file.current, "current seed", 32));
    const next = keyPairFromSeed(fromBase64(file.next, "next seed", 32));
    const [icp, ...rest] = file.events;
    if (icp?.t !== "icp" || icp.i !== file.aid)
      throw new TypeError("controller file: first event must be the inception");
    const c = new Controller(file.aid, current, next, icp);
    c.events.push(...rest);
    return c;
  }

  get publicKey(): string {
    return toBase64(this.current.publicKey);
  }

  get sn(): number {
    return this.events.length - 1;
  }

  private get prior(): string {
    return this.events[this.events.length - 1]!.d;
  }

  /** Rotates to the pre-committed next key, committing to a fresh next key. */
  rotate(signedAt: Time): RotationEvent {
    const newNext = generateKeyPair();
    const rot = sealed<RotationEvent>(
      {
        t: "rot",
        d: "",
        i: this.aid,
        s: this.events.length,
        p: this.prior,
        kt: 1,
        k: [toBase64(this.next.publicKey)],
        nt: 1,
        n: [keyDigest(toBase64(newNext.publicKey))],
      },
      [this.next],
      "key-event",
      signedAt,
    );
    this.current = this.next;
    this.next = newNext;
    this.events.push(rot);
    return rot;
  }

  /** An interaction event anchoring seals (one event may carry several). */
  interact(seals: Seal[], signedAt: Time): InteractionEvent {
    const ixn = sealed<InteractionEvent>(
      { t: "ixn", d: "", i: this.aid, s: this.events.length, p: this.prior, a: seals },
      [this.current],
      "key-event",
      signedAt,
    );
    this.events.push(ixn);
    return ixn;
  }

  /** Issues a credential: signs it and its issue event and anchors the event in the log. */
  issue(
    req: IssueRequest,
    anchor = true,
  ): { credential: Credential; iss: IssueEvent; ixn?: InteractionEvent } {
    const dt = iso(req.dt);
    const body: Credential = {
      d: "",
      i: this.aid,
      ri: this.registry,
      s: req.schema,
      a: { ...(req.issuee !== undefined ? { i: req.issuee } : {}), dt, ...(req.attributes ?? {}) },
      ...(req.edges ? { e: req.edges } : {}),
    };
    const credential = sealed(body, [this.current], "credential", dt);
    const iss = sealed<IssueEvent>(
      { t: "iss", d: "", i: credential.d, s: 0, ri: this.registry, dt },
      [this.current],
      "tel-event",
      dt,
    );
    if (!anchor) return { credential, iss };
    const ixn = this.interact([{ i: credential.d, s: 0, d: iss.d }], dt);
    return { credential, iss, ixn };
  }

  /** Revokes a credential with the given datetime (which a dishonest issuer may backdate). */
  revoke(
    credential: Credential,
    iss: IssueEvent,
    dt: Time,
    signedAt: Time = dt,
  ): { rev: RevokeEvent; ixn: InteractionEvent } {
    const rev = sealed<RevokeEvent>(
      { t: "rev", d: "", i: credential.d, s: 1, p: iss.d, ri: this.registry, dt: iso(dt) },
      [this.current],
      "tel-event",
      signedAt,
    );
    const ixn = this.interact([{ i: credential.d, s: 1, d: rev.d }], signedAt);
    return { rev, ixn };
  }

  /** A signed "credential X is not revoked as of asOf" (or "revoked") reply. */
  reply(
    credential: string,
    asOf: Time,
    status: "not-revoked" | "revoked" = "not-revoked",
    signedAt: Time = asOf,
  ): StatusReply {
    return sealed<StatusReply>(
      { t: "rpy", d: "", credential, status, asOf: iso(asOf), replier: this.aid },
      [this.current],
      "status-reply",
      signedAt,
    );
  }
}
