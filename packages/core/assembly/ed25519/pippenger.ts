// Pippenger (bucket) multi-scalar multiplication for many points: signed radix-2^c digits; in
// each window every point is added to bucket |d| (negated for d < 0), then Σ d·bucket_d comes
// from running sums, and the windows combine by Horner's rule. Two windows are processed at
// once, one per SIMD lane: each step adds one point into a bucket of window w and another into
// a bucket of window w − 1 (geAddNiels2), so every multiplication is paired and no two lanes
// ever touch the same bucket. Points are affine (mixed additions save a multiplication) and
// given by address, so a call can mix per-item points (R) with per-group ones (A) and B.
import { BASE } from "./curve";
import {
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

// The points of one call: addresses in a list (u32 each), then B when the call has a B term.
let gPts: usize = 0;
let gM: i32 = 0;
/** Number of points of the call (m, or m + 1 with B). */
let gEnd: i32 = 0;

/** Affine point j (j = m is the base point). */
// @ts-ignore: decorator
@inline function point(j: i32): usize {
  return j == gM ? BASE : <usize>load<u32>(gPts + (<usize>j << 2));
}

// @ts-ignore: decorator
@inline function niels(j: i32): usize {
  return point(j) + ANIELS;
}

// @ts-ignore: decorator
@inline function digit(w: i32, j: i32): i32 {
  return <i32>load<i16>(DIGITS + <usize>w * STRIDE + (<usize>j << 1));
}

/** Next j ≥ from with a nonzero digit in window w, or gEnd. */
// @ts-ignore: decorator
@inline function next(w: i32, from: i32): i32 {
  let j = from;
  const end = gEnd;
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
  const end = gEnd;
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
 * out = Σ_j [s_j] P_j (+ [sb] B when sb ≠ 0) for m affine points whose addresses are the u32
 * entries at pts, with 32-byte scalars whose addresses are at scs (values below 2^bits, 8
 * readable bytes past each); sb is a 32-byte scalar below 2^253. bits ≤ 253.
 */
export function pippenger(out: usize, pts: usize, scs: usize, m: i32, bits: i32, sb: usize): void {
  gPts = pts;
  gM = m;
  const withB = sb != 0;
  if (withB && bits < 253) bits = 253;
  const points = withB ? m + 1 : m;
  const c = windowBits(points);
  const half = 1 << (c - 1);
  // Enough windows that the top one absorbs the last carry: c·(nw − 1) ≥ bits − c + 2.
  const nw = (bits + 1) / c + 1;
  for (let j = 0; j < m; j++) {
    signedWindows(DIGITS + (<usize>j << 1), STRIDE, <usize>load<u32>(scs + (<usize>j << 2)), c, nw);
  }
  if (withB) {
    memory.copy(BSCALAR, sb, 32);
    signedWindows(DIGITS + (<usize>m << 1), STRIDE, BSCALAR, c, nw);
  }
  gEnd = points;
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

