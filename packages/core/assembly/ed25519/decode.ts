// Decoding of point encodings (32 bytes: y, and the sign of x in the top bit). A and R of a
// signature are decoded together: one paired (p − 5)/8 exponentiation gives both square roots.
// ZIP-215 rules by default; strict rules reject non-canonical encodings (small order is checked
// by the caller, which has the extended point).

import { D, D2, SQRTM1 } from "./curve";
import {
  FE,
  feAdd,
  feCarry,
  feCopy,
  feFromBytes,
  feIsZero,
  feMul,
  feMul2,
  feNeg,
  fePow22523x2,
  feSq2,
  feSub,
  feToBytes,
} from "./field";
import { ANIELS, AT, AX, AY } from "./point";

/** True when the 255-bit little-endian value at s (top bit ignored) is ≥ p (non-canonical y). */
function isNonCanonicalY(s: usize): bool {
  if ((load<u8>(s + 31) & 0x7f) !== 0x7f) return false;
  for (let i: usize = 1; i < 31; i++) if (load<u8>(s + i) !== 0xff) return false;
  return load<u8>(s) >= 0xed;
}

const Y1: usize = memory.data(<i32>FE * 12, 16);
const Y2: usize = Y1 + FE;
const U1: usize = Y1 + 2 * FE;
const U2: usize = Y1 + 3 * FE;
const V1: usize = Y1 + 4 * FE;
const V2: usize = Y1 + 5 * FE;
const W1: usize = Y1 + 6 * FE;
const W2: usize = Y1 + 7 * FE;
const X1: usize = Y1 + 8 * FE;
const X2: usize = Y1 + 9 * FE;
const C1: usize = Y1 + 10 * FE;
const C2: usize = Y1 + 11 * FE;

/**
 * Decodes two 32-byte point encodings (at s1 and s2) into the x and y fields of the affine
 * points a1 and a2, computing both square roots together. ZIP-215 rules (strict = false): y may
 * be non-canonical (y ≥ p is reduced), x = 0 with the sign bit set decodes to x = 0; decoding
 * fails only when x² = (y² − 1)/(d·y² + 1) has no root. Strict rules also reject non-canonical
 * y and x = 0 with the sign bit set. Small order is not checked here. Returns ok1 | ok2 << 1.
 */
export function geDecode2(a1: usize, s1: usize, a2: usize, s2: usize, strict: bool): i32 {
  feFromBytes(Y1, s1);
  feFromBytes(Y2, s2);
  feCarry(Y1);
  feCarry(Y2);
  feSq2(U1, Y1, U2, Y2); //                          y²
  feMul2(V1, U1, D, V2, U2, D); //                   d·y²
  store<i32>(U1, load<i32>(U1) - 1); //              u = y² − 1
  store<i32>(U2, load<i32>(U2) - 1);
  store<i32>(V1, load<i32>(V1) + 1); //              v = d·y² + 1
  store<i32>(V2, load<i32>(V2) + 1);
  // x = u·v³·(u·v⁷)^((p − 5)/8)
  feSq2(W1, V1, W2, V2);
  feMul2(W1, W1, V1, W2, W2, V2); //                 v³
  feSq2(X1, W1, X2, W2);
  feMul2(X1, X1, V1, X2, X2, V2); //                 v⁷
  feMul2(X1, X1, U1, X2, X2, U2); //                 u·v⁷
  fePow22523x2(X1, X1, X2, X2);
  feMul2(X1, X1, W1, X2, X2, W2);
  feMul2(X1, X1, U1, X2, X2, U2); //                 candidate x
  feSq2(C1, X1, C2, X2);
  feMul2(C1, C1, V1, C2, C2, V2); //                 v·x²
  let ok = finishRoot(a1, X1, Y1, U1, C1, s1, strict) ? 1 : 0;
  if (finishRoot(a2, X2, Y2, U2, C2, s2, strict)) ok |= 2;
  return ok;
}

const DIFF: usize = memory.data(<i32>FE, 16);
const XB: usize = memory.data(32 + 8, 16);

function finishRoot(a: usize, x: usize, y: usize, u: usize, vxx: usize, s: usize, strict: bool): bool {
  if (strict && isNonCanonicalY(s)) return false;
  feSub(DIFF, vxx, u);
  if (!feIsZero(DIFF)) {
    feAdd(DIFF, vxx, u);
    if (!feIsZero(DIFF)) return false; //          v·x² ≠ ±u: no square root
    feMul(x, x, SQRTM1);
  }
  const sign: i32 = (load<u8>(s + 31) >> 7) & 1;
  // One canonical encoding of x answers both "is x zero" and "is x negative".
  feToBytes(XB, x);
  const zero = (load<u64>(XB) | load<u64>(XB, 8) | load<u64>(XB, 16) | load<u64>(XB, 24)) === 0;
  if (zero) {
    if (strict && sign === 1) return false;
  } else if (<i32>(load<u8>(XB) & 1) !== sign) {
    feNeg(x, x);
  }
  feCopy(a + AX, x);
  feCopy(a + AY, y);
  return true;
}

/** Completes x·y and the niels part (y + x, y − x, 2d·x·y) of two decoded affine points. */
export function affineFinish2(a1: usize, a2: usize): void {
  const n1 = a1 + ANIELS,
    n2 = a2 + ANIELS;
  feMul2(a1 + AT, a1 + AX, a1 + AY, a2 + AT, a2 + AX, a2 + AY);
  feMul2(n1 + 2 * FE, a1 + AT, D2, n2 + 2 * FE, a2 + AT, D2);
  feAdd(n1, a1 + AY, a1 + AX);
  feSub(n1 + FE, a1 + AY, a1 + AX);
  feAdd(n2, a2 + AY, a2 + AX);
  feSub(n2 + FE, a2 + AY, a2 + AX);
}
