// Halving the scalar of single verification (Pornin, "Optimized lattice basis reduction in
// dimension 2, and fast Schnorr and EdDSA signature verification", 2020): for k < L, find
// a ≡ b·k (mod L) with |a| < 2^127 and 0 < b < 2^126. Then
//   [8]([b]([S]B − R − [k]A)) = [8]([b·S mod L]B − [b]R − [a]A)
// (the reductions mod L differ from the exact products by multiples of [L]A and [L]R, which are
// of small order and vanish under [8]), and [b] is invertible on the prime-order subgroup, so
// the cofactored equation holds for (a, b) exactly when it holds for k — with half as many
// doublings. (a, b) come from the extended Euclidean algorithm on (L, k), stopped at the first
// remainder below 2^127: r_i = s_i·L + t_i·k, and |t_i| ≤ L / r_{i−1} < 2^126.
//
// Remainders are 256-bit (four u64 limbs, r0 in R0, r1 in R1); t values fit in 128-bit two's
// complement (true magnitudes stay below 2^127). Quotients are applied in pieces of at most 32
// bits; the rare larger quotients by shifted subtraction.

const R0: usize = memory.data(32, 16);
const R1: usize = memory.data(32, 16);
const L_BYTES: usize = memory.data<u64>([0x5812631a5cf5d3ed, 0x14def9dea2f79cd6, 0, 0x1000000000000000]);

/** Outputs: a (16 bytes, magnitude), its sign (1 = negative), b (16 bytes). */
export const LAT_A: usize = memory.data(32, 16);
export const LAT_B: usize = memory.data(32, 16);
export let latANeg: i32 = 0;

// @ts-ignore: decorator
@inline function bitlen(p: usize): i32 {
  const l3 = load<u64>(p, 24);
  if (l3 != 0) return 256 - <i32>clz<u64>(l3);
  const l2 = load<u64>(p, 16);
  if (l2 != 0) return 192 - <i32>clz<u64>(l2);
  const l1 = load<u64>(p, 8);
  if (l1 != 0) return 128 - <i32>clz<u64>(l1);
  return 64 - <i32>clz<u64>(load<u64>(p));
}

/** Bits [s, s + 64) of the 256-bit value at p (s ≥ 0). */
function window64(p: usize, s: i32): u64 {
  const li = s >> 6;
  const sh = <u64>(s & 63);
  const lo = li < 4 ? load<u64>(p + (<usize>li << 3)) : 0;
  const hi = li + 1 < 4 ? load<u64>(p + (<usize>(li + 1) << 3)) : 0;
  return sh == 0 ? lo : (lo >> sh) | (hi << (64 - sh));
}

/** x ≥ y for 256-bit values. */
function geq(x: usize, y: usize): bool {
  for (let i = 3; i >= 0; i--) {
    const a = load<u64>(x + (<usize>i << 3));
    const b = load<u64>(y + (<usize>i << 3));
    if (a != b) return a > b;
  }
  return true;
}

/** x −= q·y for 256-bit values, q < 2^32 (the result is known to be non-negative). */
function subMul(x: usize, y: usize, q: u64): void {
  let borrow: u64 = 0; // amount to subtract from the next limb, < 2^33
  for (let i: usize = 0; i < 32; i += 8) {
    const yl = load<u64>(y + i);
    // q·yl = ph·2^64 + pl, computed from 32-bit halves.
    const lo = (yl & 0xffffffff) * q;
    const hi = (yl >> 32) * q;
    const pl = lo + (hi << 32);
    const ph = (hi >> 32) + (pl < lo ? 1 : 0);
    const xl = load<u64>(x + i);
    const t = pl + borrow;
    const c1: u64 = t < pl ? 1 : 0;
    store<u64>(x + i, xl - t);
    borrow = ph + c1 + (xl < t ? 1 : 0);
  }
}

/** x −= y << sh for 256-bit values (sh < 256; the result is known to be non-negative). */
function subShifted(x: usize, y: usize, sh: i32): void {
  let borrow: u64 = 0;
  for (let i = 0; i < 4; i++) {
    const yl = window64(y, i * 64 - sh);
    const xl = load<u64>(x + (<usize>i << 3));
    const t = yl + borrow;
    const c1: u64 = t < yl ? 1 : 0;
    store<u64>(x + (<usize>i << 3), xl - t);
    borrow = c1 + (xl < t ? 1 : 0);
  }
}

/**
 * Computes (a, b) for the 32-byte scalar k < L into LAT_A / latANeg / LAT_B. Returns false
 * (never expected) when the reduction did not finish within its step budget.
 */
export function latticeReduce(k: usize): bool {
  memory.copy(R0, L_BYTES, 32);
  memory.copy(R1, k, 32);
  // t0 = 0, t1 = 1 as 128-bit two's complement (lo, hi).
  let t0l: u64 = 0, t0h: u64 = 0, t1l: u64 = 1, t1h: u64 = 0;
  let r0 = R0, r1 = R1;
  let steps = 0;
  while (bitlen(r1) > 127) {
    if (++steps > 2000) return false;
    // r0 −= q·r1 (in pieces) until r0 < r1, then swap.
    while (geq(r0, r1)) {
      const l0 = bitlen(r0);
      const l1 = bitlen(r1);
      const delta = l0 - l1;
      if (delta <= 30) {
        // Estimate q from the top bits: num < 2^63, den ∈ [2^31, 2^32]; q' ≤ q.
        const s = l1 - 32;
        const num = window64(r0, s);
        const den = window64(r1, s) + 1;
        let q = num / den;
        if (q == 0) q = 1;
        subMul(r0, r1, q);
        // t0 −= q·t1 (mod 2^128)
        const pl = t1l * q;
        const ph = t1h * q + mulhi(t1l, q);
        const nl = t0l - pl;
        t0h = t0h - ph - (t0l < pl ? 1 : 0);
        t0l = nl;
      } else {
        const sh = delta - 1;
        subShifted(r0, r1, sh);
        // t0 −= t1 << sh (mod 2^128)
        let sl: u64, shh: u64;
        if (sh >= 128) {
          sl = 0;
          shh = 0;
        } else if (sh >= 64) {
          sl = 0;
          shh = t1l << (<u64>(sh - 64));
        } else {
          sl = t1l << (<u64>sh);
          shh = sh == 0 ? t1h : (t1h << (<u64>sh)) | (t1l >> (<u64>(64 - sh)));
        }
        const nl = t0l - sl;
        t0h = t0h - shh - (t0l < sl ? 1 : 0);
        t0l = nl;
      }
    }
    const rt = r0;
    r0 = r1;
    r1 = rt;
    const tl = t0l, th = t0h;
    t0l = t1l;
    t0h = t1h;
    t1l = tl;
    t1h = th;
  }
  // a = r1 ≥ 0, b = t1 (signed). Make b positive: (a, b) → (−a, −b) when b < 0.
  memory.fill(LAT_A, 0, 32);
  memory.fill(LAT_B, 0, 32);
  store<u64>(LAT_A, load<u64>(r1));
  store<u64>(LAT_A, load<u64>(r1, 8), 8);
  if (<i64>t1h < 0) {
    // b = −t1
    const nl = ~t1l + 1;
    const nh = ~t1h + (nl == 0 ? 1 : 0);
    t1l = nl;
    t1h = nh;
    latANeg = 1;
  } else {
    latANeg = 0;
  }
  store<u64>(LAT_B, t1l);
  store<u64>(LAT_B, t1h, 8);
  return (t1l | t1h) != 0;
}

/** High 64 bits of the 128-bit product x·y (q < 2^32 here, but written generally). */
function mulhi(x: u64, y: u64): u64 {
  const x0 = x & 0xffffffff, x1 = x >> 32, y0 = y & 0xffffffff, y1 = y >> 32;
  const p00 = x0 * y0, p01 = x0 * y1, p10 = x1 * y0, p11 = x1 * y1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}
