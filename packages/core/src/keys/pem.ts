// Text armour for keys: strict base64 (errors become KeyFormatError "bad-base64") and PEM blocks
// (RFC 7468: `-----BEGIN LABEL-----`, base64 body in lines, `-----END LABEL-----`).
import { EncodingError, fromBase64, toBase64 } from "../encoding.js";
import { KeyFormatError } from "./key-error.js";

/** Canonical padded base64 → bytes; anything else is a KeyFormatError naming `what`. */
export function keyBase64(text: string, what: string): Uint8Array {
  try {
    return fromBase64(text, what);
  } catch (e) {
    if (e instanceof EncodingError) throw new KeyFormatError("bad-base64", e.message);
    throw e;
  }
}

/** Wraps `der` in a PEM block with `width`-character lines (64 for RFC 7468, 70 for OpenSSH). */
export function toPem(label: string, der: Uint8Array, width = 64): string {
  const b64 = toBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += width) lines.push(b64.slice(i, i + width));
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----[ \t]*\r?\n/;

export interface PemBlock {
  label: string;
  body: Uint8Array;
}

/** The label of the PEM block `text` starts with, or undefined when it does not start with one. */
export function pemLabel(text: string): string | undefined {
  return BEGIN.exec(text)?.[1];
}

/**
 * Parses the PEM block at the start of `text` (leading whitespace already trimmed). Text after
 * the END line is ignored, as OpenSSL does. RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`) mean a
 * legacy encrypted key and are reported as such.
 */
export function parsePem(text: string): PemBlock {
  const begin = BEGIN.exec(text);
  if (!begin) throw new KeyFormatError("malformed", "PEM: expected a -----BEGIN ...----- line");
  const label = begin[1]!;
  const endLine = `-----END ${label}-----`;
  const end = text.indexOf(endLine, begin[0].length);
  if (end < 0) {
    const other = /-----END ([A-Z0-9 ]+)-----/.exec(text);
    if (other) throw new KeyFormatError("malformed", `PEM: BEGIN ${label} closed by END ${other[1]}`);
    throw new KeyFormatError("truncated", `PEM ${label}: truncated (no ${endLine} line)`);
  }
  const inner = text.slice(begin[0].length, end);
  if (/^[A-Za-z-]+:/m.test(inner)) {
    if (/Proc-Type:\s*4,ENCRYPTED/.test(inner)) {
      throw new KeyFormatError("encrypted", `PEM ${label}: the key is encrypted (Proc-Type: 4,ENCRYPTED)`);
    }
    throw new KeyFormatError("malformed", `PEM ${label}: unexpected header lines`);
  }
  const body = inner.replace(/[ \t\r\n]+/g, "");
  if (body.length === 0) throw new KeyFormatError("truncated", `PEM ${label}: empty body`);
  return { label, body: keyBase64(body, `PEM ${label}`) };
}
