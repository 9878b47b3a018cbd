// Scalars mod L = 2^252 + 27742317777372353535851937790883648493, the order of the base point.
// Values are held as signed 21-bit limbs in i64 (limb i weighs 2^(21·i)); reduction folds limb
// i ≥ 12 down using 2^252 ≡ −c (mod L), with −c written in signed 21-bit digits.

/** Limb workspace (up to 26 limbs). */
const S: usize = memory.data(8 * 32, 16);
/** Second workspace for products. */
const P: usize = memory.data(8 * 32, 16);

const FOLD: usize = memory.data<i64>([666643, 470296, 654183, -997805, 136657, -683901]);
const L_LIMBS: usize = memory.data<i64>([1430509, 1626855, 1442968, 997804, 1960495, 683900, 0, 0, 0, 0, 0, 0, 1]);
const L_BYTES: usize = memory.data<u8>([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

// @ts-ignore: decorator
@inline function limb(base: usize, i: i32): i64 {
  return load<i64>(base + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function setLimb(base: usize, i: i32, v: i64): void {
  store<i64>(base + (<usize>i << 3), v);
}

/** Loads `nbytes` little-endian bytes at src as 21-bit limbs into base; returns the limb count. */
function loadLimbs(base: usize, src: usize, nbytes: i32): i32 {
  const bits = nbytes * 8;
  const n = (bits + 20) / 21;
  for (let i = 0; i < n; i++) {
    const off = i * 21;
    let v: u64 = 0;
    // Gather up to 4 bytes covering bits [off, off + 21) without reading past the input.
    const first = off >> 3;
    for (let b = 0; b < 4; b++) {
      const idx = first + b;
      if (idx < nbytes) v |= (<u64>load<u8>(src + <usize>idx)) << (<u64>(b * 8));
    }
    setLimb(base, i, <i64>((v >> (<u64>(off & 7))) & 0x1fffff));
  }
  return n;
}

/** Carry with rounding from limb `from` up to limb `to` (exclusive); limb `to` absorbs the carry. */
function carryRange(base: usize, from: i32, to: i32): void {
  for (let i = from; i < to; i++) {
    const v = limb(base, i);
    const c = (v + (1 << 20)) >> 21;
    setLimb(base, i, v - (c << 21));
    setLimb(base, i + 1, limb(base, i + 1) + c);
  }
}

/**
 * Reduces the n-limb signed value at base mod L; afterwards limbs 0..12 hold the canonical
 * value in [0, L) with limbs 0..11 in [0, 2^21) and limb 12 ∈ {0, 1}.
 */
function reduceLimbs(base: usize, n: i32): void {
  for (let i = n; i < 26; i++) setLimb(base, i, 0);
  for (;;) {
    // Carry across the whole workspace so every limb, the top one included, is small.
    carryRange(base, 0, 25);
    let top = 25;
    while (top >= 12 && limb(base, top) == 0) top--;
    if (top < 12) break;
    // Fold limbs from the top down, re-carrying what each fold touched before folding further.
    for (let i = top; i >= 12; i--) {
      const v = limb(base, i);
      if (v == 0) continue;
      setLimb(base, i, 0);
      for (let j = 0; j < 6; j++) setLimb(base, i - 12 + j, limb(base, i - 12 + j) + v * load<i64>(FOLD + (<usize>j << 3)));
      carryRange(base, i - 12, i - 1);
    }
  }
  // Exact (floor) carries so limbs 0..10 are in [0, 2^21); limb 11 keeps the sign.
  for (let i = 0; i < 11; i++) {
    const v = limb(base, i);
    const c = v >> 21;
    setLimb(base, i, v - (c << 21));
    setLimb(base, i + 1, limb(base, i + 1) + c);
  }
  setLimb(base, 12, 0);
  if (limb(base, 11) < 0) {
    for (let i = 0; i < 13; i++) setLimb(base, i, limb(base, i) + load<i64>(L_LIMBS + (<usize>i << 3)));
  }
  for (let i = 0; i < 12; i++) {
    const v = limb(base, i);
    const c = v >> 21;
    setLimb(base, i, v - (c << 21));
    setLimb(base, i + 1, limb(base, i + 1) + c);
  }
}

/** Packs limbs 0..12 (value < 2^253) into 32 little-endian bytes at out. */
function storeLimbs(out: usize, base: usize): void {
  memory.fill(out, 0, 32);
  for (let i = 0; i < 13; i++) {
    const v = <u64>limb(base, i);
    const off = i * 21;
    for (let b = 0; b < 4; b++) {
      const idx = (off >> 3) + b;
      if (idx >= 32) break;
      const shifted = (v << (<u64>(off & 7))) >> (<u64>(b * 8));
      store<u8>(out + <usize>idx, load<u8>(out + <usize>idx) | <u8>(shifted & 0xff));
    }
  }
}

/** out (32 bytes) = in (64 bytes, little-endian) mod L. */
export function scReduce64(out: usize, src: usize): void {
  const n = loadLimbs(S, src, 64);
  reduceLimbs(S, n);
  storeLimbs(out, S);
}

/** True when the 32-byte little-endian scalar at s is below L. */
export function scIsCanonical(s: usize): bool {
  for (let i = 31; i >= 0; i--) {
    const a = load<u8>(s + <usize>i);
    const b = load<u8>(L_BYTES + <usize>i);
    if (a < b) return true;
    if (a > b) return false;
  }
  return false;
}

const A_L: usize = memory.data(8 * 16, 16);
const B_L: usize = memory.data(8 * 16, 16);

/** out = a·b mod L, for 32-byte scalars a, b (each < 2^253; a may be a 16-byte value zero-padded). */
export function scMul(out: usize, a: usize, b: usize): void {
  const na = loadLimbs(A_L, a, 32);
  const nb = loadLimbs(B_L, b, 32);
  for (let i = 0; i < 26; i++) setLimb(P, i, 0);
  for (let i = 0; i < na; i++) {
    const x = limb(A_L, i);
    if (x == 0) continue;
    for (let j = 0; j < nb; j++) setLimb(P, i + j, limb(P, i + j) + x * limb(B_L, j));
  }
  reduceLimbs(P, na + nb - 1);
  storeLimbs(out, P);
}

/** out = (a + b) mod L for canonical a, b. */
export function scAdd(out: usize, a: usize, b: usize): void {
  const na = loadLimbs(A_L, a, 32);
  loadLimbs(B_L, b, 32);
  for (let i = 0; i < na; i++) setLimb(P, i, limb(A_L, i) + limb(B_L, i));
  reduceLimbs(P, na);
  storeLimbs(out, P);
}

/** out = (L − a) mod L for canonical a. */
export function scNeg(out: usize, a: usize): void {
  const na = loadLimbs(A_L, a, 32);
  for (let i = 0; i < na; i++) setLimb(P, i, -limb(A_L, i));
  reduceLimbs(P, na);
  storeLimbs(out, P);
}
