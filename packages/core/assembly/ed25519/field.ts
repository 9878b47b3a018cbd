// Arithmetic mod p = 2^255 − 19 on ten signed 32-bit limbs (radix 2^25.5, i64 products).
// A field element is 40 bytes of linear memory; every function takes pointers, so nothing is
// allocated. Multiplication and squaring are generated (fe.generated.ts).
import { feCarry, feMul, feSq } from "./fe.generated";

export { feCarry, feMul, feSq };

export const FE: usize = 40;

/** Static temporaries for this module's own routines. */
const T0: usize = memory.data(FE * 4, 16);
const T1: usize = T0 + FE;
const T2: usize = T0 + 2 * FE;
const T3: usize = T0 + 3 * FE;

export function feZero(h: usize): void {
  memory.fill(h, 0, FE);
}

export function feOne(h: usize): void {
  memory.fill(h, 0, FE);
  store<i32>(h, 1);
}

export function feCopy(h: usize, f: usize): void {
  memory.copy(h, f, FE);
}

export function feAdd(h: usize, f: usize, g: usize): void {
  for (let i: usize = 0; i < 40; i += 4) store<i32>(h + i, load<i32>(f + i) + load<i32>(g + i));
}

export function feSub(h: usize, f: usize, g: usize): void {
  for (let i: usize = 0; i < 40; i += 4) store<i32>(h + i, load<i32>(f + i) - load<i32>(g + i));
}

export function feNeg(h: usize, f: usize): void {
  for (let i: usize = 0; i < 40; i += 4) store<i32>(h + i, -load<i32>(f + i));
}

/** Multiplies by a small constant (|k| < 2^20), then carries. */
export function feMulSmall(h: usize, f: usize, k: i64): void {
  for (let i: usize = 0; i < 40; i += 4) store<i32>(h + i, <i32>(<i64>load<i32>(f + i) * k));
  feCarry(h);
}

// @ts-ignore: decorator
@inline function bits(s: usize, off: u32, width: u32): i32 {
  const v = load<u64>(s + (off >>> 3)) >>> (<u64>(off & 7));
  return <i32>(v & ((<u64>1 << width) - 1));
}

/**
 * Loads 255 bits (the top bit of byte 31 is ignored). Values in [p, 2^255) are accepted and
 * represent y − p, as ZIP-215 requires. `s` must have 8 readable bytes past byte 31.
 */
export function feFromBytes(h: usize, s: usize): void {
  store<i32>(h, bits(s, 0, 26), 0);
  store<i32>(h, bits(s, 26, 25), 4);
  store<i32>(h, bits(s, 51, 26), 8);
  store<i32>(h, bits(s, 77, 25), 12);
  store<i32>(h, bits(s, 102, 26), 16);
  store<i32>(h, bits(s, 128, 25), 20);
  store<i32>(h, bits(s, 153, 26), 24);
  store<i32>(h, bits(s, 179, 25), 28);
  store<i32>(h, bits(s, 204, 26), 32);
  store<i32>(h, bits(s, 230, 25), 36);
}

/** Writes the canonical 32-byte encoding (fully reduced mod p). */
export function feToBytes(s: usize, f: usize): void {
  const t = T3;
  feCopy(t, f);
  feCarry(t);
  let h0: i64 = load<i32>(t, 0), h1: i64 = load<i32>(t, 4), h2: i64 = load<i32>(t, 8), h3: i64 = load<i32>(t, 12);
  let h4: i64 = load<i32>(t, 16), h5: i64 = load<i32>(t, 20), h6: i64 = load<i32>(t, 24), h7: i64 = load<i32>(t, 28);
  let h8: i64 = load<i32>(t, 32), h9: i64 = load<i32>(t, 36);
  // q = floor(h / p) ∈ {0, 1} (h is carried, so |h| < 2p): found by propagating h + 19.
  let q: i64 = (19 * h9 + (1 << 24)) >> 25;
  q = (h0 + q) >> 26;
  q = (h1 + q) >> 25;
  q = (h2 + q) >> 26;
  q = (h3 + q) >> 25;
  q = (h4 + q) >> 26;
  q = (h5 + q) >> 25;
  q = (h6 + q) >> 26;
  q = (h7 + q) >> 25;
  q = (h8 + q) >> 26;
  q = (h9 + q) >> 25;
  h0 += 19 * q;
  // Exact carries (floor), dropping the final carry out of bit 255.
  let c: i64;
  c = h0 >> 26; h1 += c; h0 -= c << 26;
  c = h1 >> 25; h2 += c; h1 -= c << 25;
  c = h2 >> 26; h3 += c; h2 -= c << 26;
  c = h3 >> 25; h4 += c; h3 -= c << 25;
  c = h4 >> 26; h5 += c; h4 -= c << 26;
  c = h5 >> 25; h6 += c; h5 -= c << 25;
  c = h6 >> 26; h7 += c; h6 -= c << 26;
  c = h7 >> 25; h8 += c; h7 -= c << 25;
  c = h8 >> 26; h9 += c; h8 -= c << 26;
  c = h9 >> 25; h9 -= c << 25;
  // Pack 255 bits little-endian.
  const lo0: u64 = <u64>h0 | (<u64>h1 << 26) | (<u64>h2 << 51);
  const lo1: u64 = (<u64>h2 >> 13) | (<u64>h3 << 13) | (<u64>h4 << 38);
  const lo2: u64 = <u64>h5 | (<u64>h6 << 25) | (<u64>h7 << 51);
  const lo3: u64 = (<u64>h7 >> 13) | (<u64>h8 << 12) | (<u64>h9 << 38);
  store<u64>(s, lo0, 0);
  store<u64>(s, lo1, 8);
  store<u64>(s, lo2, 16);
  store<u64>(s, lo3, 24);
}

const BYTES: usize = memory.data(40, 16);

export function feIsNegative(f: usize): bool {
  feToBytes(BYTES, f);
  return (load<u8>(BYTES) & 1) == 1;
}

export function feIsZero(f: usize): bool {
  feToBytes(BYTES, f);
  return (load<u64>(BYTES) | load<u64>(BYTES, 8) | load<u64>(BYTES, 16) | load<u64>(BYTES, 24)) == 0;
}

const BYTES2: usize = memory.data(40, 16);

export function feEqual(f: usize, g: usize): bool {
  feToBytes(BYTES, f);
  feToBytes(BYTES2, g);
  return (
    load<u64>(BYTES) == load<u64>(BYTES2) &&
    load<u64>(BYTES, 8) == load<u64>(BYTES2, 8) &&
    load<u64>(BYTES, 16) == load<u64>(BYTES2, 16) &&
    load<u64>(BYTES, 24) == load<u64>(BYTES2, 24)
  );
}

function sqTimes(h: usize, f: usize, n: i32): void {
  feSq(h, f);
  for (let i = 1; i < n; i++) feSq(h, h);
}

/** h = f^(2^250 − 1), with f^11 left in `f11` (shared by inversion and the square-root chain). */
function pow250(h: usize, f: usize, f11: usize): void {
  const t0 = T0, t1 = T1, t2 = T2;
  feSq(t0, f); //           2
  sqTimes(t1, t0, 2); //    8
  feMul(t1, f, t1); //      9
  feMul(f11, t0, t1); //    11
  feSq(t0, f11); //         22
  feMul(t0, t1, t0); //     2^5 − 1
  sqTimes(t1, t0, 5);
  feMul(t0, t1, t0); //     2^10 − 1
  sqTimes(t1, t0, 10);
  feMul(t1, t1, t0); //     2^20 − 1
  sqTimes(t2, t1, 20);
  feMul(t1, t2, t1); //     2^40 − 1
  sqTimes(t1, t1, 10);
  feMul(t0, t1, t0); //     2^50 − 1
  sqTimes(t1, t0, 50);
  feMul(t1, t1, t0); //     2^100 − 1
  sqTimes(t2, t1, 100);
  feMul(t1, t2, t1); //     2^200 − 1
  sqTimes(t1, t1, 50);
  feMul(h, t1, t0); //      2^250 − 1
}

const F11: usize = memory.data(40, 16);

/** h = 1/f = f^(p − 2) = f^(2^255 − 21). */
export function feInvert(h: usize, f: usize): void {
  const t = memory.data(40, 16);
  pow250(t, f, F11);
  sqTimes(t, t, 5); //      2^255 − 2^5
  feMul(h, t, F11); //      2^255 − 21
}

/** h = f^((p − 5) / 8) = f^(2^252 − 3). */
export function fePow22523(h: usize, f: usize): void {
  const t = memory.data(40, 16);
  pow250(t, f, F11);
  sqTimes(t, t, 2); //      2^252 − 4
  feMul(h, t, f); //        2^252 − 3
}
