// Self-addressing identifiers: a document's id is the hash of the document itself, computed with
// its `d` field blanked (and without its signatures). We use SHA-256 over RFC 8785 JSON, written
// "E" + base64url without padding — the KERI/ACDC shape, with our hash instead of Blake3.
import { ChronosealError, canonicalHash } from "@chronoseal/core";

export class SaidError extends ChronosealError {
  constructor(message: string) {
    super("ERR_VALIDITY_SAID", message);
    this.name = "SaidError";
  }
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/**
 * The SAID of `doc` (its `d` and `signatures` fields are ignored). An inception event names its
 * own identifier (`i` = `d`), so for `t: "icp"` the `i` field is blanked as well.
 */
export function said(doc: object): string {
  const { signatures: _s, ...rest } = doc as Record<string, unknown>;
  const blank = rest.t === "icp" ? { ...rest, d: "", i: "" } : { ...rest, d: "" };
  return `E${base64url(canonicalHash(blank))}`;
}

/** Returns `doc` with its `d` set to its SAID. */
export function saidify<T extends { d: string }>(doc: T): T {
  return { ...doc, d: said(doc) };
}

/** True when `doc.d` is the SAID of `doc`. */
export function hasValidSaid(doc: { d?: unknown }): boolean {
  return typeof doc.d === "string" && doc.d === said(doc);
}
