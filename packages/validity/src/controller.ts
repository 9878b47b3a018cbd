// A KERI controller for tools, tests and benchmarks: an identifier with pre-rotated Ed25519
// keys and its key event log, a registry without backers, and the credentials it issues,
// revokes and replies about — all real KERI/ACDC messages (CESR text, indexed signatures over
// the exact bytes, seals anchoring every TEL event in the controller's KEL). Validation never
// trusts a controller: only the messages it produced, through the evidence store.
import { fromBase64, sha256, toBase64 } from "@chronoseal/core";
import {
  encodeMatter,
  type KeriSigner,
  makeInception,
  makeInteraction,
  makeRotation,
  messagize,
  nextKeyDigest,
  signerFromSeed,
  signIndexed,
} from "@chronoseal/keri";
import {
  type CredentialArgs,
  makeCredential,
  makeIssuance,
  makeRegistryInception,
  makeRevocation,
  makeStatusReply,
  transSignatureGroup,
} from "./build.js";
import { ControllerError } from "./errors.js";

const utf8 = new TextEncoder();
export const CONTROLLER_FORMAT = "chronoseal-keri-controller-1";

export interface ControllerFile {
  readonly format: typeof CONTROLLER_FORMAT;
  readonly prefix: string;
  /** Base64 Ed25519 seeds of the current signing keys (secret: keep the file private). */
  readonly current: readonly string[];
  readonly next: readonly string[];
  readonly sn: string;
  readonly last: string;
  readonly lastEstablishment: { readonly sn: string; readonly said: string };
  readonly delegator: string | null;
  readonly registry: { readonly i: string; readonly vcp: string } | null;
  /** Credentials this controller issued: SAID → issuance SAID, registry, revocation if any. */
  readonly issued: Readonly<
    Record<
      string,
      {
        readonly iss: string;
        readonly dt: string;
        readonly registry: string;
        readonly rev?: string;
        readonly revDt?: string;
      }
    >
  >;
  /** Counter for deterministic key derivation (when a seed was given), else null. */
  readonly derive: { readonly seed: string; readonly counter: number } | null;
}

export interface Issued {
  readonly said: string;
  readonly credential: Uint8Array;
  readonly issuance: { readonly said: string; readonly message: Uint8Array };
  /** Registry inception and its anchor, when this issue created the registry. */
  readonly messages: readonly Uint8Array[];
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export class KeriController {
  private current: Uint8Array[];
  private next: Uint8Array[];
  private file: {
    prefix: string;
    sn: bigint;
    last: string;
    lastEst: { sn: bigint; said: string };
    delegator: string | null;
    registry: { i: string; vcp: string } | null;
    issued: Record<string, { iss: string; dt: string; registry: string; rev?: string; revDt?: string }>;
    derive: { seed: Uint8Array; counter: number } | null;
  };

  private constructor(current: Uint8Array[], next: Uint8Array[], file: KeriController["file"]) {
    this.current = current;
    this.next = next;
    this.file = file;
  }

  private static seed(derive: { seed: Uint8Array; counter: number } | null): Uint8Array {
    if (!derive) return crypto.getRandomValues(new Uint8Array(32));
    derive.counter++;
    return sha256(concat([derive.seed, utf8.encode(`/key/${derive.counter}`)]));
  }

  /**
   * Creates an identifier (icp, or dip with `delegator`: the delegator must then anchor it).
   * With `seed`, every key is derived from it (deterministic tests); otherwise keys are random.
   * Returns the controller and the signed inception message.
   */
  static incept(options: { delegator?: string; seed?: Uint8Array; keys?: number } = {}): {
    controller: KeriController;
    message: Uint8Array;
  } {
    const derive = options.seed ? { seed: options.seed.slice(), counter: 0 } : null;
    const n = options.keys ?? 1;
    if (!Number.isSafeInteger(n) || n < 1 || n > 16) throw new RangeError(`keys: expected 1..16, got ${n}`);
    const current = Array.from({ length: n }, () => KeriController.seed(derive));
    const next = Array.from({ length: n }, () => KeriController.seed(derive));
    const ev = makeInception({
      keys: current.map((s) => signerFromSeed(s).verfer),
      nextDigests: next.map((s) => nextKeyDigest(signerFromSeed(s).verfer)),
      ...(options.delegator ? { delegator: options.delegator } : {}),
    });
    const c = new KeriController(current, next, {
      prefix: ev.said,
      sn: 0n,
      last: ev.said,
      lastEst: { sn: 0n, said: ev.said },
      delegator: options.delegator ?? null,
      registry: null,
      issued: {},
      derive,
    });
    return {
      controller: c,
      message: messagize(ev.raw, { controllerSigs: signIndexed(ev.raw, c.signers()) }),
    };
  }

  static fromJSON(file: ControllerFile): KeriController {
    if (file?.format !== CONTROLLER_FORMAT)
      throw new ControllerError(
        `controller file: expected format ${CONTROLLER_FORMAT}, got ${JSON.stringify(file?.format)}`,
      );
    const seeds = (list: readonly string[], what: string) => {
      if (!Array.isArray(list) || list.length === 0)
        throw new ControllerError(`controller file: ${what} keys missing`);
      return list.map((s, i) => fromBase64(s, `controller file: ${what}[${i}]`, 32));
    };
    const hex = (v: string, what: string) => {
      if (typeof v !== "string" || !/^(0|[1-9a-f][0-9a-f]*)$/.test(v))
        throw new ControllerError(`controller file: ${what} is not a hex sequence number`);
      return BigInt(`0x${v}`);
    };
    return new KeriController(seeds(file.current, "current"), seeds(file.next, "next"), {
      prefix: file.prefix,
      sn: hex(file.sn, "sn"),
      last: file.last,
      lastEst: {
        sn: hex(file.lastEstablishment.sn, "lastEstablishment.sn"),
        said: file.lastEstablishment.said,
      },
      delegator: file.delegator,
      registry: file.registry,
      issued: { ...file.issued },
      derive: file.derive
        ? { seed: fromBase64(file.derive.seed, "derive seed", 32), counter: file.derive.counter }
        : null,
    });
  }

  toJSON(): ControllerFile {
    const f = this.file;
    return {
      format: CONTROLLER_FORMAT,
      prefix: f.prefix,
      current: this.current.map((s) => toBase64(s)),
      next: this.next.map((s) => toBase64(s)),
      sn: f.sn.toString(16),
      last: f.last,
      lastEstablishment: { sn: f.lastEst.sn.toString(16), said: f.lastEst.said },
      delegator: f.delegator,
      registry: f.registry,
      issued: { ...f.issued },
      derive: f.derive ? { seed: toBase64(f.derive.seed), counter: f.derive.counter } : null,
    };
  }

  get prefix(): string {
    return this.file.prefix;
  }

  get sn(): bigint {
    return this.file.sn;
  }

  get registry(): string | undefined {
    return this.file.registry?.i;
  }

  /** The current signing keys. */
  signers(): KeriSigner[] {
    return this.current.map((s) => signerFromSeed(s));
  }

  /** An interaction event anchoring `seals` (signed by the current keys). */
  interact(seals: readonly Record<string, unknown>[]): { said: string; sn: bigint; message: Uint8Array } {
    const f = this.file;
    const ev = makeInteraction({ prefix: f.prefix, sn: f.sn + 1n, prior: f.last, seals });
    f.sn++;
    f.last = ev.said;
    return {
      said: ev.said,
      sn: f.sn,
      message: messagize(ev.raw, { controllerSigs: signIndexed(ev.raw, this.signers()) }),
    };
  }

  /** Rotates to the pre-committed next keys, committing to fresh ones. */
  rotate(): Uint8Array {
    const f = this.file;
    const keys = this.next;
    const fresh = keys.map(() => KeriController.seed(f.derive));
    const ev = makeRotation({
      prefix: f.prefix,
      sn: f.sn + 1n,
      prior: f.last,
      keys: keys.map((s) => signerFromSeed(s).verfer),
      nextDigests: fresh.map((s) => nextKeyDigest(signerFromSeed(s).verfer)),
      delegated: f.delegator !== null,
    });
    this.current = keys;
    this.next = fresh;
    f.sn++;
    f.last = ev.said;
    f.lastEst = { sn: f.sn, said: ev.said };
    return messagize(ev.raw, { controllerSigs: signIndexed(ev.raw, this.signers()) });
  }

  /** The registry (vcp, anchored): created on first use. Returns the messages it took. */
  ensureRegistry(): Uint8Array[] {
    if (this.file.registry) return [];
    const nonce = encodeMatter("0A", KeriController.seed(this.file.derive).subarray(0, 16));
    const vcp = makeRegistryInception({ issuer: this.prefix, nonce });
    const ixn = this.interact([{ i: vcp.said, s: "0", d: vcp.said }]);
    this.file.registry = { i: vcp.said, vcp: vcp.said };
    return [messagize(vcp.raw, { sealSources: [{ sn: ixn.sn, digest: ixn.said }] }), ixn.message];
  }

  /** Issues a credential: the ACDC, its iss event, and the KEL event anchoring it. */
  issue(req: Omit<CredentialArgs, "issuer" | "registry">): Issued {
    const messages = this.ensureRegistry();
    const registry = this.file.registry?.i as string;
    const acdc = makeCredential({ ...req, issuer: this.prefix, registry });
    const iss = makeIssuance({ credential: acdc.said, registry, dt: req.dt });
    const ixn = this.interact([{ i: acdc.said, s: "0", d: iss.said }]);
    const issMsg = messagize(iss.raw, { sealSources: [{ sn: ixn.sn, digest: ixn.said }] });
    this.file.issued[acdc.said] = { iss: iss.said, dt: iss.body.dt as string, registry };
    return {
      said: acdc.said,
      credential: acdc.raw,
      issuance: { said: iss.said, message: issMsg },
      messages: [...messages, acdc.raw, issMsg, ixn.message],
    };
  }

  /** Revokes a credential this controller issued, with the datetime it states (which may lie). */
  revoke(credential: string, dt: string | number): { said: string; messages: Uint8Array[] } {
    const rec = this.file.issued[credential];
    if (!rec) throw new ControllerError(`credential ${credential} was not issued by ${this.prefix}`);
    if (rec.rev) throw new ControllerError(`credential ${credential} is already revoked (${rec.rev})`);
    const rev = makeRevocation({ credential, registry: rec.registry, issuance: rec.iss, dt });
    const ixn = this.interact([{ i: credential, s: "1", d: rev.said }]);
    rec.rev = rev.said;
    rec.revDt = rev.body.dt as string;
    return {
      said: rev.said,
      messages: [messagize(rev.raw, { sealSources: [{ sn: ixn.sn, digest: ixn.said }] }), ixn.message],
    };
  }

  /**
   * A signed status reply about `credential` as of `asOf`: its TEL state as this controller
   * knows it (or the `claim` it chooses to make, which a dishonest issuer may choose freely),
   * signed by the current key state (-F group).
   */
  reply(
    credential: string,
    asOf: string | number,
    options: { claim?: "issued" | "revoked" } = {},
  ): Uint8Array {
    const rec = this.file.issued[credential];
    if (!rec) throw new ControllerError(`credential ${credential} was not issued by ${this.prefix}`);
    const revoked = (options.claim ?? (rec.rev ? "revoked" : "issued")) === "revoked";
    if (revoked && !rec.rev) throw new ControllerError(`credential ${credential} is not revoked`);
    const rpy = makeStatusReply({
      issuer: this.prefix,
      credential,
      registry: rec.registry,
      event: revoked
        ? { said: rec.rev as string, sn: "1", ilk: "rev", dt: rec.revDt as string }
        : { said: rec.iss, sn: "0", ilk: "iss", dt: rec.dt },
      anchor: { sn: this.file.sn.toString(16), said: this.file.last },
      dt: asOf,
    });
    const sigs = signIndexed(rpy.raw, this.signers());
    const group = transSignatureGroup(this.prefix, this.file.lastEst.sn, this.file.lastEst.said, sigs);
    return concat([rpy.raw, utf8.encode(group)]);
  }

  /** Anchors a delegate's event (its dip or drt) in this controller's KEL. */
  approve(seal: { i: string; s: string; d: string }): Uint8Array {
    return this.interact([{ i: seal.i, s: seal.s, d: seal.d }]).message;
  }
}
