// Scalars mod L = 2^252 + 27742317777372353535851937790883648493, the order of the base point.
// Reductions and products work on signed 21-bit limbs held in i64 (limb i weighs 2^(21·i)):
// a limb i ≥ 12 folds down with 2^252 ≡ −c (mod L), −c written in six signed 21-bit digits,
// then rounded carries bring every limb back to 21 bits; the final carries are exact, so the
// result is canonical (< L). Negation and comparison use four u64 limbs; z·S products stay
// exact (mulWide, addWide) until a range sum is reduced.

/** Limb workspace: 25 limbs of 21 bits (a 512-bit input, or a 253 × 253-bit product). */
const S: usize = memory.data(8 * 25, 16);
const A_L: usize = memory.data(8 * 13, 16);
const B_L: usize = memory.data(8 * 13, 16);

/** −c mod 2^252 … as signed 21-bit digits: 2^252 ≡ Σ FOLD_j · 2^(21·j) (mod L). */
const F0: i64 = 666643;
const F1: i64 = 470296;
const F2: i64 = 654183;
const F3: i64 = -997805;
const F4: i64 = 136657;
const F5: i64 = -683901;

const L_U64: usize = memory.data<u64>([0x5812631a5cf5d3ed, 0x14def9dea2f79cd6, 0, 0x1000000000000000]);

// @ts-ignore: decorator
@inline function limb(i: i32): i64 {
  return load<i64>(S + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function setLimb(i: i32, v: i64): void {
  store<i64>(S + (<usize>i << 3), v);
}

/**
 * Loads `nbytes` (≤ 64) little-endian bytes at src as 21-bit limbs into base; returns the count.
 * Reads up to 7 bytes past the input (masked off), so inputs need that much readable memory.
 */
function loadLimbs(base: usize, src: usize, nbytes: i32): i32 {
  const bits = nbytes * 8;
  const n = (bits + 20) / 21;
  for (let i = 0; i < n; i++) {
    const off = i * 21;
    let v = (load<u64>(src + <usize>(off >> 3)) >> (<u64>(off & 7))) & 0x1fffff;
    const valid = bits - off;
    if (valid < 21) v &= (<u64>1 << (<u64>valid)) - 1;
    store<i64>(base + (<usize>i << 3), <i64>v);
  }
  return n;
}

/** Folds limb i (≥ 12) of S into limbs i − 12 … i − 7 and clears it. */
// @ts-ignore: decorator
@inline function fold(i: i32): void {
  const v = limb(i);
  setLimb(i, 0);
  setLimb(i - 12, limb(i - 12) + v * F0);
  setLimb(i - 11, limb(i - 11) + v * F1);
  setLimb(i - 10, limb(i - 10) + v * F2);
  setLimb(i - 9, limb(i - 9) + v * F3);
  setLimb(i - 8, limb(i - 8) + v * F4);
  setLimb(i - 7, limb(i - 7) + v * F5);
}

/** Rounded carry from limb i into limb i + 1 (limb i ends in [−2^20, 2^20)). */
// @ts-ignore: decorator
@inline function carryRound(i: i32): void {
  const v = limb(i);
  const c = (v + (1 << 20)) >> 21;
  setLimb(i, v - (c << 21));
  setLimb(i + 1, limb(i + 1) + c);
}

/** Exact carry from limb i into limb i + 1 (limb i ends in [0, 2^21)). */
// @ts-ignore: decorator
@inline function carryFloor(i: i32): void {
  const v = limb(i);
  const c = v >> 21;
  setLimb(i, v - (c << 21));
  setLimb(i + 1, limb(i + 1) + c);
}

/**
 * Reduces S (25 limbs, each below 2^26 in magnitude) mod L and writes 32 canonical bytes to out.
 */
function reduce(out: usize): void {
  // Limbs 24 … 18 fold into 6 … 17; carry that band; then 17 … 12 fold into 0 … 10.
  for (let i = 24; i >= 18; i--) fold(i);
  for (let i = 6; i <= 16; i += 2) carryRound(i);
  for (let i = 7; i <= 15; i += 2) carryRound(i);
  for (let i = 17; i >= 12; i--) fold(i);
  for (let i = 0; i <= 10; i += 2) carryRound(i);
  for (let i = 1; i <= 11; i += 2) carryRound(i);
  fold(12);
  for (let i = 0; i <= 11; i++) carryFloor(i);
  fold(12);
  for (let i = 0; i <= 10; i++) carryFloor(i);
  // Pack twelve 21-bit limbs (252 bits) little-endian.
  let acc: u64 = 0;
  let accBits: i32 = 0;
  let o: usize = out;
  for (let i = 0; i < 12; i++) {
    acc |= (<u64>limb(i)) << (<u64>accBits);
    accBits += 21;
    while (accBits >= 8) {
      store<u8>(o++, <u8>acc);
      acc >>= 8;
      accBits -= 8;
    }
  }
  store<u8>(o, <u8>acc); // the last 4 bits (byte 31)
}

/** out (32 bytes) = src (64 bytes, little-endian) mod L. */
export function scReduce64(out: usize, src: usize): void {
  loadLimbs(S, src, 64);
  reduce(out);
}

/**
 * out = a·b mod L. a is `abytes` little-endian bytes (≤ 32), b is 32 bytes; both values below 2^253.
 */
export function scMul(out: usize, a: usize, abytes: i32, b: usize): void {
  const na = loadLimbs(A_L, a, abytes);
  loadLimbs(B_L, b, 32);
  memory.fill(S, 0, 8 * 25);
  for (let i = 0; i < na; i++) {
    const x = load<i64>(A_L + (<usize>i << 3));
    if (x == 0) continue;
    for (let j = 0; j < 13; j++) {
      const k = S + (<usize>(i + j) << 3);
      store<i64>(k, load<i64>(k) + x * load<i64>(B_L + (<usize>j << 3)));
    }
  }
  // Products of two 21-bit limbs summed 13 times stay below 2^46: carry once so the folds fit.
  for (let i = 0; i < 24; i++) carryRound(i);
  reduce(out);
}

/** True when the 32-byte little-endian scalar at s is below L. */
export function scIsCanonical(s: usize): bool {
  for (let i = 3; i >= 0; i--) {
    const a = load<u64>(s + (<usize>i << 3));
    const b = load<u64>(L_U64 + (<usize>i << 3));
    if (a < b) return true;
    if (a > b) return false;
  }
  return false;
}

/** out = (L − a) mod L for canonical a. */
export function scNeg(out: usize, a: usize): void {
  if ((load<u64>(a) | load<u64>(a, 8) | load<u64>(a, 16) | load<u64>(a, 24)) == 0) {
    memory.fill(out, 0, 32);
    return;
  }
  let borrow: u64 = 0;
  for (let i: usize = 0; i < 32; i += 8) {
    const l = load<u64>(L_U64 + i);
    const v = load<u64>(a + i);
    const d = l - v;
    const b1: u64 = l < v ? 1 : 0;
    const e = d - borrow;
    const b2: u64 = d < borrow ? 1 : 0;
    store<u64>(out + i, e);
    borrow = b1 | b2;
  }
}

/**
 * out (48 bytes) = a (16 bytes) · b (32 bytes), the exact 384-bit product (no reduction), in
 * 32-bit schoolbook rows (every partial sum fits in u64).
 */
export function mulWide(out: usize, a: usize, b: usize): void {
  memory.fill(out, 0, 48);
  for (let i: usize = 0; i < 16; i += 4) {
    const ai = <u64>load<u32>(a + i);
    let carry: u64 = 0;
    for (let j: usize = 0; j < 32; j += 4) {
      const t = ai * <u64>load<u32>(b + j) + <u64>load<u32>(out + i + j) + carry;
      store<u32>(out + i + j, <u32>t);
      carry = t >> 32;
    }
    store<u32>(out + i + 32, <u32>carry);
  }
}

/** acc (64 bytes) += x (48 bytes), as little-endian integers (the sum stays below 2^512). */
export function addWide(acc: usize, x: usize): void {
  let carry: u64 = 0;
  for (let i: usize = 0; i < 64; i += 8) {
    const a = load<u64>(acc + i);
    const v = i < 48 ? load<u64>(x + i) : 0;
    const s = a + v;
    const c1: u64 = s < a ? 1 : 0;
    const t = s + carry;
    const c2: u64 = t < s ? 1 : 0;
    store<u64>(acc + i, t);
    carry = c1 | c2;
  }
}


/** acc (64 bytes) += x (32 bytes), as little-endian integers (the sum stays below 2^512). */
export function addWide32(acc: usize, x: usize): void {
  let carry: u64 = 0;
  for (let i: usize = 0; i < 64; i += 8) {
    const a = load<u64>(acc + i);
    const v = i < 32 ? load<u64>(x + i) : 0;
    const s = a + v;
    const c1: u64 = s < a ? 1 : 0;
    const t = s + carry;
    const c2: u64 = t < s ? 1 : 0;
    store<u64>(acc + i, t);
    carry = c1 | c2;
  }
}

/** acc (64 bytes) += x (32 bytes) · v (v < 2^32), as little-endian integers (below 2^512). */
export function addMulSmall(acc: usize, x: usize, v: u32): void {
  const m = <u64>v;
  let carry: u64 = 0;
  for (let i: usize = 0; i < 64; i += 4) {
    const xi: u64 = i < 32 ? <u64>load<u32>(x + i) : 0;
    const t = xi * m + <u64>load<u32>(acc + i) + carry;
    store<u32>(acc + i, <u32>t);
    carry = t >> 32;
  }
}
