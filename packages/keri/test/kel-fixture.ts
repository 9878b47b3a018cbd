// Test controllers that make real, signed KERI events with deterministic keys.
import { sha256 } from "@chronoseal/core";
import {
  type AttachmentSpec,
  concatStream,
  type KeriSigner,
  type MadeEvent,
  makeInception,
  makeInteraction,
  makeReceipt,
  makeRotation,
  messagize,
  nextKeyDigest,
  parseCesr,
  receiptCouple,
  signerFromSeed,
  signIndexed,
} from "../src/index.js";

let counter = 0;
export function freshSigner(label = "k", transferable = true): KeriSigner {
  counter++;
  return signerFromSeed(sha256(new TextEncoder().encode(`${label}-${counter}`)), transferable);
}

export function signers(n: number, label = "k"): KeriSigner[] {
  return Array.from({ length: n }, () => freshSigner(label));
}

export interface Made extends MadeEvent {
  /** The CESR message with the default attachments (controller signatures, receipts). */
  message: Uint8Array;
}

export class Controller {
  prefix = "";
  sn = 0;
  last = "";
  current: KeriSigner[];
  next: KeriSigner[];
  witnesses: KeriSigner[];
  toad: number;
  delegator: string | undefined;

  constructor(opts: { keys?: number; next?: number; witnesses?: number; toad?: number } = {}) {
    this.current = signers(opts.keys ?? 1);
    this.next = signers(opts.next ?? opts.keys ?? 1);
    this.witnesses = Array.from({ length: opts.witnesses ?? 0 }, () => freshSigner("w", false));
    this.toad = opts.toad ?? this.witnesses.length;
  }

  /** Signs with every current key and has every witness receipt (-B indexed), unless told otherwise. */
  attach(
    ev: MadeEvent,
    spec: AttachmentSpec & { signers?: KeriSigner[]; indices?: number[]; witnessed?: boolean } = {},
  ): Uint8Array {
    const controllerSigs =
      spec.controllerSigs ?? signIndexed(ev.raw, spec.signers ?? this.current, { indices: spec.indices });
    const witnessSigs =
      spec.witnessSigs ??
      (spec.witnessed === false ? [] : signIndexed(ev.raw, this.witnesses, { code: "B" }));
    return messagize(ev.raw, { ...spec, controllerSigs, witnessSigs });
  }

  incept(
    opts: {
      kt?: string | unknown[];
      nt?: string | unknown[];
      config?: string[];
      delegator?: string;
      seals?: Record<string, unknown>[];
    } = {},
  ): Made {
    const ev = makeInception({
      keys: this.current.map((s) => s.verfer),
      kt: opts.kt,
      nextDigests: this.next.map((s) => nextKeyDigest(s.verfer)),
      nt: opts.nt,
      witnesses: this.witnesses.map((w) => w.verfer),
      toad: this.toad,
      config: opts.config,
      delegator: opts.delegator,
      seals: opts.seals,
    });
    this.prefix = ev.said;
    this.last = ev.said;
    this.sn = 0;
    this.delegator = opts.delegator;
    return { ...ev, message: this.attach(ev) };
  }

  interact(seals: Record<string, unknown>[] = [], signWith?: KeriSigner[]): Made {
    const ev = makeInteraction({ prefix: this.prefix, sn: this.sn + 1, prior: this.last, seals });
    this.sn++;
    this.last = ev.said;
    return { ...ev, message: this.attach(ev, { signers: signWith }) };
  }

  rotate(
    opts: {
      keys?: KeriSigner[];
      next?: number;
      kt?: string | unknown[];
      nt?: string | unknown[];
      cuts?: KeriSigner[];
      adds?: KeriSigner[];
      toad?: number;
      seals?: Record<string, unknown>[];
      sn?: number;
      prior?: string;
    } = {},
  ): Made {
    const keys = opts.keys ?? this.next;
    const next = signers(opts.next ?? keys.length);
    const cuts = opts.cuts ?? [];
    const adds = opts.adds ?? [];
    const witnesses = [...this.witnesses.filter((w) => !cuts.includes(w)), ...adds];
    const toad = opts.toad ?? witnesses.length;
    const ev = makeRotation({
      prefix: this.prefix,
      sn: opts.sn ?? this.sn + 1,
      prior: opts.prior ?? this.last,
      keys: keys.map((s) => s.verfer),
      kt: opts.kt,
      nextDigests: next.map((s) => nextKeyDigest(s.verfer)),
      nt: opts.nt,
      toad,
      cuts: cuts.map((w) => w.verfer),
      adds: adds.map((w) => w.verfer),
      seals: opts.seals,
      delegated: this.delegator !== undefined,
    });
    this.sn = Number(opts.sn ?? this.sn + 1);
    this.last = ev.said;
    this.current = keys;
    this.next = next;
    this.witnesses = witnesses;
    this.toad = toad;
    return { ...ev, message: this.attach(ev) };
  }

  /** A separate receipt message (rct) with -C couples from the given witnesses. */
  receipt(
    ev: { said: string; body: Record<string, unknown> },
    by: KeriSigner[],
    raw: Uint8Array,
  ): Uint8Array {
    const rct = makeReceipt({ prefix: ev.body.i as string, sn: BigInt(`0x${ev.body.s}`), said: ev.said });
    return messagize(rct.raw, { receipts: by.map((w) => receiptCouple(raw, w)) });
  }
}

export function stream(...messages: Uint8Array[]) {
  return parseCesr(concatStream(messages));
}

export function sealOf(ev: { said: string; body: Record<string, unknown> }): {
  i: string;
  s: string;
  d: string;
} {
  return { i: ev.body.i as string, s: ev.body.s as string, d: ev.said };
}
