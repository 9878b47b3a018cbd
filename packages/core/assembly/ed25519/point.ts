// Edwards25519 points (−x² + y² = 1 + d·x²·y²) in extended coordinates (X:Y:Z:T), x = X/Z,
// y = Y/Z, x·y = T/Z, and a "cached" form (Y+X, Y−X, 2Z, 2d·T) for fast additions. A point is
// 160 bytes of linear memory; functions take pointers and allocate nothing.
import {
  FE,
  feAdd,
  feCarry,
  feCopy,
  feEqual,
  feFromBytes,
  feIsNegative,
  feInvert,
  feIsZero,
  feMul,
  feNeg,
  feOne,
  fePow22523,
  feSq,
  feSub,
  feToBytes,
  feZero,
} from "./field";

export const PT: usize = 4 * FE;

const CONSTS: usize = memory.data<u8>([
  // d
  0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70, 0x00,
  0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52,
  0, 0, 0, 0, 0, 0, 0, 0,
  // 2d
  0x59, 0xf1, 0xb2, 0x26, 0x94, 0x9b, 0xd6, 0xeb, 0x56, 0xb1, 0x83, 0x82, 0x9a, 0x14, 0xe0, 0x00,
  0x30, 0xd1, 0xf3, 0xee, 0xf2, 0x80, 0x8e, 0x19, 0xe7, 0xfc, 0xdf, 0x56, 0xdc, 0xd9, 0x06, 0x24,
  0, 0, 0, 0, 0, 0, 0, 0,
  // sqrt(−1)
  0xb0, 0xa0, 0x0e, 0x4a, 0x27, 0x1b, 0xee, 0xc4, 0x78, 0xe4, 0x2f, 0xad, 0x06, 0x18, 0x43, 0x2f,
  0xa7, 0xd7, 0xfb, 0x3d, 0x99, 0x00, 0x4d, 0x2b, 0x0b, 0xdf, 0xc1, 0x4f, 0x80, 0x24, 0x83, 0x2b,
  0, 0, 0, 0, 0, 0, 0, 0,
  // base point x
  0x1a, 0xd5, 0x25, 0x8f, 0x60, 0x2d, 0x56, 0xc9, 0xb2, 0xa7, 0x25, 0x95, 0x60, 0xc7, 0x2c, 0x69,
  0x5c, 0xdc, 0xd6, 0xfd, 0x31, 0xe2, 0xa4, 0xc0, 0xfe, 0x53, 0x6e, 0xcd, 0xd3, 0x36, 0x69, 0x21,
  0, 0, 0, 0, 0, 0, 0, 0,
  // base point y
  0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
  0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
  0, 0, 0, 0, 0, 0, 0, 0,
]);

export const D: usize = memory.data(FE, 16);
export const D2: usize = memory.data(FE, 16);
export const SQRTM1: usize = memory.data(FE, 16);
/** The base point B in extended coordinates. */
export const BASE: usize = memory.data(PT, 16);

let ready = false;

/** Loads the curve constants into field form (once). */
export function initConstants(): void {
  if (ready) return;
  feFromBytes(D, CONSTS);
  feFromBytes(D2, CONSTS + 40);
  feFromBytes(SQRTM1, CONSTS + 80);
  feFromBytes(BASE, CONSTS + 120);
  feFromBytes(BASE + FE, CONSTS + 160);
  feOne(BASE + 2 * FE);
  feMul(BASE + 3 * FE, BASE, BASE + FE);
  ready = true;
}

const A: usize = memory.data(FE * 8, 16);
const B: usize = A + FE;
const C: usize = A + 2 * FE;
const DD: usize = A + 3 * FE;
const E: usize = A + 4 * FE;
const F: usize = A + 5 * FE;
const G: usize = A + 6 * FE;
const H: usize = A + 7 * FE;

export function geIdentity(p: usize): void {
  feZero(p);
  feOne(p + FE);
  feOne(p + 2 * FE);
  feZero(p + 3 * FE);
}

export function geCopy(r: usize, p: usize): void {
  memory.copy(r, p, PT);
}

export function geNeg(r: usize, p: usize): void {
  feNeg(r, p);
  feCopy(r + FE, p + FE);
  feCopy(r + 2 * FE, p + 2 * FE);
  feNeg(r + 3 * FE, p + 3 * FE);
}

/** r = 2p (dbl-2008-hwcd, a = −1). r may alias p. */
export function geDouble(r: usize, p: usize): void {
  feSq(A, p); //                       X²
  feSq(B, p + FE); //                  Y²
  feSq(C, p + 2 * FE);
  feAdd(C, C, C); //                   2Z²
  feAdd(H, A, B); //                   X² + Y²
  feAdd(E, p, p + FE);
  feSq(E, E); //                       (X + Y)²
  feSub(E, H, E); //                   −2XY... sign folded: E = H − (X+Y)² = −2XY
  feCarry(E);
  feSub(G, A, B); //                   X² − Y²
  feAdd(F, C, G); //                   2Z² + X² − Y²
  feCarry(F);
  // X3 = E·F, Y3 = G·H, T3 = E·H, Z3 = F·G   (with E, G, H negated consistently)
  feMul(r, E, F);
  feMul(r + FE, G, H);
  feMul(r + 3 * FE, E, H);
  feMul(r + 2 * FE, F, G);
}

/** c = cached form of p. */
export function geToCached(c: usize, p: usize): void {
  feAdd(c, p + FE, p);
  feCarry(c);
  feSub(c + FE, p + FE, p);
  feCarry(c + FE);
  feAdd(c + 2 * FE, p + 2 * FE, p + 2 * FE);
  feCarry(c + 2 * FE);
  feMul(c + 3 * FE, p + 3 * FE, D2);
}

/** r = p + q where q is cached (add-2008-hwcd-3). r may alias p. */
export function geAddCached(r: usize, p: usize, q: usize): void {
  feSub(A, p + FE, p);
  feMul(A, A, q + FE); //              (Y1 − X1)(Y2 − X2)
  feAdd(B, p + FE, p);
  feMul(B, B, q); //                   (Y1 + X1)(Y2 + X2)
  feMul(C, p + 3 * FE, q + 3 * FE); // 2d·T1·T2
  feMul(DD, p + 2 * FE, q + 2 * FE); // 2·Z1·Z2
  feSub(E, B, A);
  feSub(F, DD, C);
  feAdd(G, DD, C);
  feAdd(H, B, A);
  feMul(r, E, F);
  feMul(r + FE, G, H);
  feMul(r + 3 * FE, E, H);
  feMul(r + 2 * FE, F, G);
}

/** r = p − q where q is cached. r may alias p. */
export function geSubCached(r: usize, p: usize, q: usize): void {
  feSub(A, p + FE, p);
  feMul(A, A, q); //                   (Y1 − X1)(Y2 + X2)
  feAdd(B, p + FE, p);
  feMul(B, B, q + FE); //              (Y1 + X1)(Y2 − X2)
  feMul(C, p + 3 * FE, q + 3 * FE);
  feMul(DD, p + 2 * FE, q + 2 * FE);
  feSub(E, B, A);
  feAdd(F, DD, C); //                  −q flips the sign of T2
  feSub(G, DD, C);
  feAdd(H, B, A);
  feMul(r, E, F);
  feMul(r + FE, G, H);
  feMul(r + 3 * FE, E, H);
  feMul(r + 2 * FE, F, G);
}

const CQ: usize = memory.data(PT, 16);

/** r = p + q for two extended points. */
export function geAdd(r: usize, p: usize, q: usize): void {
  geToCached(CQ, q);
  geAddCached(r, p, CQ);
}

/** True when p is the identity (X = 0, Y = Z). */
export function geIsIdentity(p: usize): bool {
  return feIsZero(p) && feEqual(p + FE, p + 2 * FE);
}

const M8: usize = memory.data(PT, 16);

/** True when [8]p is the identity, i.e. p has small order. */
export function geIsSmallOrder(p: usize): bool {
  geDouble(M8, p);
  geDouble(M8, M8);
  geDouble(M8, M8);
  return geIsIdentity(M8);
}

const U: usize = memory.data(FE * 6, 16);
const V: usize = U + FE;
const V3: usize = U + 2 * FE;
const VX2: usize = U + 3 * FE;
const CHK: usize = U + 4 * FE;
const ENC: usize = memory.data(48, 16);

/**
 * Decodes a 32-byte point encoding at `s` into p. ZIP-215 rules (strict = false): y may be
 * non-canonical (y ≥ p), and x = 0 with the sign bit set decodes to x = 0; fails only when
 * there is no square root. Strict rules additionally reject non-canonical y and x = 0 with the
 * sign bit set. Small-order points are not rejected here. Returns false on failure.
 */
export function geDecode(p: usize, s: usize, strict: bool): bool {
  const sign = (load<u8>(s + 31) >> 7) & 1;
  const x = p, y = p + FE, z = p + 2 * FE, t = p + 3 * FE;
  feFromBytes(y, s);
  if (strict) {
    // Canonical y: re-encoding gives back the input's low 255 bits.
    feToBytes(ENC, y);
    if (
      load<u64>(ENC) != load<u64>(s) ||
      load<u64>(ENC, 8) != load<u64>(s, 8) ||
      load<u64>(ENC, 16) != load<u64>(s, 16) ||
      load<u64>(ENC, 24) != (load<u64>(s, 24) & 0x7fffffffffffffff)
    ) {
      return false;
    }
  }
  feOne(z);
  feSq(U, y);
  feMul(V, U, D);
  feSub(U, U, z); //                   u = y² − 1
  feCarry(U);
  feAdd(V, V, z); //                   v = d·y² + 1
  feCarry(V);
  // x = u·v³·(u·v⁷)^((p−5)/8)
  feSq(V3, V);
  feMul(V3, V3, V); //                 v³
  feSq(x, V3);
  feMul(x, x, V); //                   v⁷
  feMul(x, x, U); //                   u·v⁷
  fePow22523(x, x);
  feMul(x, x, V3);
  feMul(x, x, U);
  feSq(VX2, x);
  feMul(VX2, VX2, V); //               v·x²
  feSub(CHK, VX2, U);
  if (!feIsZero(CHK)) {
    feAdd(CHK, VX2, U);
    if (!feIsZero(CHK)) return false;
    feMul(x, x, SQRTM1);
  }
  const xZero = feIsZero(x);
  if (xZero && sign == 1 && strict) return false;
  if (<u32>feIsNegative(x) != <u32>sign) feNeg(x, x);
  feMul(t, x, y);
  return true;
}

/** Encodes p (canonical) into 32 bytes at s. */
export function geEncode(s: usize, p: usize): void {
  const zi = memory.data(FE * 3, 16);
  const xx = zi + FE;
  const yy = zi + 2 * FE;
  feInvert(zi, p + 2 * FE);
  feMul(xx, p, zi);
  feMul(yy, p + FE, zi);
  feToBytes(s, yy);
  if (feIsNegative(xx)) store<u8>(s + 31, load<u8>(s + 31) | 0x80);
}
