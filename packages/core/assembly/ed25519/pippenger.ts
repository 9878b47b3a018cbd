// Pippenger (bucket) multi-scalar multiplication for many points: signed radix-2^c digits; in
// each window every point is added to bucket |d| (negated for d < 0), then Σ d·bucket_d comes
// from running sums, and the windows combine by Horner's rule. Two windows are processed at
// once, one per SIMD lane: each step adds one point into a bucket of window w and another into
// a bucket of window w − 1 (geAddNiels2), so every multiplication is paired and no two lanes
// ever touch the same bucket. Points are affine (mixed additions save a multiplication).
import { BASE } from "./curve";
import {
  AFF,
  ANIELS,
  geAdd2,
  geAddCached,
  geAddNiels,
  geAddNiels2,
  geCopy,
  geDouble,
  geDoubleNoT,
  geFromAffine,
  geIdentity,
  geToCached,
  PT,
} from "./point";
import { signedWindows } from "./recode";

/** Largest number of points (besides B) per call. */
export const PIPPENGER_MAX: i32 = 8192;
const MAX_C: i32 = 11;
const MAX_WINDOWS: i32 = 64;
const STRIDE: usize = <usize>(PIPPENGER_MAX + 1) * 2;

const DIGITS: usize = memory.data(<i32>STRIDE * MAX_WINDOWS, 16);
const BUCKETS0: usize = memory.data(<i32>PT << (MAX_C - 1), 16);
const BUCKETS1: usize = memory.data(<i32>PT << (MAX_C - 1), 16);
const WINDOW: usize = memory.data(<i32>PT * MAX_WINDOWS, 16);
const RUN0: usize = memory.data(<i32>PT, 16);
const RUN1: usize = memory.data(<i32>PT, 16);
const TOT0: usize = memory.data(<i32>PT, 16);
const TOT1: usize = memory.data(<i32>PT, 16);
const CACHED: usize = memory.data(<i32>PT, 16);
const BSCALAR: usize = memory.data(64, 16);

/** Window width for m points (tuned with the bench; see verify.ts for the Straus crossover). */
export function windowBits(m: i32): i32 {
  if (m < 160) return 5;
  if (m < 450) return 6;
  if (m < 1400) return 7;
  if (m < 3000) return 8;
  if (m < 6000) return 9;
  return 10;
}

// The points of one call: j < gM1 from the first segment, then the second segment, then B.
let gPts1: usize = 0;
let gPts2: usize = 0;
let gM1: i32 = 0;
let gM: i32 = 0;

/** Affine point j (j = m is the base point). */
// @ts-ignore: decorator
@inline function point(j: i32): usize {
  return j == gM ? BASE : j < gM1 ? gPts1 + <usize>j * AFF : gPts2 + <usize>(j - gM1) * AFF;
}

// @ts-ignore: decorator
@inline function niels(j: i32): usize {
  return point(j) + ANIELS;
}

// @ts-ignore: decorator
@inline function digit(w: i32, j: i32): i32 {
  return <i32>load<i16>(DIGITS + <usize>w * STRIDE + (<usize>j << 1));
}

/** Next j ≥ from with a nonzero digit in window w, or m + 1. */
// @ts-ignore: decorator
@inline function next(w: i32, from: i32): i32 {
  let j = from;
  const end = gM + 1;
  const row = DIGITS + <usize>w * STRIDE;
  while (j < end && load<i16>(row + (<usize>j << 1)) == 0) j++;
  return j;
}

const FILLED0: usize = memory.data(1 << (MAX_C - 1), 16);
const FILLED1: usize = memory.data(1 << (MAX_C - 1), 16);

/**
 * Adds ±point j into bucket b of a lane, or, when the bucket is still empty, copies it there
 * (an affine point is an extended point with Z = 1: no arithmetic). Returns true if it copied.
 */
// @ts-ignore: decorator
@inline function firstInto(filled: usize, idx: i32, b: usize, j: i32, neg: i32): bool {
  if (load<u8>(filled + <usize>idx)) return false;
  store<u8>(filled + <usize>idx, 1);
  geFromAffine(b, point(j), neg);
  return true;
}

/** Fills the buckets of windows w0 (lane 0) and w1 (lane 1, or −1 for none). */
function fillBuckets(w0: i32, w1: i32, half: i32): void {
  memory.fill(FILLED0, 0, <usize>half);
  memory.fill(FILLED1, 0, <usize>half);
  const end = gM + 1;
  let j0 = next(w0, 0);
  let j1 = w1 >= 0 ? next(w1, 0) : end;
  while (j0 < end && j1 < end) {
    const d0 = digit(w0, j0);
    const d1 = digit(w1, j1);
    const i0 = (d0 < 0 ? -d0 : d0) - 1;
    const i1 = (d1 < 0 ? -d1 : d1) - 1;
    const b0 = BUCKETS0 + <usize>i0 * PT;
    const b1 = BUCKETS1 + <usize>i1 * PT;
    if (firstInto(FILLED0, i0, b0, j0, d0 < 0 ? 1 : 0)) {
      j0 = next(w0, j0 + 1);
      continue;
    }
    if (firstInto(FILLED1, i1, b1, j1, d1 < 0 ? 1 : 0)) {
      j1 = next(w1, j1 + 1);
      continue;
    }
    geAddNiels2(b0, b0, niels(j0), d0 < 0 ? 1 : 0, b1, b1, niels(j1), d1 < 0 ? 1 : 0);
    j0 = next(w0, j0 + 1);
    j1 = next(w1, j1 + 1);
  }
  while (j0 < end) {
    const d0 = digit(w0, j0);
    const i0 = (d0 < 0 ? -d0 : d0) - 1;
    const b = BUCKETS0 + <usize>i0 * PT;
    if (!firstInto(FILLED0, i0, b, j0, d0 < 0 ? 1 : 0)) geAddNiels(b, b, niels(j0), d0 < 0 ? 1 : 0);
    j0 = next(w0, j0 + 1);
  }
  while (j1 < end) {
    const d1 = digit(w1, j1);
    const i1 = (d1 < 0 ? -d1 : d1) - 1;
    const b = BUCKETS1 + <usize>i1 * PT;
    if (!firstInto(FILLED1, i1, b, j1, d1 < 0 ? 1 : 0)) geAddNiels(b, b, niels(j1), d1 < 0 ? 1 : 0);
    j1 = next(w1, j1 + 1);
  }
  for (let d = 0; d < half; d++) {
    if (!load<u8>(FILLED0 + <usize>d)) geIdentity(BUCKETS0 + <usize>d * PT);
    if (!load<u8>(FILLED1 + <usize>d)) geIdentity(BUCKETS1 + <usize>d * PT);
  }
}

/** WINDOW[w0] = Σ d·bucket0_d and WINDOW[w1] = Σ d·bucket1_d, both lanes at once. */
function sumBuckets(w0: i32, w1: i32, half: i32): void {
  const top0 = BUCKETS0 + <usize>(half - 1) * PT;
  const top1 = BUCKETS1 + <usize>(half - 1) * PT;
  geCopy(RUN0, top0);
  geCopy(TOT0, top0);
  geCopy(RUN1, top1);
  geCopy(TOT1, top1);
  for (let d = half - 2; d >= 0; d--) {
    geAdd2(RUN0, RUN0, BUCKETS0 + <usize>d * PT, RUN1, RUN1, BUCKETS1 + <usize>d * PT);
    geAdd2(TOT0, TOT0, RUN0, TOT1, TOT1, RUN1);
  }
  geCopy(WINDOW + <usize>w0 * PT, TOT0);
  if (w1 >= 0) geCopy(WINDOW + <usize>w1 * PT, TOT1);
}

/**
 * out = Σ_j [s_j] P_j + [sb] B over two segments of points: m1 affine points at pts1 (stride AFF)
 * with their 32-byte scalars at sc1 (stride 32, values below 2^253, 8 readable bytes past the
 * last), then m2 at pts2 / sc2 (m2 may be 0); sb is 32 bytes.
 */
export function pippenger(
  out: usize,
  pts1: usize,
  sc1: usize,
  m1: i32,
  pts2: usize,
  sc2: usize,
  m2: i32,
  sb: usize,
): void {
  gPts1 = pts1;
  gPts2 = pts2;
  gM1 = m1;
  const m = m1 + m2;
  gM = m;
  const c = windowBits(m + 1);
  const half = 1 << (c - 1);
  const nw = 253 / c + 1;
  for (let j = 0; j < m; j++) {
    const sc = j < m1 ? sc1 + <usize>j * 32 : sc2 + <usize>(j - m1) * 32;
    signedWindows(DIGITS + (<usize>j << 1), STRIDE, sc, c, nw);
  }
  memory.copy(BSCALAR, sb, 32);
  signedWindows(DIGITS + (<usize>m << 1), STRIDE, BSCALAR, c, nw);
  for (let w = nw - 1; w >= 0; w -= 2) {
    fillBuckets(w, w - 1, half);
    sumBuckets(w, w - 1, half);
  }
  // Horner: out = Σ_w 2^(c·w) · WINDOW[w].
  geCopy(out, WINDOW + <usize>(nw - 1) * PT);
  for (let w = nw - 2; w >= 0; w--) {
    for (let k = 1; k < c; k++) geDoubleNoT(out, out);
    geDouble(out, out);
    geToCached(CACHED, WINDOW + <usize>w * PT);
    geAddCached(out, out, CACHED, 0);
  }
}

