// Finding the bad items of a range whose sound sum q fails ([8]q ≠ O), with the same random
// coefficients throughout (so the sum of a range is the sum of its parts, and one part's sum is
// q minus the other's).
//
// First, a candidate is searched with the cheap sums of sums.ts: consecutive blocks are tested
// with coefficient 1 until one fails (sum U); that block is halved, the failing half kept (the
// other half's sum is the block's minus the tested half's), down to at most WEIGHTED items;
// there, the weighted sum U' = Σ v_p·D_p (v_p = 1, 2, …) pins the item: with one bad item j,
// [8]U' = [v_j][8]U, and v_j is found by trying v = 1, 2, … (a small discrete log).
// The candidate's own sound term E_j = [z_j]D_j then decides: if [8]E_j = O it was valid and the
// guess wrong (bad items that cancel in the cheap sums): the sound search below takes over.
// Otherwise it is certainly bad, and the rest of the range holds if q − E_j does: one bad item,
// the common case, costs a fraction of the all-valid batch (a few hundred point additions plus
// a few short multiplications when the range has few keys). When the rest fails too (several
// bad items), it is searched soundly: an eighth of the range (a quarter below STRAUS_ITEMS) is
// summed at one end, the remainder inferred, and each failing part searched again; parts of one
// or two items are verified singly. Positions are rotated at random per call, so no position of
// a bad item is systematically costly.
import { FE, feIsZero, feMul2, feSub } from "./field";
import { geAddCached, geDouble, geToCached, PT } from "./point";
import { isOk, itemAt, OK } from "./prepare";
import { OUT_OK } from "./regions";
import { cofactorIdentity, single } from "./single";
import { groupsIn, STRAUS_ITEMS, soundSum, unsoundSum, weightedSum } from "./sums";

/** Parts of at most this many items are verified item by item. */
const SINGLE_BELOW: i32 = 2;
/** Two points per level; the search is at most ~46 levels deep for 4,096 items. */
const STACK: usize = memory.data(<i32>PT * 2 * 96, 16);
const CACHED: usize = memory.data(<i32>PT, 16);
const U0: usize = memory.data(<i32>PT, 16);
const U1: usize = memory.data(<i32>PT, 16);
const U2: usize = memory.data(<i32>PT, 16);
const V8: usize = memory.data(<i32>PT, 16);
const W8: usize = memory.data(<i32>PT, 16);
const VC: usize = memory.data(<i32>PT, 16);
const X8: usize = memory.data(<i32>PT, 16);
const CMP: usize = memory.data(<i32>FE * 4, 16);
/** Ranges of at most this many items are resolved by one weighted sum instead of halving. */
const WEIGHTED: i32 = 64;

/** Testing hook: false skips the candidate search (only the sound search runs). */
let candidates: bool = true;
export function setCandidates(on: bool): void {
  candidates = on;
}

/** xorshift64, seeded per call from the random coefficients (only steers the search order). */
let rng: u64 = 1;
export function seedRandom(seed: u64): void {
  rng = seed | 1;
}
export function nextRandom(): u32 {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return <u32>(rng >> 32);
}

/** r = a − b (extended points). */
function sub(r: usize, a: usize, b: usize): void {
  geToCached(CACHED, b);
  geAddCached(r, a, CACHED, 1);
}

/** Every item at positions [lo, hi) gets its preparation verdict (valid unless not OK). */
export function markValid(lo: i32, hi: i32): void {
  for (let p = lo; p < hi; p++) {
    const i = itemAt(p);
    store<u8>(OUT_OK + <usize>i, load<u8>(OK + <usize>i));
  }
}

/** r = [8]p, with T (for additions). */
function times8(r: usize, p: usize): void {
  geDouble(r, p);
  geDouble(r, r);
  geDouble(r, r);
}

/** p = q as projective points: X_p·Z_q = X_q·Z_p and Y_p·Z_q = Y_q·Z_p. */
function sameProjective(p: usize, q: usize): bool {
  const a = CMP,
    b = CMP + FE,
    c = CMP + 2 * FE,
    d = CMP + 3 * FE;
  feMul2(a, p, q + 2 * FE, b, q, p + 2 * FE);
  feMul2(c, p + FE, q + 2 * FE, d, q + FE, p + 2 * FE);
  feSub(a, a, b);
  feSub(c, c, d);
  return feIsZero(a) && feIsZero(c);
}

/** The v ∈ [1, t] with [8]w = [v][8]u, or 0 when there is none. */
function smallLog(u: usize, w: usize, t: i32): i32 {
  times8(V8, u);
  times8(W8, w);
  geToCached(VC, V8);
  memory.copy(X8, V8, PT);
  for (let v = 1; v <= t; v++) {
    if (sameProjective(X8, W8)) return v;
    geAddCached(X8, X8, VC, 0);
  }
  return 0;
}

/**
 * A candidate bad item at positions [lo, hi), found with the cheap sums, or −1 when they do not
 * single one out (bad items that cancel). The caller checks the candidate soundly.
 */
function candidate(lo: i32, hi: i32): i32 {
  const size = hi - lo;
  // With few keys a cheap sum costs about one addition per item plus a short multiplication
  // per key: halve the range. With many keys each item costs a multiplication (c ≈ 50 point
  // operations) and each sum a doubling chain (F ≈ 330): blocks of t items cost about
  // c·(size/2 + 1.5·t) + F·(size/(2·t) + log t), least near t = √(2·size).
  const block = groupsIn(lo, hi) * 8 <= size ? (size + 1) >> 1 : max(8, <i32>Math.sqrt(<f64>(2 * size)));
  let u = U0;
  let a = U1;
  let b = U2;
  let from = lo;
  let to = lo;
  let found = false;
  while (to < hi) {
    from = to;
    to = min(hi, from + block);
    unsoundSum(u, from, to);
    if (!cofactorIdentity(u)) {
      found = true;
      break;
    }
  }
  if (!found) return -1;
  while (to - from > WEIGHTED) {
    const mid = from + ((to - from) >> 1);
    unsoundSum(a, from, mid);
    if (!cofactorIdentity(a)) {
      to = mid;
    } else {
      sub(b, u, a);
      if (cofactorIdentity(b)) return -1;
      from = mid;
      const t = a;
      a = u;
      u = b;
      b = t;
      continue;
    }
    const t = u;
    u = a;
    a = t;
  }
  if (to - from === 1) return from;
  weightedSum(a, from, to);
  const v = smallLog(u, a, to - from);
  return v === 0 ? -1 : from + v - 1;
}

/** The range [lo, hi) has sound sum q with [8]q ≠ O: set the verdicts of its items. */
export function settle(lo: i32, hi: i32, q: usize, depth: i32, cheap: bool): void {
  const size = hi - lo;
  if (size <= SINGLE_BELOW) {
    for (let p = lo; p < hi; p++) {
      const i = itemAt(p);
      store<u8>(OUT_OK + <usize>i, isOk(i) && single(i) ? 1 : 0);
    }
    return;
  }
  const qa = STACK + <usize>(2 * depth) * PT;
  const qb = qa + PT;
  if (cheap && candidates) {
    const j = candidate(lo, hi);
    if (j >= 0) {
      soundSum(qa, j, j + 1);
      if (!cofactorIdentity(qa)) {
        // Item j is bad; the rest holds if q minus j's own term does.
        const i = itemAt(j);
        sub(qb, q, qa);
        store<u8>(OK + <usize>i, 0);
        store<u8>(OUT_OK + <usize>i, 0);
        if (cofactorIdentity(qb)) markValid(lo, hi);
        else settle(lo, hi, qb, depth + 1, false);
        return;
      }
    }
  }
  // Test a part at one end (an eighth of a large range, a quarter of a small one); the rest's
  // sum is q minus the part's.
  const part = max(1, size > STRAUS_ITEMS ? size >> 3 : size >> 2);
  const first = (nextRandom() & 1) === 0;
  const plo = first ? lo : hi - part;
  const phi = first ? lo + part : hi;
  soundSum(qa, plo, phi);
  sub(qb, q, qa);
  const rlo = first ? phi : lo;
  const rhi = first ? hi : plo;
  if (cofactorIdentity(qa)) markValid(plo, phi);
  else settle(plo, phi, qa, depth + 1, false);
  if (cofactorIdentity(qb)) markValid(rlo, rhi);
  else settle(rlo, rhi, qb, depth + 1, false);
}
