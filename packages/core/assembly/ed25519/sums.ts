// Combined sums over a range of positions (see prepare.ts), with every key of the range
// combined before the multiplication: a group's scalar is the sum of its items' scalars.
//
//   soundSum:    Σ [z_i]R_i + Σ_g [Σ_{i∈g} z_i·k_i]A_g − [Σ z_i·S_i]B   (random z_i: a batch test)
//   unsoundSum:  Σ R_i      + Σ_g [Σ_{i∈g} k_i]A_g       − [Σ S_i]B       (coefficient 1)
//   weightedSum: Σ [v_p]R_i + Σ_g [Σ v_p·k_i]A_g         − [Σ v_p·S_i]B   (v_p = 1, 2, … by position)
//
// Each item's own term is z_i·D_i (or D_i) with D_i = R_i + [k_i]A_i − [S_i]B, and item i is
// valid exactly when [8]D_i = O. So [8]·soundSum = O means every item of the range is valid
// (but with probability 2^−127), and for a single item both sums are its single-verification
// equation. The coefficient-1 and weighted sums are cheap (the R's are only added) but prove
// nothing about a range of several items: two bad items could cancel. The search uses them only
// to find a candidate, which is then checked with the sound sums (see search.ts).
//
// Multiplication: up to STRAUS_ITEMS items, Straus; with few keys, Pippenger over the R's alone
// (128-bit scalars, half the windows) plus Straus for the keys and B; otherwise one Pippenger
// over everything. soundSumSplit is soundSum in that last case with the positions cut in two
// parts, whose first part's sum the search can then have without adding a point again.
import { BASE } from "./curve";
import { groupOf } from "./group";
import { pippenger, windowBits } from "./pippenger";
import {
  ANIELS,
  geAddCached,
  geAddNiels,
  geAddNiels2,
  geFromAffine,
  geIdentity,
  geToCached,
  PT,
} from "./point";
import { gPoint, isOk, itemAt, K, rPoint, ZK, ZP, ZS } from "./prepare";
import { CHUNK, IN_SIG } from "./regions";
import { addMulSmall, addWide, addWide32, scNeg, scReduce64 } from "./scalar";
import { strausAddBase, strausAddPoint, strausReset, strausRun } from "./straus";

/** Ranges of at most this many items are summed by Straus. */
export const STRAUS_ITEMS: i32 = 80;
/** Most keys handed to Straus beside Pippenger (Straus holds 176 terms). */
const STRAUS_KEYS: i32 = 160;

// Per group: a 512-bit accumulator, valid while its stamp equals the current one.
const GACC: usize = memory.data(64 * CHUNK, 16);
const GSTAMP: usize = memory.data(4 * CHUNK, 16);
/** Per group: its reduced scalar for the current sum (8 readable bytes past the last). */
const GSC: usize = memory.data(32 * CHUNK + 8, 16);
/** The groups of the current sum. */
const TOUCHED: usize = memory.data(4 * CHUNK, 16);
let nTouched: i32 = 0;
let stamp: u32 = 0;

/** Point and scalar address lists for Pippenger (R's, keys, B; a split adds a B and two keys). */
const PL: usize = memory.data(4 * (2 * CHUNK + 8), 16);
const SL: usize = memory.data(4 * (2 * CHUNK + 8), 16);
/** Part 1 of a split sum: its keys' reduced scalars (40 bytes each) and its B scalar. */
const KS1: usize = memory.data(40 * CHUNK, 16);
const SB1: usize = memory.data(32 + 8, 16);
const WIDE: usize = memory.data(64, 16);
const SB: usize = memory.data(32 + 8, 16);
const PART: usize = memory.data(<i32>PT, 16);
const ACC1: usize = memory.data(<i32>PT, 16);
const CACHED: usize = memory.data(<i32>PT, 16);

/** Resets the stamps at the start of a call (they are compared, never cleared, in between). */
export function resetSums(groups: i32): void {
  memory.fill(GSTAMP, 0, <usize>groups << 2);
  stamp = 0;
}

function begin(): void {
  stamp++;
  nTouched = 0;
  memory.fill(WIDE, 0, 64);
}

/** The accumulator of group g for the current sum (cleared and listed on first use). */
function acc(g: i32): usize {
  const s = GSTAMP + (<usize>g << 2);
  const a = GACC + (<usize>g << 6);
  if (load<u32>(s) != stamp) {
    store<u32>(s, stamp);
    memory.fill(a, 0, 64);
    store<i32>(TOUCHED + (<usize>nTouched << 2), g);
    nTouched++;
  }
  return a;
}

// @ts-ignore: decorator
@inline function touched(t: i32): i32 {
  return load<i32>(TOUCHED + (<usize>t << 2));
}

/** Reduces the group accumulators into GSC and sets SB = −(WIDE mod L). */
function reduceScalars(): void {
  for (let t = 0; t < nTouched; t++) {
    const g = touched(t);
    scReduce64(GSC + (<usize>g << 5), GACC + (<usize>g << 6));
  }
  scReduce64(SB, WIDE);
  scNeg(SB, SB);
}

/** out = Σ_g [GSC_g]A_g + [SB]B over the touched groups, by Straus. */
function keysByStraus(out: usize): void {
  strausReset();
  strausAddBase(SB, 32, false, false);
  for (let t = 0; t < nTouched; t++) {
    const g = touched(t);
    strausAddPoint(gPoint(g), GSC + (<usize>g << 5), 32, 5, false);
  }
  strausRun(out);
}

/** Appends the touched groups to the Pippenger lists after m entries; returns the new count. */
function keysToLists(m: i32): i32 {
  for (let t = 0; t < nTouched; t++) {
    const g = touched(t);
    store<u32>(PL + (<usize>m << 2), <u32>gPoint(g));
    store<u32>(SL + (<usize>m << 2), <u32>(GSC + (<usize>g << 5)));
    m++;
  }
  return m;
}

/** out += p (extended). */
function addInto(out: usize, p: usize): void {
  geToCached(CACHED, p);
  geAddCached(out, out, CACHED, 0);
}

/**
 * Whether m R's (128-bit scalars) and g keys (253-bit) are cheaper as Pippenger over the R's
 * plus Straus over the keys and B than as one Pippenger: the split saves the bucket sums of the
 * windows above bit 128 and costs Straus's doubling chain; counted in point operations.
 */
function splitPays(m: i32, g: i32): bool {
  if (g > STRAUS_KEYS) return false;
  const c = windowBits(m + g + 1);
  const high = 125 / c;
  return high * (1 << c) + g * (253 / c) > 280 + g * 51;
}

/**
 * Accumulates the sound scalars of the live items at positions [lo, hi) (per group and for B)
 * and lists their R's after m entries; returns the new count.
 */
function collectSound(lo: i32, hi: i32, m: i32): i32 {
  for (let p = lo; p < hi; p++) {
    const i = itemAt(p);
    if (!isOk(i)) continue;
    addWide(WIDE, ZS + <usize>i * 48);
    addWide(acc(groupOf(i)), ZK + <usize>i * 48);
    store<u32>(PL + (<usize>m << 2), <u32>rPoint(i));
    store<u32>(SL + (<usize>m << 2), <u32>(ZP + (<usize>i << 5)));
    m++;
  }
  return m;
}

/** Appends an entry (point address, scalar address) to the Pippenger lists at m. */
function listEntry(m: i32, point: usize, scalar: usize): void {
  store<u32>(PL + (<usize>m << 2), <u32>point);
  store<u32>(SL + (<usize>m << 2), <u32>scalar);
}

/**
 * soundSum over [lo, hi) in one Pippenger whose buckets keep the part [lo, mid) apart (see
 * pippenger.ts: partOneSum), when the range is summed by one Pippenger (many keys) and both
 * parts are non-empty; returns false, after an ordinary soundSum, otherwise. Part 1 lists its R's, its keys (their scalars
 * copied, since a key may have items in both parts) and its own B term; then part 2.
 */
export function soundSumSplit(out: usize, lo: i32, mid: i32, hi: i32): bool {
  const live = hi - lo;
  if (mid <= lo || mid >= hi || live <= STRAUS_ITEMS || splitPays(live, groupsIn(lo, hi))) {
    soundSum(out, lo, hi);
    return false;
  }
  begin();
  let m = collectSound(lo, mid, 0);
  reduceScalars();
  for (let t = 0; t < nTouched; t++) {
    const g = touched(t);
    const sc = KS1 + <usize>t * 40;
    memory.copy(sc, GSC + (<usize>g << 5), 32);
    listEntry(m++, gPoint(g), sc);
  }
  memory.copy(SB1, SB, 32);
  listEntry(m++, BASE, SB1);
  const split = m;
  begin();
  m = collectSound(mid, hi, m);
  reduceScalars();
  m = keysToLists(m);
  listEntry(m++, BASE, SB);
  pippenger(out, PL, SL, m, 253, 0, split);
  return true;
}

/** out = soundSum over the live items at positions [lo, hi). */
export function soundSum(out: usize, lo: i32, hi: i32): void {
  begin();
  const m = collectSound(lo, hi, 0);
  if (m == 0) {
    geIdentity(out);
    return;
  }
  reduceScalars();
  if (m <= STRAUS_ITEMS) {
    strausReset();
    strausAddBase(SB, 32, false, false);
    for (let k = 0; k < m; k++) {
      const r = <usize>load<u32>(PL + (<usize>k << 2));
      strausAddPoint(r, <usize>load<u32>(SL + (<usize>k << 2)), 16, 4, false);
    }
    for (let t = 0; t < nTouched; t++) {
      const g = touched(t);
      strausAddPoint(gPoint(g), GSC + (<usize>g << 5), 32, 5, false);
    }
    strausRun(out);
  } else if (splitPays(m, nTouched)) {
    pippenger(out, PL, SL, m, 128, 0);
    keysByStraus(PART);
    addInto(out, PART);
  } else {
    pippenger(out, PL, SL, keysToLists(m), 253, SB);
  }
}

/** out = unsoundSum over the live items at positions [lo, hi). */
export function unsoundSum(out: usize, lo: i32, hi: i32): void {
  begin();
  // Σ R_i in two accumulators, one per SIMD lane.
  let count = 0;
  let pending: usize = 0;
  for (let p = lo; p < hi; p++) {
    const i = itemAt(p);
    if (!isOk(i)) continue;
    addWide32(WIDE, IN_SIG + <usize>i * 64 + 32);
    addWide32(acc(groupOf(i)), K + (<usize>i << 5));
    const r = rPoint(i);
    if (count == 0) geFromAffine(out, r);
    else if (count == 1) geFromAffine(ACC1, r);
    else if (pending == 0) pending = r;
    else {
      geAddNiels2(out, out, pending + ANIELS, 0, ACC1, ACC1, r + ANIELS, 0);
      pending = 0;
    }
    count++;
  }
  if (count == 0) {
    geIdentity(out);
    return;
  }
  if (pending != 0) geAddNiels(out, out, pending + ANIELS, 0);
  if (count > 1) addInto(out, ACC1);
  reduceScalars();
  if (nTouched <= STRAUS_KEYS) keysByStraus(PART);
  else pippenger(PART, PL, SL, keysToLists(0), 253, SB);
  addInto(out, PART);
}

/**
 * out = weightedSum over the live items at positions [lo, hi), with v_p = p − lo + 1 (at most
 * 2^32). The R part is Σ_s Σ_{p ≥ s} R_p: a running sum from the top, added up once per position.
 */
export function weightedSum(out: usize, lo: i32, hi: i32): void {
  begin();
  geIdentity(out);
  geIdentity(ACC1);
  for (let p = hi - 1; p >= lo; p--) {
    const i = itemAt(p);
    if (isOk(i)) {
      const v = <u32>(p - lo + 1);
      addMulSmall(WIDE, IN_SIG + <usize>i * 64 + 32, v);
      addMulSmall(acc(groupOf(i)), K + (<usize>i << 5), v);
      geAddNiels(ACC1, ACC1, rPoint(i) + ANIELS, 0);
    }
    addInto(out, ACC1);
  }
  reduceScalars();
  if (nTouched <= STRAUS_KEYS) keysByStraus(PART);
  else pippenger(PART, PL, SL, keysToLists(0), 253, SB);
  addInto(out, PART);
}

/** Number of groups among the positions [lo, hi) (the order lists each group contiguously). */
export function groupsIn(lo: i32, hi: i32): i32 {
  let count = 0;
  let last = -1;
  for (let p = lo; p < hi; p++) {
    const g = groupOf(itemAt(p));
    if (g != last) count++;
    last = g;
  }
  return count;
}
