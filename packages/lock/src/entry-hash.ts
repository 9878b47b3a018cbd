// Entry hashes: base64 SHA-256 of the entry's RFC 8785 (JCS) payload, signatures excluded — the
// value `prev` links to and the device signs. Auditors and the collector hash every entry, so
// well-formed entries take a fast path: their keys are known, so the canonical text is written
// directly (sorted keys; strings as JSON.stringify writes them, which is JCS for text without
// lone surrogates — entryShapeError guarantees that; integers as Number#toString), and a batch is
// hashed with one packed SHA-256 call. Anything else goes through core's canonicalize. A property
// test checks the fast path against canonicalize.
import { canonicalize, sha256, sha256Packed, toBase64 } from "@chronoseal/core";
import type { LockEntry } from "./entry.js";
import { writeShaped } from "./shaped.js";

const encoder = new TextEncoder();
const FAST_KEYS = new Set([
  "v",
  "chain",
  "seq",
  "prev",
  "door",
  "time",
  "event",
  "user",
  "detail",
  "signatures",
]);
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes
const SAFE_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

function str(s: unknown): string | undefined {
  if (typeof s !== "string") return undefined;
  return SAFE_STRING.test(s) ? `"${s}"` : /[\ud800-\udfff]/.test(s) ? undefined : JSON.stringify(s);
}

function num(n: unknown): string | undefined {
  return typeof n === "number" && Number.isFinite(n) ? String(n) : undefined;
}

/** JCS of the payload of an entry-shaped object, or undefined when the fast path does not apply. */
function fastCanonical(e: Record<string, unknown>): string | undefined {
  for (const k in e) if (!FAST_KEYS.has(k)) return undefined;
  if (e.v !== 1) return undefined;
  const chain = str(e.chain);
  const door = str(e.door);
  const event = str(e.event);
  const prev = str(e.prev);
  const seq = num(e.seq);
  const time = str(e.time);
  if (!chain || !door || !event || !prev || !seq || !time) return undefined;
  let out = `{"chain":${chain}`;
  if (e.detail !== undefined) {
    const d = e.detail;
    if (
      d === null ||
      typeof d !== "object" ||
      Array.isArray(d) ||
      Object.getPrototypeOf(d) !== Object.prototype
    )
      return undefined;
    const keys = Object.keys(d).sort();
    const parts: string[] = [];
    for (const k of keys) {
      const key = str(k);
      const v = (d as Record<string, unknown>)[k];
      const val = typeof v === "number" ? num(v) : str(v);
      if (!key || val === undefined) return undefined;
      parts.push(`${key}:${val}`);
    }
    out += `,"detail":{${parts.join(",")}}`;
  }
  out += `,"door":${door},"event":${event},"prev":${prev},"seq":${seq},"time":${time}`;
  if (e.user !== undefined) {
    const user = str(e.user);
    if (!user) return undefined;
    out += `,"user":${user}`;
  }
  return `${out},"v":1}`;
}

/**
 * JCS of an entry that passed entryShapeError: its names, hashes, times and events are checked
 * to hold no character JSON escapes, so they are written as they are; detail values are escaped.
 */
function shapedCanonical(e: LockEntry): string {
  let out = `{"chain":"${e.chain}"`;
  const d = e.detail;
  if (d !== undefined) {
    const keys = Object.keys(d).sort();
    out += ',"detail":{';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = d[k]!;
      out += `${i ? "," : ""}"${k}":${typeof v === "number" ? String(v) : JSON.stringify(v)}`;
    }
    out += "}";
  }
  out += `,"door":"${e.door}","event":"${e.event}","prev":"${e.prev}","seq":${e.seq},"time":"${e.time}"`;
  if (e.user !== undefined) out += `,"user":"${e.user}"`;
  return `${out},"v":1}`;
}

/** The canonical text of an entry's payload (signatures excluded). Throws what canonicalize throws. */
export function entryCanonical(entry: object): string {
  const fast = fastCanonical(entry as Record<string, unknown>);
  if (fast !== undefined) return fast;
  const { signatures: _s, ...payload } = entry as Record<string, unknown>;
  return canonicalize(payload);
}

/** SHA-256 of the entry's canonical payload (32 bytes). */
export function entryHashBytes(entry: object): Uint8Array {
  return sha256(encoder.encode(entryCanonical(entry)));
}

/** base64 SHA-256 of the entry's canonical payload (what `prev` links to and the device signs). */
export function entryHash(entry: LockEntry | object): string {
  return toBase64(entryHashBytes(entry));
}

// A Buffer: its write() encodes at an offset without a view per text (encodeInto needs one).
let scratch = Buffer.allocUnsafe(1 << 16);
/** An entryHashes call is running (a getter may call it again: that call gets its own buffer). */
let busy = false;

/**
 * Hashes of many entries, back to back (n × 32 bytes), with one packed SHA-256 call. With
 * `shaped`, the caller vouches that every entry passed entryShapeError (the auditor and the
 * collector check that first): the canonical bytes are then written straight into the buffer
 * (shaped.ts's writer; an entry with a detail goes through its text), otherwise each entry's
 * canonical text is built first and then encoded.
 */
export function entryHashes(entries: readonly object[], options: { shaped?: boolean } = {}): Uint8Array {
  const n = entries.length;
  const offsets = new Uint32Array(n + 1);
  const nested = busy;
  busy = true;
  try {
    let buf = nested ? Buffer.allocUnsafe(1 << 12) : scratch;
    let at = 0;
    const room = (bytes: number) => {
      if (buf.length >= at + bytes) return;
      const next = Buffer.allocUnsafe(Math.max(at + bytes, buf.length * 2));
      buf.copy(next, 0, 0, at);
      buf = next;
    };
    if (options.shaped === true) {
      for (let i = 0; i < n; i++) {
        offsets[i] = at;
        const e = entries[i] as LockEntry;
        if (e.detail === undefined) at = writeShaped(e, room, () => buf, at);
        else {
          const t = shapedCanonical(e);
          room(t.length * 3);
          at += buf.write(t, at); // room for 3 bytes a UTF-16 unit: never truncated
        }
      }
    } else {
      // Texts first: canonicalize may run getters, and nothing is written while they run.
      const texts = entries.map((e) => entryCanonical(e));
      for (let i = 0; i < n; i++) {
        const t = texts[i]!;
        offsets[i] = at;
        room(t.length * 3);
        at += buf.write(t, at);
      }
    }
    offsets[n] = at;
    if (!nested) scratch = buf;
    return sha256Packed(buf.subarray(0, at), offsets);
  } finally {
    busy = nested;
  }
}
