// Splits a CESR stream (a .cesr file) into messages: each JSON body, framed by the size in its
// version string, with the attachment groups that follow it up to the next body. Attachments
// may be in text or binary domain, group by group. The layout of a message's primitives (2022
// or current) is the one under which its SAID verifies; attachments use the same layout.
import { parseJson } from "@chronoseal/core";
import { CesrError } from "../errors.js";
import { JsonSpanError, scanJson } from "../json-spans.js";
import { type SaidCheck, verifySaidSpan } from "../said.js";
import { type Attachments, emptyAttachments, readGroup } from "./attachments.js";
import type { Layout } from "./matter.js";
import { Reader } from "./reader.js";
import { parseVersionString, VERSION_STRING_LENGTH, type VersionString } from "./version.js";

export interface CesrMessage {
  /** Position of the message in the stream (0-based). */
  readonly index: number;
  /** Byte offset of the body's first byte. */
  readonly offset: number;
  /** The exact body bytes: what the SAID commits to and signatures sign. */
  readonly raw: Uint8Array;
  readonly version: VersionString;
  /** The body, parsed strictly (duplicate keys are errors). */
  readonly body: Record<string, unknown>;
  /** The message type ("icp", "rot", "iss", …), or undefined for ACDCs. */
  readonly ilk: string | undefined;
  readonly said: SaidCheck;
  readonly layout: Layout;
  readonly attachments: Attachments;
  /** Byte offset just past the message's last attachment. */
  readonly end: number;
}

export interface ParseOptions {
  /** Layout of primitives; "auto" (default) takes it from each message's SAID. */
  layout?: Layout | "auto";
  /** Stop with an error after this many messages (default 1,000,000). */
  maxMessages?: number;
}

const OPEN = 0x7b; // "{"
const PREFIX = new TextEncoder().encode('{"v":"');
const utf8 = new TextDecoder("utf-8", { fatal: true });

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function isTextCounter(b: number): boolean {
  return b === 0x2d;
}

function isBinaryCounter(b: number): boolean {
  return b >> 2 === 0x3e; // first sextet 62 ("-")
}

/** Parses every message of a CESR stream. Malformed input throws CesrError with the byte offset. */
export function parseCesr(input: Uint8Array | string, options: ParseOptions = {}): CesrMessage[] {
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  if (!(bytes instanceof Uint8Array)) throw new TypeError("parseCesr: expected Uint8Array or string");
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const maxMessages = options.maxMessages ?? 1_000_000;
  const fixed = options.layout === undefined || options.layout === "auto" ? undefined : options.layout;
  let streamLayout: Layout = fixed ?? "current";
  const messages: CesrMessage[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const b = bytes[pos] as number;
    if (isSpace(b)) {
      pos++;
      continue;
    }
    if (isTextCounter(b) || isBinaryCounter(b)) {
      pos = skipVersionCode(bytes, text, pos);
      continue;
    }
    if (b !== OPEN) {
      throw new CesrError(
        "ERR_CESR_CODE",
        `expected a message body or count code, got ${describeByte(b)}`,
        pos,
      );
    }
    if (messages.length >= maxMessages)
      throw new CesrError("ERR_CESR_SIZE", `more than ${maxMessages} messages`, pos);
    const body = readBody(bytes, pos);
    const said = verifySaidSpan(body.raw, body.span, { layout: fixed ?? "auto" });
    const known = said.ok ? said.layout : undefined;
    if (known) streamLayout = known;
    const layout = fixed ?? known ?? streamLayout;
    const { attachments, end } = readAttachments(
      bytes,
      text,
      pos + body.raw.length,
      layout,
      fixed !== undefined || known !== undefined,
    );
    messages.push({
      index: messages.length,
      offset: pos,
      raw: body.raw,
      version: body.version,
      body: body.value,
      ilk: typeof body.value.t === "string" ? body.value.t : undefined,
      said,
      layout: attachments.layout,
      attachments: attachments.attachments,
      end,
    });
    pos = end;
  }
  return messages;
}

function describeByte(b: number): string {
  return b >= 0x20 && b < 0x7f
    ? JSON.stringify(String.fromCharCode(b))
    : `byte 0x${b.toString(16).padStart(2, "0")}`;
}

/** A stream-level genus/version code (-_AAA / --AAA) between messages; other groups are errors. */
function skipVersionCode(bytes: Uint8Array, text: string, pos: number): number {
  const domain = isTextCounter(bytes[pos] as number) ? "text" : "binary";
  const r = new Reader(bytes, text, domain, "current", pos, bytes.length);
  const ctr = r.counter();
  if (ctr.code === "-_AAA" || ctr.code === "--AAA") {
    const major = ctr.count >> 12;
    if (major !== 1)
      throw new CesrError(
        "ERR_CESR_VERSION",
        `unsupported CESR genus version ${ctr.qb64} (major ${major})`,
        pos,
      );
    return r.pos;
  }
  throw new CesrError("ERR_CESR_GROUP", `attachment group ${ctr.code} before any message body`, pos);
}

interface Body {
  raw: Uint8Array;
  version: VersionString;
  value: Record<string, unknown>;
  span: ReturnType<typeof scanJson>;
}

function readBody(bytes: Uint8Array, pos: number): Body {
  for (let i = 0; i < PREFIX.length; i++) {
    if (pos + i >= bytes.length)
      throw new CesrError("ERR_CESR_SHORT", "message body truncated before its version string", pos);
    if (bytes[pos + i] !== PREFIX[i]) {
      throw new CesrError("ERR_CESR_VERSION", 'message body must start with {"v":"<version string>"', pos);
    }
  }
  const vsAt = pos + PREFIX.length;
  if (vsAt + VERSION_STRING_LENGTH + 1 > bytes.length)
    throw new CesrError("ERR_CESR_SHORT", "version string truncated", vsAt);
  const vsText = Buffer.from(bytes.subarray(vsAt, vsAt + VERSION_STRING_LENGTH)).toString("latin1");
  const version = parseVersionString(vsText, vsAt);
  if (bytes[vsAt + VERSION_STRING_LENGTH] !== 0x22) {
    throw new CesrError(
      "ERR_CESR_VERSION",
      "version string must be followed by the closing quote",
      vsAt + VERSION_STRING_LENGTH,
    );
  }
  const minimum = PREFIX.length + VERSION_STRING_LENGTH + 2;
  if (version.size < minimum)
    throw new CesrError(
      "ERR_CESR_SIZE",
      `version string size ${version.size} is smaller than the body's start`,
      vsAt,
    );
  if (pos + version.size > bytes.length) {
    throw new CesrError(
      "ERR_CESR_SHORT",
      `body announces ${version.size} bytes but only ${bytes.length - pos} remain`,
      pos,
    );
  }
  const raw = Uint8Array.prototype.slice.call(bytes, pos, pos + version.size); // a copy, even of a Buffer
  let span: ReturnType<typeof scanJson>;
  try {
    span = scanJson(raw);
  } catch (e) {
    if (!(e instanceof JsonSpanError)) throw e;
    throw new CesrError(
      "ERR_CESR_JSON",
      `body of ${version.size} bytes (per its version string) is not one compact JSON object: ${e.message.replace(/ at byte \d+$/, "")}`,
      pos + e.offset,
    );
  }
  let value: unknown;
  try {
    value = parseJson(utf8.decode(raw));
  } catch (e) {
    throw new CesrError("ERR_CESR_JSON", `invalid body: ${(e as Error).message}`, pos);
  }
  return { raw, version, value: value as Record<string, unknown>, span };
}

function readAttachments(
  bytes: Uint8Array,
  text: string,
  start: number,
  layout: Layout,
  layoutKnown: boolean,
): { attachments: { attachments: Attachments; layout: Layout }; end: number } {
  const attempt = (l: Layout) => {
    const out = emptyAttachments();
    let pos = start;
    while (pos < bytes.length) {
      const b = bytes[pos] as number;
      if (b === OPEN || isSpace(b)) break;
      if (!isTextCounter(b) && !isBinaryCounter(b)) {
        throw new CesrError(
          "ERR_CESR_CODE",
          `expected an attachment count code or the next body, got ${describeByte(b)}`,
          pos,
        );
      }
      const domain = isTextCounter(b) ? "text" : "binary";
      const r = new Reader(bytes, text, domain, l, pos, bytes.length);
      readGroup(r, out);
      pos = r.pos;
    }
    return { attachments: { attachments: out, layout: l }, end: pos };
  };
  try {
    return attempt(layout);
  } catch (e) {
    // A message whose SAID did not settle the layout: its attachments may still say which one.
    if (layoutKnown || !(e instanceof CesrError) || e.code !== "ERR_CESR_PAD") throw e;
    return attempt(layout === "current" ? "2022" : "current");
  }
}
