// Pippenger (bucket) multi-scalar multiplication for many points: signed radix-2^c digits; in
// each window every point is added to bucket |d| (negated for d < 0), then Σ d·bucket_d comes
// from running sums, and the windows combine by Horner's rule. Two windows are processed at
// once, one per SIMD lane: each step adds one point into a bucket of window w and another into
// a bucket of window w − 1 (geAddNiels2), so every multiplication is paired and no two lanes
// ever touch the same bucket. Points are affine (mixed additions save a multiplication) and
// given by address, so a call can mix per-item points (R) with per-group ones (A) and B.
//
// Split calls (split > 0): the points [0, split) are "part 1". In each window they are added to
// the buckets first, a copy of the buckets is kept (SAVED, every window), and the other points
// are added on top: the same point additions as unsplit (still paired), plus a memory copy. When the total
// fails, partOneSum() gives part 1's sum from the kept buckets alone (one bucket reduction per
// window; no point is added again).
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
export const PIPPENGER_MAX: i32 = 8200;
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
/** Most buckets of a call over all windows: nw·2^(c−1) for c ≤ 10 and 253-bit scalars (c = 10). */
const SAVED_BUCKETS: i32 = 26 << 9;
const SAVED: usize = memory.data(<i32>PT * SAVED_BUCKETS, 16);

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
/** Part 1 of a split call (0 = not split); window width, windows and buckets of that call. */
let gSplit: i32 = 0;
let sC: i32 = 0;
let sNw: i32 = 0;
let sHalf: i32 = 0;
let savedReady: bool = false;

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

/** Next j ≥ from with a nonzero digit in window w, or end. */
// @ts-ignore: decorator
@inline function next(w: i32, from: i32, end: i32): i32 {
  let j = from;
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

/**
 * Keeps the buckets b (flags f) of window w in SAVED: one bulk copy (cheaper than a copy per
 * bucket: measured), then the identity where a bucket is still empty.
 */
function keep(w: i32, b: usize, f: usize, half: i32): void {
  const s = SAVED + <usize>(w * half) * PT;
  memory.copy(s, b, <usize>half * PT);
  for (let d = 0; d < half; d++) {
    if (!load<u8>(f + <usize>d)) geIdentity(s + <usize>d * PT);
  }
}

/**
 * Fills the buckets of windows w0 (lane 0) and w1 (lane 1, or −1 for none). In a split call
 * each lane keeps a copy of its buckets when it has added the points of part 1, then goes on
 * (the lanes stay paired across the split).
 */
function fillBuckets(w0: i32, w1: i32, half: i32): void {
  memory.fill(FILLED0, 0, <usize>half);
  memory.fill(FILLED1, 0, <usize>half);
  const end = gEnd;
  const split = gSplit > 0 ? gSplit : end;
  let e0 = split;
  let e1 = w1 >= 0 ? split : end;
  let j0 = next(w0, 0, e0);
  let j1 = w1 >= 0 ? next(w1, 0, e1) : end;
  while (true) {
    if (j0 >= e0 && e0 < end) {
      keep(w0, BUCKETS0, FILLED0, half);
      e0 = end;
      j0 = next(w0, split, end);
      continue;
    }
    if (j1 >= e1 && e1 < end) {
      keep(w1, BUCKETS1, FILLED1, half);
      e1 = end;
      j1 = next(w1, split, end);
      continue;
    }
    const live0 = j0 < e0;
    const live1 = j1 < e1;
    if (live0 && live1) {
      const d0 = digit(w0, j0);
      const d1 = digit(w1, j1);
      const i0 = (d0 < 0 ? -d0 : d0) - 1;
      const i1 = (d1 < 0 ? -d1 : d1) - 1;
      const b0 = BUCKETS0 + <usize>i0 * PT;
      const b1 = BUCKETS1 + <usize>i1 * PT;
      if (firstInto(FILLED0, i0, b0, j0, d0 < 0 ? 1 : 0)) {
        j0 = next(w0, j0 + 1, e0);
        continue;
      }
      if (firstInto(FILLED1, i1, b1, j1, d1 < 0 ? 1 : 0)) {
        j1 = next(w1, j1 + 1, e1);
        continue;
      }
      geAddNiels2(b0, b0, niels(j0), d0 < 0 ? 1 : 0, b1, b1, niels(j1), d1 < 0 ? 1 : 0);
      j0 = next(w0, j0 + 1, e0);
      j1 = next(w1, j1 + 1, e1);
    } else if (live0) {
      const d0 = digit(w0, j0);
      const i0 = (d0 < 0 ? -d0 : d0) - 1;
      const b = BUCKETS0 + <usize>i0 * PT;
      if (!firstInto(FILLED0, i0, b, j0, d0 < 0 ? 1 : 0)) geAddNiels(b, b, niels(j0), d0 < 0 ? 1 : 0);
      j0 = next(w0, j0 + 1, e0);
    } else if (live1) {
      const d1 = digit(w1, j1);
      const i1 = (d1 < 0 ? -d1 : d1) - 1;
      const b = BUCKETS1 + <usize>i1 * PT;
      if (!firstInto(FILLED1, i1, b, j1, d1 < 0 ? 1 : 0)) geAddNiels(b, b, niels(j1), d1 < 0 ? 1 : 0);
      j1 = next(w1, j1 + 1, e1);
    } else break;
  }
  for (let d = 0; d < half; d++) {
    if (!load<u8>(FILLED0 + <usize>d)) geIdentity(BUCKETS0 + <usize>d * PT);
    if (!load<u8>(FILLED1 + <usize>d)) geIdentity(BUCKETS1 + <usize>d * PT);
  }
}

/** WINDOW[w0] = Σ d·b0_d and WINDOW[w1] = Σ d·b1_d (buckets at b0, b1), both lanes at once. */
function sumBuckets(w0: i32, w1: i32, half: i32, b0: usize, b1: usize): void {
  const top0 = b0 + <usize>(half - 1) * PT;
  const top1 = b1 + <usize>(half - 1) * PT;
  geCopy(RUN0, top0);
  geCopy(TOT0, top0);
  geCopy(RUN1, top1);
  geCopy(TOT1, top1);
  for (let d = half - 2; d >= 0; d--) {
    geAdd2(RUN0, RUN0, b0 + <usize>d * PT, RUN1, RUN1, b1 + <usize>d * PT);
    geAdd2(TOT0, TOT0, RUN0, TOT1, TOT1, RUN1);
  }
  geCopy(WINDOW + <usize>w0 * PT, TOT0);
  if (w1 >= 0) geCopy(WINDOW + <usize>w1 * PT, TOT1);
}

/**
 * out = Σ_j [s_j] P_j (+ [sb] B when sb ≠ 0) for m affine points whose addresses are the u32
 * entries at pts, with 32-byte scalars whose addresses are at scs (values below 2^bits, 8
 * readable bytes past each); sb is a 32-byte scalar below 2^253. bits ≤ 253. With split > 0
 * (and sb = 0), the buckets of the points [0, split) are kept for partOneSum.
 */
export function pippenger(out: usize, pts: usize, scs: usize, m: i32, bits: i32, sb: usize, split: i32 = 0): void {
  gPts = pts;
  gM = m;
  gSplit = sb == 0 && split < m ? split : 0;
  savedReady = false;
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
    sumBuckets(w, w - 1, half, BUCKETS0, BUCKETS1);
  }
  if (gSplit > 0) {
    sC = c;
    sNw = nw;
    sHalf = half;
    savedReady = true;
  }
  horner(out, c, nw);
}

/** Horner: out = Σ_w 2^(c·w) · WINDOW[w]. */
function horner(out: usize, c: i32, nw: i32): void {
  geCopy(out, WINDOW + <usize>(nw - 1) * PT);
  for (let w = nw - 2; w >= 0; w--) {
    for (let k = 1; k < c; k++) geDoubleNoT(out, out);
    geDouble(out, out);
    geToCached(CACHED, WINDOW + <usize>w * PT);
    geAddCached(out, out, CACHED, 0);
  }
}


/**
 * out = the sum of part 1 of the last split call (Σ_{j < split} [s_j] P_j), from its kept
 * buckets. Returns false (out untouched) when the last call was not split.
 */
export function partOneSum(out: usize): bool {
  if (!savedReady) return false;
  const half = sHalf;
  for (let w = sNw - 1; w >= 0; w -= 2) {
    const b0 = SAVED + <usize>(w * half) * PT;
    const b1 = w >= 1 ? SAVED + <usize>((w - 1) * half) * PT : b0;
    sumBuckets(w, w - 1, half, b0, b1);
  }
  horner(out, sC, sNw);
  return true;
}

/** Forgets the kept buckets (a later call may have reused the window sums). */
export function dropPartOne(): void {
  savedReady = false;
}
