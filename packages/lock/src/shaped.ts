// The canonical (RFC 8785) bytes of an entry that passed entryShapeError and has no detail,
// written straight into a byte buffer: the auditor and the collector hash every entry, and
// building a string per entry and then encoding it costs as much as hashing it. A shaped entry's
// names, hashes, times and events are ASCII characters JSON does not escape, so each is written
// as it is (latin1 = ASCII here). The part that repeats within a chain,
// {"chain":…,"door":…,"event":…,"prev":", is built once per chain and event. Property tests
// check the bytes against canonicalize.
import type { LockEntry } from "./entry.js";

let prefixChain = "";
let prefixDoor = "";
const prefixes = new Map<string, Buffer>();

function prefixFor(chain: string, door: string, event: string): Buffer {
  if (chain !== prefixChain || door !== prefixDoor) {
    prefixes.clear();
    prefixChain = chain;
    prefixDoor = door;
  }
  let p = prefixes.get(event);
  if (p === undefined) {
    p = Buffer.from(`{"chain":"${chain}","door":"${door}","event":"${event}","prev":"`, "latin1");
    prefixes.set(event, p);
  }
  return p;
}

const SEQ = Buffer.from('","seq":', "latin1");
const TIME = Buffer.from(',"time":"', "latin1");
const USER = Buffer.from('","user":"', "latin1");
const END = Buffer.from('","v":1}', "latin1");

function lit(buf: Buffer, at: number, b: Buffer): number {
  const n = b.length;
  for (let i = 0; i < n; i++) buf[at + i] = b[i]!;
  return at + n;
}

/** A non-negative safe integer in decimal (at most 16 digits). */
function decimal(buf: Buffer, at: number, n: number): number {
  let digits = 1;
  for (let p = 10; p <= n && digits < 16; p *= 10) digits++;
  for (let i = digits - 1; i >= 0; i--) {
    const q = Math.floor(n / 10);
    buf[at + i] = 48 + (n - q * 10);
    n = q;
  }
  return at + digits;
}

/**
 * Writes the canonical bytes of a shaped entry without detail at `at` and returns the end.
 * `room(bytes)` makes room for that many more bytes at `at` (it may replace the buffer, which
 * `buffer()` then returns). Each field is read once.
 */
export function writeShaped(
  e: LockEntry,
  room: (bytes: number) => void,
  buffer: () => Buffer,
  at: number,
): number {
  const { chain, door, event, prev, seq, time, user } = e;
  const prefix = prefixFor(chain, door, event);
  room(prefix.length + prev.length + time.length + (user?.length ?? 0) + 64);
  const buf = buffer();
  buf.set(prefix, at);
  at += prefix.length;
  at += buf.write(prev, at, "latin1");
  at = lit(buf, at, SEQ);
  at = decimal(buf, at, seq);
  at = lit(buf, at, TIME);
  at += buf.write(time, at, "latin1");
  if (user !== undefined) {
    at = lit(buf, at, USER);
    at += buf.write(user, at, "latin1");
  }
  return lit(buf, at, END);
}
