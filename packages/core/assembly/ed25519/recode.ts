// Scalar recodings for variable-time multi-scalar multiplication: width-w NAF (odd digits
// |d| < 2^(w−1), at least w − 1 zeros after each nonzero digit) for Straus, and signed radix-2^c
// windows (digits in [−2^(c−1), 2^(c−1)]) for Pippenger's buckets.

/**
 * Writes the width-w NAF (w ≤ 16) of the `nbytes`-byte little-endian scalar at s (nbytes ≤ 32)
 * as 257 i16 digits at r; returns the highest nonzero digit index, or −1 for zero.
 */
export function wnaf(r: usize, s: usize, nbytes: i32, w: i32): i32 {
  memory.fill(r, 0, 2 * 257);
  // Work on a 5-limb copy so the carry out of bit 255 has room.
  let k0: u64 = 0,
    k1: u64 = 0,
    k2: u64 = 0,
    k3: u64 = 0,
    k4: u64 = 0;
  for (let i = nbytes - 1; i >= 0; i--) {
    const b = <u64>load<u8>(s + <usize>i);
    k4 = (k4 << 8) | (k3 >> 56);
    k3 = (k3 << 8) | (k2 >> 56);
    k2 = (k2 << 8) | (k1 >> 56);
    k1 = (k1 << 8) | (k0 >> 56);
    k0 = (k0 << 8) | b;
  }
  const width: u64 = (<u64>1) << (<u64>w);
  const mask: u64 = width - 1;
  const half: i64 = (<i64>1) << (<i64>(w - 1));
  let top: i32 = -1;
  let pos: i32 = 0;
  while ((k0 | k1 | k2 | k3 | k4) !== 0) {
    if ((k0 & 1) === 0) {
      // Skip a run of zeros (at most 63 at a time).
      let z = <i32>ctz<u64>(k0);
      if (k0 === 0) z = 64;
      if (z > 63) z = 63;
      const zz = <u64>z;
      k0 = (k0 >> zz) | (k1 << (64 - zz));
      k1 = (k1 >> zz) | (k2 << (64 - zz));
      k2 = (k2 >> zz) | (k3 << (64 - zz));
      k3 = (k3 >> zz) | (k4 << (64 - zz));
      k4 = k4 >> zz;
      pos += z;
      continue;
    }
    let d = <i64>(k0 & mask);
    if (d >= half) d -= <i64>width;
    store<i16>(r + ((<usize>pos) << 1), <i16>d);
    top = pos;
    // k -= d (d odd, |d| < 2^(w−1)): subtracting a negative d adds.
    if (d > 0) {
      const old = k0;
      k0 -= <u64>d;
      if (k0 > old) {
        // borrow
        if (k1-- === 0) if (k2-- === 0) if (k3-- === 0) k4--;
      }
    } else {
      const old = k0;
      k0 += <u64>-d;
      if (k0 < old) {
        if (++k1 === 0) if (++k2 === 0) if (++k3 === 0) k4++;
      }
    }
    // Now the low w bits are zero: shift them out.
    const ww = <u64>w;
    k0 = (k0 >> ww) | (k1 << (64 - ww));
    k1 = (k1 >> ww) | (k2 << (64 - ww));
    k2 = (k2 >> ww) | (k3 << (64 - ww));
    k3 = (k3 >> ww) | (k4 << (64 - ww));
    k4 = k4 >> ww;
    pos += w;
  }
  return top;
}

/**
 * Signed radix-2^c digits of the 32-byte scalar at s (value < 2^255), for windows 0 … nw − 1,
 * written as i16 at out + w·stride. Each digit is in [−2^(c−1), 2^(c−1)); the last window takes
 * the final carry, so nw must be at least ⌈256 / c⌉ + 1 … or enough for the value's bit length.
 */
export function signedWindows(out: usize, stride: usize, s: usize, c: i32, nw: i32): void {
  const half = 1 << (c - 1);
  const mask: u64 = ((<u64>1) << (<u64>c)) - 1;
  let carry: i32 = 0;
  for (let w = 0; w < nw; w++) {
    const pos = w * c;
    let v: i32 = 0;
    if (pos < 256) {
      // Bits [pos, pos + c) with c ≤ 16: read 8 bytes (the scalar region has padding past byte 31).
      const byte = pos >> 3;
      v = <i32>((load<u64>(s + <usize>byte) >> <u64>(pos & 7)) & mask);
      if (byte + 8 > 32) {
        // Mask off bits beyond 256 that came from padding.
        const valid = 256 - pos;
        if (valid < c) v &= (1 << valid) - 1;
      }
    }
    v += carry;
    carry = (v + half) >> c;
    v -= carry << c;
    store<i16>(out + <usize>w * stride, <i16>v);
  }
}
