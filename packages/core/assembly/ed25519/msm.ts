// Multi-scalar multiplication Σ [s_i] P_i. Straus (interleaved signed radix-16 windows with a
// table of 8 multiples per point) for few points; Pippenger (signed-digit buckets, window
// width chosen from n) for many. Inputs live in fixed regions: MSM_P holds n extended points,
// MSM_S n scalars (40-byte stride, 32 bytes little-endian < 2^253, zero padded).
import { FE } from "./field";
import { geAdd, geAddCached, geCopy, geDouble, geIdentity, geSubCached, geToCached, PT } from "./point";

export const MSM_MAX: i32 = 4097;
export const SC: usize = 40;
export const MSM_P: usize = memory.data(<i32>PT * MSM_MAX, 16);
export const MSM_S: usize = memory.data(<i32>SC * MSM_MAX, 16);
/** Cached forms of the points (Pippenger) or 8-entry tables (Straus, up to STRAUS_MAX points). */
const MSM_C: usize = memory.data(<i32>PT * MSM_MAX, 16);
export const STRAUS_MAX: i32 = 24;
const TABLES: usize = memory.data(<i32>PT * 8 * STRAUS_MAX, 16);
const DIGITS16: usize = memory.data(64 * STRAUS_MAX, 16);
/** Signed digits for Pippenger: up to 64 windows × MSM_MAX points, i16. */
const DIGITS: usize = memory.data(2 * 64 * MSM_MAX, 16);
const BUCKETS: usize = memory.data(<i32>PT * 2048, 16);
const FILLED: usize = memory.data(2048, 16);
const TMP: usize = memory.data(PT * 4, 16);

/** Signed radix-16 digits e[0..64) of a scalar < 2^253, each in [−8, 8]. */
function radix16(e: usize, s: usize): void {
  for (let i: usize = 0; i < 32; i++) {
    const b = load<u8>(s + i);
    store<i8>(e + 2 * i, <i8>(b & 15));
    store<i8>(e + 2 * i + 1, <i8>(b >> 4));
  }
  let carry: i32 = 0;
  for (let i: usize = 0; i < 63; i++) {
    const v = <i32>load<i8>(e + i) + carry;
    carry = (v + 8) >> 4;
    store<i8>(e + i, <i8>(v - (carry << 4)));
  }
  store<i8>(e + 63, <i8>(<i32>load<i8>(e + 63) + carry));
}

/** Fills the 8-entry table [1..8]P (cached) at t from the extended point p. */
function table8(t: usize, p: usize): void {
  const acc = TMP;
  geToCached(t, p);
  geCopy(acc, p);
  for (let i: usize = 1; i < 8; i++) {
    geAddCached(acc, acc, t);
    geToCached(t + i * PT, acc);
  }
}

function straus(out: usize, n: i32): void {
  for (let j = 0; j < n; j++) {
    table8(TABLES + <usize>j * 8 * PT, MSM_P + <usize>j * PT);
    radix16(DIGITS16 + <usize>j * 64, MSM_S + <usize>j * SC);
  }
  geIdentity(out);
  for (let i = 63; i >= 0; i--) {
    if (i != 63) {
      geDouble(out, out);
      geDouble(out, out);
      geDouble(out, out);
      geDouble(out, out);
    }
    for (let j = 0; j < n; j++) {
      const d = <i32>load<i8>(DIGITS16 + <usize>j * 64 + <usize>i);
      if (d > 0) geAddCached(out, out, TABLES + (<usize>j * 8 + <usize>(d - 1)) * PT);
      else if (d < 0) geSubCached(out, out, TABLES + (<usize>j * 8 + <usize>(-d - 1)) * PT);
    }
  }
}

/** c bits of scalar s starting at bit `pos` (s is zero-padded past 32 bytes). */
// @ts-ignore: decorator
@inline function bitsAt(s: usize, pos: i32, c: i32): i32 {
  const v = load<u64>(s + <usize>(pos >> 3)) >> (<u64>(pos & 7));
  return <i32>(v & ((<u64>1 << <u64>c) - 1));
}

function windowBits(n: i32): i32 {
  if (n < 48) return 4;
  if (n < 96) return 5;
  if (n < 224) return 6;
  if (n < 512) return 7;
  if (n < 1200) return 8;
  if (n < 3000) return 9;
  return 10;
}

function pippenger(out: usize, n: i32): void {
  const c = windowBits(n);
  const windows = (253 + c) / c + 1;
  const half = 1 << (c - 1);
  // Signed digits in [−2^(c−1), 2^(c−1)] per point and window; cached forms of the points.
  for (let j = 0; j < n; j++) {
    const s = MSM_S + <usize>j * SC;
    let carry: i32 = 0;
    for (let w = 0; w < windows; w++) {
      const pos = w * c;
      let d = (pos < 256 ? bitsAt(s, pos, c) : 0) + carry;
      carry = d >= half ? 1 : 0;
      d -= carry << c;
      store<i16>(DIGITS + ((<usize>w * MSM_MAX + <usize>j) << 1), <i16>d);
    }
    geToCached(MSM_C + <usize>j * PT, MSM_P + <usize>j * PT);
  }
  const running = TMP;
  const total = TMP + PT;
  geIdentity(out);
  for (let w = windows - 1; w >= 0; w--) {
    if (w != windows - 1) for (let k = 0; k < c; k++) geDouble(out, out);
    memory.fill(FILLED, 0, <usize>half + 1);
    for (let j = 0; j < n; j++) {
      const d = <i32>load<i16>(DIGITS + ((<usize>w * MSM_MAX + <usize>j) << 1));
      if (d == 0) continue;
      const idx = d > 0 ? d : -d;
      const bucket = BUCKETS + <usize>idx * PT;
      const pc = MSM_C + <usize>j * PT;
      if (load<u8>(FILLED + <usize>idx) == 0) {
        geIdentity(bucket);
        store<u8>(FILLED + <usize>idx, 1);
      }
      if (d > 0) geAddCached(bucket, bucket, pc);
      else geSubCached(bucket, bucket, pc);
    }
    // Σ d·bucket_d by running sums from the top bucket down.
    let started = false;
    let any = false;
    for (let d = half; d >= 1; d--) {
      const filled = load<u8>(FILLED + <usize>d) != 0;
      if (filled) {
        if (started) geAdd(running, running, BUCKETS + <usize>d * PT);
        else {
          geCopy(running, BUCKETS + <usize>d * PT);
          started = true;
        }
      }
      if (started) {
        if (any) geAdd(total, total, running);
        else {
          geCopy(total, running);
          any = true;
        }
      }
    }
    if (any) geAdd(out, out, total);
  }
}

/** out = Σ_{j<n} [MSM_S_j] MSM_P_j. */
export function msm(out: usize, n: i32): void {
  if (n <= STRAUS_MAX) straus(out, n);
  else pippenger(out, n);
}

export { FE };
