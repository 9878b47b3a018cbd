// Edwards25519 points (−x² + y² = 1 + d·x²·y²). Formats, all in linear memory, 40 bytes per
// coordinate:
//   extended  (X : Y : Z : T), x = X/Z, y = Y/Z, x·y = T/Z                     160 bytes
//   cached    (Y+X, Y−X, 2Z, 2d·T): the second operand of an addition           160 bytes
//   niels     (y+x, y−x, 2d·x·y): an affine cached point (Z = 1)                120 bytes
//   affine    (x, y, y+x, y−x, 2d·x·y, x·y): a decoded point, usable all ways  240 bytes
// Additions are the unified formulas of Hisil–Wong–Carter–Dawson (a = −1); subtraction of a
// cached point swaps Y+X / Y−X and flips the sign of the 2d·T product. Every multiplication is
// issued in pairs (feMul2 / feSq2), so the SIMD build computes two at once. Outputs may alias
// inputs. Nothing is allocated: temporaries are static.
import { FE, feAdd, feCopy, feEqual, feIsZero, feMul, feMul2, feNeg, feOne, feSq2, feSub, feZero } from "./field";

export const PT: usize = 4 * FE;
export const NIELS: usize = 3 * FE;
export const AFF: usize = 6 * FE;
// Offsets inside an affine point.
export const AX: usize = 0;
export const AY: usize = FE;
export const ANIELS: usize = 2 * FE;
export const AT: usize = 5 * FE;

import { D2 } from "./curve";

/**
 * Point operations done so far (additions and doublings; a paired operation counts two): a
 * deterministic measure of work, read by tests through index.ts (never reset).
 */
let ops: f64 = 0;
export function pointOps(): f64 {
  return ops;
}

// ---- temporaries ----------------------------------------------------------------------------

const TMP: usize = memory.data(<i32>FE * 16, 16);
const T0: usize = TMP;
const T1: usize = TMP + FE;
const T2: usize = TMP + 2 * FE;
const T3: usize = TMP + 3 * FE;
const T4: usize = TMP + 4 * FE;
const T5: usize = TMP + 5 * FE;
const T6: usize = TMP + 6 * FE;
const T7: usize = TMP + 7 * FE;
const S0: usize = TMP + 8 * FE;
const S1: usize = TMP + 9 * FE;
const S2: usize = TMP + 10 * FE;
const S3: usize = TMP + 11 * FE;
const S4: usize = TMP + 12 * FE;
const S5: usize = TMP + 13 * FE;
const S6: usize = TMP + 14 * FE;
const S7: usize = TMP + 15 * FE;

// ---- basic --------------------------------------------------------------------------------------

export function geIdentity(p: usize): void {
  feZero(p);
  feOne(p + FE);
  feOne(p + 2 * FE);
  feZero(p + 3 * FE);
}

export function geCopy(r: usize, p: usize): void {
  memory.copy(r, p, PT);
}

/** Extended point ±a from an affine one (Z = 1, T = x·y). */
export function geFromAffine(r: usize, a: usize, neg: i32 = 0): void {
  if (neg) {
    feNeg(r, a + AX);
    feNeg(r + 3 * FE, a + AT);
  } else {
    feCopy(r, a + AX);
    feCopy(r + 3 * FE, a + AT);
  }
  feCopy(r + FE, a + AY);
  feOne(r + 2 * FE);
}

/** True when p is the identity (X = 0 and Y = Z). */
export function geIsIdentity(p: usize): bool {
  return feIsZero(p) && feEqual(p + FE, p + 2 * FE);
}

// ---- doubling -------------------------------------------------------------------------------

/** r = 2p (extended → extended; dbl-2008-hwcd with a = −1). */
export function geDouble(r: usize, p: usize): void {
  ops += 1;
  feAdd(T2, p, p + FE); //                                X + Y
  feSq2(T0, p, T1, p + FE); //                            XX, YY
  feSq2(T3, p + 2 * FE, T2, T2); //                       ZZ, (X + Y)²
  feAdd(T4, T1, T0); //                                   H = YY + XX
  feSub(T5, T1, T0); //                                   G = YY − XX
  feSub(T6, T2, T4); //                                   E = (X + Y)² − H
  feAdd(T3, T3, T3);
  feSub(T7, T3, T5); //                                   F = 2ZZ − G
  feMul2(r, T6, T7, r + FE, T4, T5); //                   X = E·F, Y = H·G
  feMul2(r + 2 * FE, T5, T7, r + 3 * FE, T6, T4); //      Z = G·F, T = E·H
}

/** r = 2p without T (enough when the next operation is another doubling). */
export function geDoubleNoT(r: usize, p: usize): void {
  ops += 1;
  feAdd(T2, p, p + FE);
  feSq2(T0, p, T1, p + FE);
  feSq2(T3, p + 2 * FE, T2, T2);
  feAdd(T4, T1, T0);
  feSub(T5, T1, T0);
  feSub(T6, T2, T4);
  feAdd(T3, T3, T3);
  feSub(T7, T3, T5);
  feMul2(r, T6, T7, r + FE, T4, T5);
  feMul(r + 2 * FE, T5, T7);
}

/** [8]p is the identity (p is a small-order point, or O). Uses M8 as scratch. */
const M8: usize = memory.data(<i32>PT, 16);
export function geIsSmallOrder(p: usize): bool {
  geDoubleNoT(M8, p);
  geDoubleNoT(M8, M8);
  geDoubleNoT(M8, M8);
  return geIsIdentity(M8);
}

// ---- additions ------------------------------------------------------------------------------

/** c = cached form of the extended point p. */
export function geToCached(c: usize, p: usize): void {
  feMul(c + 3 * FE, p + 3 * FE, D2);
  feAdd(c + 2 * FE, p + 2 * FE, p + 2 * FE);
  const x = p, y = p + FE;
  feSub(T0, y, x);
  feAdd(c, y, x);
  feCopy(c + FE, T0);
}

/** Finishes r from the four "completed" coordinates at e, f, g, h: X = E·F, Y = G·H, Z = F·G, T = E·H. */
// @ts-ignore: decorator
@inline function finish(r: usize, e: usize, f: usize, g: usize, h: usize): void {
  feMul2(r, e, f, r + FE, g, h);
  feMul2(r + 2 * FE, f, g, r + 3 * FE, e, h);
}

/** r = p + q (neg = 0) or p − q (neg = 1); p extended, q cached. */
export function geAddCached(r: usize, p: usize, q: usize, neg: i32): void {
  ops += 1;
  const qp = neg ? q + FE : q;
  const qm = neg ? q : q + FE;
  feAdd(T0, p + FE, p);
  feSub(T1, p + FE, p);
  feMul2(T2, T0, qp, T3, T1, qm); //                          PP, MM
  feMul2(T4, p + 3 * FE, q + 3 * FE, T5, p + 2 * FE, q + 2 * FE); // TT, ZZ
  addFinish(r, neg);
}

/** r = p ± q with q in niels (affine cached) form. */
export function geAddNiels(r: usize, p: usize, q: usize, neg: i32): void {
  ops += 1;
  const qp = neg ? q + FE : q;
  const qm = neg ? q : q + FE;
  feAdd(T0, p + FE, p);
  feSub(T1, p + FE, p);
  feMul2(T2, T0, qp, T3, T1, qm); //                          PP, MM
  feMul(T4, p + 3 * FE, q + 2 * FE); //                       TT
  feAdd(T5, p + 2 * FE, p + 2 * FE); //                       ZZ = 2Z
  addFinish(r, neg);
}

// @ts-ignore: decorator
@inline function addFinish(r: usize, neg: i32): void {
  // E = PP − MM, H = PP + MM, F = ZZ ∓ TT, G = ZZ ± TT.
  feSub(T0, T2, T3);
  feAdd(T1, T2, T3);
  if (neg) {
    feAdd(T6, T5, T4);
    feSub(T7, T5, T4);
  } else {
    feSub(T6, T5, T4);
    feAdd(T7, T5, T4);
  }
  finish(r, T0, T6, T7, T1);
}

/**
 * Two independent additions r1 = p1 ± q1, r2 = p2 ± q2 (p extended, q niels), one per SIMD lane.
 * r1 and r2 must differ.
 */
export function geAddNiels2(r1: usize, p1: usize, q1: usize, neg1: i32, r2: usize, p2: usize, q2: usize, neg2: i32): void {
  ops += 2;
  feAdd(T0, p1 + FE, p1);
  feSub(T1, p1 + FE, p1);
  feAdd(S0, p2 + FE, p2);
  feSub(S1, p2 + FE, p2);
  feMul2(T2, T0, neg1 ? q1 + FE : q1, S2, S0, neg2 ? q2 + FE : q2); //   PP
  feMul2(T3, T1, neg1 ? q1 : q1 + FE, S3, S1, neg2 ? q2 : q2 + FE); //   MM
  feMul2(T4, p1 + 3 * FE, q1 + 2 * FE, S4, p2 + 3 * FE, q2 + 2 * FE); // TT
  feAdd(T5, p1 + 2 * FE, p1 + 2 * FE);
  feAdd(S5, p2 + 2 * FE, p2 + 2 * FE);
  finish2(r1, neg1, r2, neg2);
}

/** Two independent additions r1 = p1 + q1, r2 = p2 + q2 of extended points. r1 and r2 must differ. */
export function geAdd2(r1: usize, p1: usize, q1: usize, r2: usize, p2: usize, q2: usize): void {
  ops += 2;
  feMul2(T4, p1 + 3 * FE, q1 + 3 * FE, S4, p2 + 3 * FE, q2 + 3 * FE); // T1·T2
  feMul2(T4, T4, D2, S4, S4, D2); //                                   TT = 2d·T1·T2
  feMul2(T5, p1 + 2 * FE, q1 + 2 * FE, S5, p2 + 2 * FE, q2 + 2 * FE);
  feAdd(T5, T5, T5);
  feAdd(S5, S5, S5); //                                                ZZ = 2·Z1·Z2
  feAdd(T0, p1 + FE, p1);
  feSub(T1, p1 + FE, p1);
  feAdd(S0, p2 + FE, p2);
  feSub(S1, p2 + FE, p2);
  feAdd(T6, q1 + FE, q1);
  feSub(T7, q1 + FE, q1);
  feAdd(S6, q2 + FE, q2);
  feSub(S7, q2 + FE, q2);
  feMul2(T2, T0, T6, S2, S0, S6); //                                   PP
  feMul2(T3, T1, T7, S3, S1, S7); //                                   MM
  finish2(r1, 0, r2, 0);
}

// @ts-ignore: decorator
@inline function finish2(r1: usize, neg1: i32, r2: usize, neg2: i32): void {
  // Lane 1 in T*, lane 2 in S*: E → T0/S0, H → T1/S1, F → T6/S6, G → T7/S7.
  feSub(T0, T2, T3);
  feAdd(T1, T2, T3);
  feSub(S0, S2, S3);
  feAdd(S1, S2, S3);
  if (neg1) {
    feAdd(T6, T5, T4);
    feSub(T7, T5, T4);
  } else {
    feSub(T6, T5, T4);
    feAdd(T7, T5, T4);
  }
  if (neg2) {
    feAdd(S6, S5, S4);
    feSub(S7, S5, S4);
  } else {
    feSub(S6, S5, S4);
    feAdd(S7, S5, S4);
  }
  feMul2(r1, T0, T6, r2, S0, S6); //                X = E·F
  feMul2(r1 + FE, T7, T1, r2 + FE, S7, S1); //      Y = G·H
  feMul2(r1 + 2 * FE, T6, T7, r2 + 2 * FE, S6, S7); // Z = F·G
  feMul2(r1 + 3 * FE, T0, T1, r2 + 3 * FE, S0, S1); // T = E·H
}

export { FE };
