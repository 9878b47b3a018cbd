// Attachment groups that follow a message body: indexed signatures, receipts, seal sources,
// first-seen replay couples, sad-path signatures and pathed material, each framed by a count
// code, optionally wrapped in attached-material quadlet groups (-V, -0V, --V). Counts are
// checked against the material: a group that claims more than it holds, or a -V group whose
// items do not fill it exactly, is a typed error naming the byte offset.
import { CesrError } from "../errors.js";
import { NUMBER_CODES } from "./codes.js";
import type { Counter } from "./counter.js";
import type { Indexer } from "./indexer.js";
import type { Matter } from "./matter.js";
import type { Reader } from "./reader.js";

export interface IndexedSignature extends Indexer {
  /** Byte offset of the signature in the stream. */
  readonly offset: number;
}

/** A signature by the holder of a non-transferable prefix (a witness or a watcher). */
export interface ReceiptCouple {
  readonly prefix: string;
  readonly signature: Matter;
  readonly offset: number;
}

/** Signatures by a transferable identifier at its establishment event (sn, digest). */
export interface TransSignatureGroup {
  readonly prefix: string;
  readonly sn: bigint;
  readonly digest: string;
  readonly signatures: IndexedSignature[];
  readonly offset: number;
}

/** Where an anchoring (sealing) event sits in another log: sequence number and SAID. */
export interface SealSource {
  readonly sn: bigint;
  readonly digest: string;
  readonly offset: number;
}

export interface SealSourceTriple extends SealSource {
  readonly prefix: string;
}

export interface FirstSeen {
  readonly fn: bigint;
  /** ISO-8601 datetime as written by the first-seen replay (microseconds, offset). */
  readonly dt: string;
  readonly offset: number;
}

/** Signatures on a part of a message body, named by a path (2022 -J/-K groups). */
export interface PathedSignatures {
  readonly path: string;
  readonly groups: TransSignatureGroup[];
  readonly signatures: IndexedSignature[];
  readonly receipts: ReceiptCouple[];
  readonly offset: number;
}

/** One count-code group as it appeared, for display and diagnostics. */
export interface GroupInfo {
  readonly code: string;
  readonly name: string;
  readonly count: number;
  readonly offset: number;
  readonly domain: "text" | "binary";
}

export interface Attachments {
  readonly controllerSigs: IndexedSignature[];
  readonly witnessSigs: IndexedSignature[];
  readonly receipts: ReceiptCouple[];
  readonly transReceipts: TransSignatureGroup[];
  readonly firstSeen: FirstSeen[];
  readonly transSigGroups: TransSignatureGroup[];
  readonly sealSources: SealSource[];
  readonly lastSigGroups: { prefix: string; signatures: IndexedSignature[]; offset: number }[];
  readonly sealSourceTriples: SealSourceTriple[];
  readonly pathedSignatures: PathedSignatures[];
  /** Opaque pathed material (-L/--L), kept as its text or bytes. */
  readonly pathedMaterial: { offset: number; length: number }[];
  readonly groups: GroupInfo[];
}

export function emptyAttachments(): Attachments {
  return {
    controllerSigs: [],
    witnessSigs: [],
    receipts: [],
    transReceipts: [],
    firstSeen: [],
    transSigGroups: [],
    sealSources: [],
    lastSigGroups: [],
    sealSourceTriples: [],
    pathedSignatures: [],
    pathedMaterial: [],
    groups: [],
  };
}

const GROUP_CODES = new Set(["-V", "-0V", "--V"]);

/** Reads one top-level group (which may be an attached-material group) into `out`. */
export function readGroup(r: Reader, out: Attachments, inGroup = false): void {
  const offset = r.pos;
  const ctr = r.counter();
  out.groups.push({ code: ctr.code, name: ctr.name, count: ctr.count, offset, domain: r.domain });
  if (GROUP_CODES.has(ctr.code)) {
    if (inGroup) throw new CesrError("ERR_CESR_GROUP", `nested attachment group ${ctr.code}`, offset);
    const sub = r.take(r.quadletBytes(ctr.count), `group ${ctr.qb64}`);
    while (!sub.atEnd()) readGroup(sub, out, true);
    return;
  }
  readCounted(r, ctr, offset, out);
}

function need(r: Reader, ctr: Counter, offset: number): void {
  if (ctr.count === 0) throw new CesrError("ERR_CESR_COUNT", `empty group ${ctr.qb64}`, offset);
  if (r.atEnd())
    throw new CesrError(
      "ERR_CESR_SHORT",
      `group ${ctr.qb64} announces ${ctr.count} items, none follow`,
      r.pos,
    );
}

function sigs(r: Reader, count: number): IndexedSignature[] {
  const out: IndexedSignature[] = [];
  for (let i = 0; i < count; i++) {
    const offset = r.pos;
    if (r.atEnd()) throw new CesrError("ERR_CESR_SHORT", `expected signature ${i + 1} of ${count}`, offset);
    out.push({ ...r.indexer(), offset });
  }
  return out;
}

function seqNumber(r: Reader): bigint {
  const offset = r.pos;
  const m = r.matter();
  if (!NUMBER_CODES.has(m.code))
    throw new CesrError("ERR_CESR_CODE", `expected a number primitive, got code ${m.code}`, offset);
  let n = 0n;
  for (const b of m.raw) n = (n << 8n) | BigInt(b);
  return n;
}

function prefix(r: Reader): string {
  const offset = r.pos;
  const m = r.matter();
  if (!/^[A-Za-z]$|^1AA[A-DIJ]$/.test(m.code))
    throw new CesrError("ERR_CESR_CODE", `expected an identifier prefix, got code ${m.code}`, offset);
  return m.qb64;
}

function digestOf(r: Reader): string {
  const offset = r.pos;
  const m = r.matter();
  if (!/^[E-I]$|^0[D-G]$/.test(m.code))
    throw new CesrError("ERR_CESR_CODE", `expected a digest, got code ${m.code}`, offset);
  return m.qb64;
}

function controllerSigGroup(r: Reader): IndexedSignature[] {
  const offset = r.pos;
  const inner = r.counter();
  if (inner.code !== "-A")
    throw new CesrError("ERR_CESR_GROUP", `expected -A signatures, got ${inner.code}`, offset);
  need(r, inner, offset);
  return sigs(r, inner.count);
}

function transGroup(r: Reader): TransSignatureGroup {
  const offset = r.pos;
  const p = prefix(r);
  const sn = seqNumber(r);
  const digest = digestOf(r);
  return { prefix: p, sn, digest, signatures: controllerSigGroup(r), offset };
}

function readCounted(r: Reader, ctr: Counter, offset: number, out: Attachments): void {
  switch (ctr.code) {
    case "-A":
      need(r, ctr, offset);
      out.controllerSigs.push(...sigs(r, ctr.count));
      return;
    case "-B":
      need(r, ctr, offset);
      out.witnessSigs.push(...sigs(r, ctr.count));
      return;
    case "-C":
      need(r, ctr, offset);
      for (let i = 0; i < ctr.count; i++) {
        const at = r.pos;
        const p = prefix(r);
        const sigAt = r.pos;
        const signature = r.matter();
        if (
          signature.code !== "0B" &&
          signature.code !== "0C" &&
          signature.code !== "0I" &&
          signature.code !== "1AAE"
        ) {
          throw new CesrError("ERR_CESR_CODE", `expected a signature, got code ${signature.code}`, sigAt);
        }
        out.receipts.push({ prefix: p, signature, offset: at });
      }
      return;
    case "-D": {
      need(r, ctr, offset);
      // 2022: count quadruples pre+snu+dig+sig; current keripy: quadlets of pre+snu+dig+-A group.
      const first = r.pos;
      const p = prefix(r);
      const sn = seqNumber(r);
      const digest = digestOf(r);
      if (r.nextIsCounter()) {
        r.pos = first;
        const sub = r.take(r.quadletBytes(ctr.count), `group ${ctr.qb64}`);
        while (!sub.atEnd()) out.transReceipts.push(transGroup(sub));
        return;
      }
      out.transReceipts.push({ prefix: p, sn, digest, signatures: sigs(r, 1), offset: first });
      for (let i = 1; i < ctr.count; i++) {
        const at = r.pos;
        out.transReceipts.push({
          prefix: prefix(r),
          sn: seqNumber(r),
          digest: digestOf(r),
          signatures: sigs(r, 1),
          offset: at,
        });
      }
      return;
    }
    case "-E":
      need(r, ctr, offset);
      for (let i = 0; i < ctr.count; i++) {
        const at = r.pos;
        const fn = seqNumber(r);
        const dtAt = r.pos;
        const dt = r.matter();
        if (dt.code !== "1AAG")
          throw new CesrError("ERR_CESR_CODE", `expected a datetime (1AAG), got code ${dt.code}`, dtAt);
        out.firstSeen.push({ fn, dt: decodeDateTime(dt.qb64), offset: at });
      }
      return;
    case "-F":
      need(r, ctr, offset);
      for (let i = 0; i < ctr.count; i++) out.transSigGroups.push(transGroup(r));
      return;
    case "-G":
      need(r, ctr, offset);
      for (let i = 0; i < ctr.count; i++) {
        const at = r.pos;
        out.sealSources.push({ sn: seqNumber(r), digest: digestOf(r), offset: at });
      }
      return;
    case "-H":
      need(r, ctr, offset);
      for (let i = 0; i < ctr.count; i++) {
        const at = r.pos;
        out.lastSigGroups.push({ prefix: prefix(r), signatures: controllerSigGroup(r), offset: at });
      }
      return;
    case "-I":
      need(r, ctr, offset);
      for (let i = 0; i < ctr.count; i++) {
        const at = r.pos;
        out.sealSourceTriples.push({ prefix: prefix(r), sn: seqNumber(r), digest: digestOf(r), offset: at });
      }
      return;
    case "-J":
      need(r, ctr, offset);
      for (let i = 0; i < ctr.count; i++) out.pathedSignatures.push(sadPathSig(r, ""));
      return;
    case "-K": {
      need(r, ctr, offset);
      const root = path(r);
      for (let i = 0; i < ctr.count; i++) {
        const at = r.pos;
        const inner = r.counter();
        if (inner.code !== "-J")
          throw new CesrError("ERR_CESR_GROUP", `expected -J in -K group, got ${inner.code}`, at);
        for (let j = 0; j < inner.count; j++) out.pathedSignatures.push(sadPathSig(r, root));
      }
      return;
    }
    case "-L":
    case "--L": {
      const at = r.pos;
      const length = r.quadletBytes(ctr.count);
      r.take(length, `group ${ctr.qb64}`);
      out.pathedMaterial.push({ offset: at, length });
      return;
    }
    case "--AAA":
    case "-_AAA":
      throw new CesrError("ERR_CESR_GROUP", `version code ${ctr.qb64} inside attachments`, offset);
    default:
      throw new CesrError("ERR_CESR_CODE", `unsupported attachment group ${ctr.code}`, offset);
  }
}

/** A path primitive (a Base64 text of "-"-separated field labels, e.g. "-a-personLegalName"). */
function path(r: Reader): string {
  const at = r.pos;
  const m = r.matter();
  if (!/^[4-6]A$|^[7-9]AAA$/.test(m.code))
    throw new CesrError("ERR_CESR_CODE", `expected a path (StrB64), got code ${m.code}`, at);
  return bexterText(m);
}

function sadPathSig(r: Reader, root: string): PathedSignatures {
  const offset = r.pos;
  const p = root + path(r);
  const at = r.pos;
  const inner = r.counter();
  const entry: PathedSignatures = {
    path: p === "" ? "-" : p,
    groups: [],
    signatures: [],
    receipts: [],
    offset,
  };
  need(r, inner, at);
  if (inner.code === "-F") for (let i = 0; i < inner.count; i++) entry.groups.push(transGroup(r));
  else if (inner.code === "-A") entry.signatures.push(...sigs(r, inner.count));
  else if (inner.code === "-C") {
    const tmp = emptyAttachments();
    readCounted(r, inner, at, tmp);
    entry.receipts.push(...tmp.receipts);
  } else throw new CesrError("ERR_CESR_GROUP", `unexpected ${inner.code} in sad-path signature`, at);
  return entry;
}

/** The Base64 text carried by a StrB64 ("Bexter") primitive: its value minus the pad "A"s. */
function bexterText(m: Matter): string {
  const ls = "47".includes(m.code[0] as string) ? 0 : "58".includes(m.code[0] as string) ? 1 : 2;
  const value = m.qb64.slice(m.code.length === 2 ? 4 : 8);
  const ws = ls === 0 ? (value.startsWith("A") ? 1 : 0) : ls + 1;
  return value.slice(ws);
}

/** The datetime carried by a 1AAG primitive ("2022-06-22T15c37c37d025265p00c00"). */
export function decodeDateTime(qb64: string): string {
  return qb64.slice(4).replace(/c/g, ":").replace(/d/g, ".").replace(/p/g, "+");
}

/** A 1AAG primitive for an ISO-8601 datetime of exactly 32 characters. */
export function encodeDateTime(iso: string): string {
  if (iso.length !== 32 || !/^[0-9T:.+-]+$/.test(iso)) {
    throw new RangeError(
      `expected a 32-character ISO-8601 datetime like 2022-06-22T15:37:37.025265+00:00, got ${JSON.stringify(iso)}`,
    );
  }
  return `1AAG${iso.replace(/:/g, "c").replace(/\./g, "d").replace(/\+/g, "p")}`;
}
