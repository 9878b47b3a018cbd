// Making key events: inception (icp/dip), rotation (rot/drt), interaction (ixn) and receipts
// (rct) in keripy's field order with their SAIDs, indexed signatures over the exact bytes, and
// CESR messages (body + attachment groups). Signing uses core's Ed25519 (call core's init()).
import { keyPairFromSeed, sign } from "@chronoseal/core";
import { encodeDateTime } from "../cesr/attachments.js";
import { encodeCounter } from "../cesr/counter.js";
import { encodeIndexer } from "../cesr/indexer.js";
import { encodeMatter } from "../cesr/matter.js";
import { formatVersionString } from "../cesr/version.js";
import { digest } from "../digest.js";
import { saidify } from "../said.js";

const utf8 = new TextEncoder();

/** An Ed25519 signing key and its qb64 verification key ("D" transferable, "B" not). */
export interface KeriSigner {
  readonly verfer: string;
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export function signerFromSeed(seed: Uint8Array, transferable = true): KeriSigner {
  const kp = keyPairFromSeed(seed);
  return {
    verfer: encodeMatter(transferable ? "D" : "B", kp.publicKey),
    publicKey: kp.publicKey,
    secretKey: kp.secretKey,
    sign: (message) => sign(message, kp.secretKey),
  };
}

/** The next-key commitment to a qb64 key: its digest (Blake3-256 by default). */
export function nextKeyDigest(verfer: string, code = "E"): string {
  return digest(utf8.encode(verfer), code);
}

function hex(n: number | bigint): string {
  return n.toString(16);
}

function defaultThreshold(n: number): string {
  return hex(Math.max(1, Math.ceil(n / 2)));
}

export interface MadeEvent {
  readonly said: string;
  readonly body: Record<string, unknown>;
  readonly raw: Uint8Array;
}

export interface InceptionArgs {
  keys: readonly string[];
  kt?: string | unknown[];
  nextDigests?: readonly string[];
  nt?: string | unknown[];
  witnesses?: readonly string[];
  toad?: number;
  config?: readonly string[];
  seals?: readonly Record<string, unknown>[];
  /** Makes a delegated inception (dip) with this delegator. */
  delegator?: string;
  /** "said" (default): the prefix is the event's SAID; "basic": the prefix is the single key. */
  prefix?: "said" | "basic";
}

export function makeInception(args: InceptionArgs): MadeEvent {
  const next = args.nextDigests ?? [];
  const wits = args.witnesses ?? [];
  const basic = args.prefix === "basic";
  const body: Record<string, unknown> = {
    v: formatVersionString("KERI", 0),
    t: args.delegator ? "dip" : "icp",
    d: "",
    i: basic ? args.keys[0] : "",
    s: "0",
    kt: args.kt ?? defaultThreshold(args.keys.length),
    k: [...args.keys],
    nt: args.nt ?? (next.length ? defaultThreshold(next.length) : "0"),
    n: [...next],
    bt: hex(args.toad ?? wits.length),
    b: [...wits],
    c: [...(args.config ?? [])],
    a: [...(args.seals ?? [])],
  };
  if (args.delegator) body.di = args.delegator;
  const made = saidify(body, { labels: basic ? ["d"] : ["d", "i"] });
  return { said: made.said, body: made.doc, raw: made.raw };
}

export interface RotationArgs {
  prefix: string;
  sn: number | bigint;
  prior: string;
  keys: readonly string[];
  kt?: string | unknown[];
  nextDigests?: readonly string[];
  nt?: string | unknown[];
  toad?: number;
  cuts?: readonly string[];
  adds?: readonly string[];
  seals?: readonly Record<string, unknown>[];
  /** Makes a delegated rotation (drt). */
  delegated?: boolean;
}

export function makeRotation(args: RotationArgs): MadeEvent {
  const next = args.nextDigests ?? [];
  const body: Record<string, unknown> = {
    v: formatVersionString("KERI", 0),
    t: args.delegated ? "drt" : "rot",
    d: "",
    i: args.prefix,
    s: hex(args.sn),
    p: args.prior,
    kt: args.kt ?? defaultThreshold(args.keys.length),
    k: [...args.keys],
    nt: args.nt ?? (next.length ? defaultThreshold(next.length) : "0"),
    n: [...next],
    bt: hex(args.toad ?? 0),
    br: [...(args.cuts ?? [])],
    ba: [...(args.adds ?? [])],
    a: [...(args.seals ?? [])],
  };
  const made = saidify(body, { labels: ["d"] });
  return { said: made.said, body: made.doc, raw: made.raw };
}

export function makeInteraction(args: {
  prefix: string;
  sn: number | bigint;
  prior: string;
  seals?: readonly Record<string, unknown>[];
}): MadeEvent {
  const body: Record<string, unknown> = {
    v: formatVersionString("KERI", 0),
    t: "ixn",
    d: "",
    i: args.prefix,
    s: hex(args.sn),
    p: args.prior,
    a: [...(args.seals ?? [])],
  };
  const made = saidify(body, { labels: ["d"] });
  return { said: made.said, body: made.doc, raw: made.raw };
}

/** A receipt message body (rct) for the event (prefix, sn, said); its "d" is the event's SAID. */
export function makeReceipt(event: { prefix: string; sn: number | bigint; said: string }): MadeEvent {
  const body = { v: "", t: "rct", d: event.said, i: event.prefix, s: hex(event.sn) };
  body.v = formatVersionString("KERI", 0);
  body.v = formatVersionString("KERI", utf8.encode(JSON.stringify(body)).length);
  return { said: event.said, body, raw: utf8.encode(JSON.stringify(body)) };
}

/**
 * Indexed signatures of `raw` by `signers` (signer i gets index i unless `indices` says
 * otherwise). Code "A" (both lists, ondex = index) by default; "B" marks current-only
 * signatures; "2A" carries an explicit ondex.
 */
export function signIndexed(
  raw: Uint8Array,
  signers: readonly KeriSigner[],
  options: {
    indices?: readonly number[];
    ondices?: readonly (number | undefined)[];
    code?: "A" | "B" | "2A" | "2B";
  } = {},
): string[] {
  return signers.map((s, i) => {
    const index = options.indices?.[i] ?? i;
    const code = options.code ?? "A";
    const ondex = code === "2A" ? (options.ondices?.[i] ?? index) : undefined;
    return encodeIndexer(code, s.sign(raw), index, { ondex });
  });
}

/** A non-transferable receipt couple: the witness prefix and its signature (0B). */
export function receiptCouple(raw: Uint8Array, witness: KeriSigner): string {
  return witness.verfer + encodeMatter("0B", witness.sign(raw));
}

export interface AttachmentSpec {
  controllerSigs?: readonly string[];
  witnessSigs?: readonly string[];
  /** Each entry is a complete couple (prefix + signature). */
  receipts?: readonly string[];
  sealSources?: readonly { sn: number | bigint; digest: string }[];
  firstSeen?: readonly { fn: number | bigint; dt: string }[];
  /** Wrap the groups in an attached-material group (-V), as keripy's pipelined output does. */
  pipelined?: boolean;
}

/** A sequence number primitive (0A, 16 bytes big-endian). */
export function encodeSeqner(sn: number | bigint): string {
  let n = BigInt(sn);
  const raw = new Uint8Array(16);
  for (let i = 15; i >= 0; i--) {
    raw[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  if (n !== 0n) throw new RangeError(`sequence number ${sn} does not fit in 16 bytes`);
  return encodeMatter("0A", raw);
}

/** The text-domain attachment groups for `spec`. */
export function attachmentText(spec: AttachmentSpec): string {
  let out = "";
  if (spec.controllerSigs?.length)
    out += encodeCounter("-A", spec.controllerSigs.length) + spec.controllerSigs.join("");
  if (spec.witnessSigs?.length)
    out += encodeCounter("-B", spec.witnessSigs.length) + spec.witnessSigs.join("");
  if (spec.receipts?.length) out += encodeCounter("-C", spec.receipts.length) + spec.receipts.join("");
  if (spec.sealSources?.length) {
    out +=
      encodeCounter("-G", spec.sealSources.length) +
      spec.sealSources.map((s) => encodeSeqner(s.sn) + s.digest).join("");
  }
  if (spec.firstSeen?.length) {
    out +=
      encodeCounter("-E", spec.firstSeen.length) +
      spec.firstSeen.map((f) => encodeSeqner(f.fn) + encodeDateTime(f.dt)).join("");
  }
  if (spec.pipelined && out.length > 0) {
    const quadlets = out.length / 4;
    out = (quadlets < 4096 ? encodeCounter("-V", quadlets) : encodeCounter("--V", quadlets)) + out;
  }
  return out;
}

/** A CESR message: the body followed by its attachments (text domain). */
export function messagize(raw: Uint8Array, spec: AttachmentSpec = {}): Uint8Array {
  const att = utf8.encode(attachmentText(spec));
  const out = new Uint8Array(raw.length + att.length);
  out.set(raw, 0);
  out.set(att, raw.length);
  return out;
}

/** Concatenates messages into one stream. */
export function concatStream(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
