// Arithmetic mod p = 2^255 − 19 on ten signed 32-bit limbs (radix 2^25.5, i64 products). A field
// element is 40 bytes of linear memory and every function takes pointers, so nothing is
// allocated. Additions and subtractions do not carry (lazy reduction): the multiplication inputs
// may be sums or differences of up to four reduced elements (see scripts/gen-field.mjs, which
// generates and bound-checks the multiplications in fe.generated.ts). Paired forms (…2) work on
// two independent elements at once, in SIMD lanes when compiled with SIMD.
import { feCarry, feMul, feMul2, feSq, feSq2, feSq2N, feSqN } from "./fe.generated";

export { feCarry, feMul, feMul2, feSq, feSq2, feSq2N, feSqN };

export const FE: usize = 40;

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
  if (ASC_FEATURE_SIMD) {
    const a = i32x4.add(v128.load(f), v128.load(g));
    const b = i32x4.add(v128.load(f, 16), v128.load(g, 16));
    const c = i32x4.add(v128.load64_zero(f, 32), v128.load64_zero(g, 32));
    v128.store(h, a);
    v128.store(h, b, 16);
    v128.store64_lane(h, c, 0, 32);
    return;
  }
  for (let i: usize = 0; i < 40; i += 4) store<i32>(h + i, load<i32>(f + i) + load<i32>(g + i));
}

export function feSub(h: usize, f: usize, g: usize): void {
  if (ASC_FEATURE_SIMD) {
    const a = i32x4.sub(v128.load(f), v128.load(g));
    const b = i32x4.sub(v128.load(f, 16), v128.load(g, 16));
    const c = i32x4.sub(v128.load64_zero(f, 32), v128.load64_zero(g, 32));
    v128.store(h, a);
    v128.store(h, b, 16);
    v128.store64_lane(h, c, 0, 32);
    return;
  }
  for (let i: usize = 0; i < 40; i += 4) store<i32>(h + i, load<i32>(f + i) - load<i32>(g + i));
}

export function feNeg(h: usize, f: usize): void {
  for (let i: usize = 0; i < 40; i += 4) store<i32>(h + i, -load<i32>(f + i));
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

const T: usize = memory.data(40, 16);

/** Writes the canonical 32-byte encoding of f (fully reduced mod p). */
export function feToBytes(s: usize, f: usize): void {
  feCopy(T, f);
  feCarry(T);
  let h0: i64 = load<i32>(T, 0), h1: i64 = load<i32>(T, 4), h2: i64 = load<i32>(T, 8);
  let h3: i64 = load<i32>(T, 12), h4: i64 = load<i32>(T, 16), h5: i64 = load<i32>(T, 20);
  let h6: i64 = load<i32>(T, 24), h7: i64 = load<i32>(T, 28), h8: i64 = load<i32>(T, 32);
  let h9: i64 = load<i32>(T, 36);
  // q = floor(h / p) ∈ {−1, 0, 1} (h is carried, |h| < 2p): found by propagating h + 19.
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
  // Exact (floor) carries, dropping the final carry out of bit 255.
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
  store<u64>(s, <u64>h0 | (<u64>h1 << 26) | (<u64>h2 << 51), 0);
  store<u64>(s, (<u64>h2 >> 13) | (<u64>h3 << 13) | (<u64>h4 << 38), 8);
  store<u64>(s, <u64>h5 | (<u64>h6 << 25) | (<u64>h7 << 51), 16);
  store<u64>(s, (<u64>h7 >> 13) | (<u64>h8 << 12) | (<u64>h9 << 38), 24);
}

const BYTES: usize = memory.data(32, 16);
const BYTES2: usize = memory.data(32, 16);

export function feIsNegative(f: usize): bool {
  feToBytes(BYTES, f);
  return (load<u8>(BYTES) & 1) == 1;
}

export function feIsZero(f: usize): bool {
  feToBytes(BYTES, f);
  return (load<u64>(BYTES) | load<u64>(BYTES, 8) | load<u64>(BYTES, 16) | load<u64>(BYTES, 24)) == 0;
}

export function feEqual(f: usize, g: usize): bool {
  feToBytes(BYTES, f);
  feToBytes(BYTES2, g);
  return (
    ((load<u64>(BYTES) ^ load<u64>(BYTES2)) |
      (load<u64>(BYTES, 8) ^ load<u64>(BYTES2, 8)) |
      (load<u64>(BYTES, 16) ^ load<u64>(BYTES2, 16)) |
      (load<u64>(BYTES, 24) ^ load<u64>(BYTES2, 24))) ==
    0
  );
}

// ---- exponentiation chains ------------------------------------------------------------------

const U0: usize = memory.data(40 * 6, 16);
const U1: usize = U0 + 40;
const U2: usize = U0 + 80;
const V0: usize = U0 + 120;
const V1: usize = U0 + 160;
const V2: usize = U0 + 200;

/**
 * Two independent chains: h = f^(2^250 − 1), g11 = f^11, for f = f1 and f = f2 (lanes 1 and 2).
 * Shared by inversion (p − 2 = 2^255 − 21) and the square-root exponent (p − 5)/8 = 2^252 − 3.
 */
function pow250x2(h1: usize, f1: usize, e1: usize, h2: usize, f2: usize, e2: usize): void {
  feSq2(U0, f1, V0, f2); //                    2
  feSq2N(U1, U0, V1, V0, 2); //                 8
  feMul2(U1, f1, U1, V1, f2, V1); //            9
  feMul2(e1, U0, U1, e2, V0, V1); //            11
  feSq2(U0, e1, V0, e2); //                    22
  feMul2(U0, U1, U0, V0, V1, V0); //            2^5 − 1
  feSq2N(U1, U0, V1, V0, 5);
  feMul2(U0, U1, U0, V0, V1, V0); //            2^10 − 1
  feSq2N(U1, U0, V1, V0, 10);
  feMul2(U1, U1, U0, V1, V1, V0); //            2^20 − 1
  feSq2N(U2, U1, V2, V1, 20);
  feMul2(U1, U2, U1, V1, V2, V1); //            2^40 − 1
  feSq2N(U1, U1, V1, V1, 10);
  feMul2(U0, U1, U0, V0, V1, V0); //            2^50 − 1
  feSq2N(U1, U0, V1, V0, 50);
  feMul2(U1, U1, U0, V1, V1, V0); //            2^100 − 1
  feSq2N(U2, U1, V2, V1, 100);
  feMul2(U1, U2, U1, V1, V2, V1); //            2^200 − 1
  feSq2N(U1, U1, V1, V1, 50);
  feMul2(h1, U1, U0, h2, V1, V0); //            2^250 − 1
}

const E1: usize = memory.data(40, 16);
const E2: usize = memory.data(40, 16);
const W1: usize = memory.data(40, 16);
const W2: usize = memory.data(40, 16);

/** h1 = f1^((p − 5)/8), h2 = f2^((p − 5)/8) = f^(2^252 − 3). */
export function fePow22523x2(h1: usize, f1: usize, h2: usize, f2: usize): void {
  pow250x2(W1, f1, E1, W2, f2, E2);
  feSq2N(W1, W1, W2, W2, 2); //                 2^252 − 4
  feMul2(h1, W1, f1, h2, W2, f2); //            2^252 − 3
}

/** h1 = 1/f1, h2 = 1/f2 (f^(p − 2); 0 maps to 0). */
export function feInvert2(h1: usize, f1: usize, h2: usize, f2: usize): void {
  pow250x2(W1, f1, E1, W2, f2, E2);
  feSq2N(W1, W1, W2, W2, 5); //                 2^255 − 2^5
  feMul2(h1, W1, E1, h2, W2, E2); //            2^255 − 21
}

/** h = 1/f. */
export function feInvert(h: usize, f: usize): void {
  feInvert2(h, f, W2, f);
}
