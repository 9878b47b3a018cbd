// Finding the bad items of a range whose sound sum q fails ([8]q ≠ O), with the same random
// coefficients throughout (so the sum of a range is the sum of its parts, and one part's sum is
// q minus the other's).
//
// First, a candidate is searched with the cheap coefficient-1 sums (sums.ts): consecutive
// blocks are tested until one fails, then that block is halved, the failing half kept (the
// other half's sum is the block's minus the tested half's), down to one item. A one-item sum is
// exactly that item's verification equation, so the item found is certainly bad. The rest of
// the range is then confirmed with the sound sums: q minus the item's own sound term; if that
// holds, every other item is valid (one bad item, the common case, costs a fraction of the
// all-valid batch: a few hundred point additions plus a few short multiplications when the
// range has few keys). Otherwise (several bad items, or bad items that cancel in the cheap
// sums) the rest is searched soundly: an eighth of the range (a quarter below STRAUS_ITEMS) is
// summed at one end, the remainder inferred, and each failing part searched again; parts of one
// or two items are verified singly. Positions are rotated at random per call, so no position of
// a bad item is systematically costly.
import { geAddCached, geToCached, PT } from "./point";
import { isOk, itemAt, OK } from "./prepare";
import { OUT_OK } from "./regions";
import { cofactorIdentity, single } from "./single";
import { groupsIn, soundSum, STRAUS_ITEMS, unsoundSum } from "./sums";

/** Parts of at most this many items are verified item by item. */
const SINGLE_BELOW: i32 = 2;
/** Two points per level; the search is at most ~46 levels deep for 4,096 items. */
const STACK: usize = memory.data(<i32>PT * 2 * 96, 16);
const CACHED: usize = memory.data(<i32>PT, 16);
const U0: usize = memory.data(<i32>PT, 16);
const U1: usize = memory.data(<i32>PT, 16);
const U2: usize = memory.data(<i32>PT, 16);

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

/**
 * A certainly bad item at positions [lo, hi), found with coefficient-1 sums, or −1 when the
 * cheap sums do not single one out (bad items that cancel).
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
  while (to - from > 1) {
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
  return from;
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
      // Item j is bad; the rest holds if q minus j's own term does.
      const i = itemAt(j);
      soundSum(qa, j, j + 1);
      sub(qb, q, qa);
      store<u8>(OK + <usize>i, 0);
      store<u8>(OUT_OK + <usize>i, 0);
      if (cofactorIdentity(qb)) markValid(lo, hi);
      else settle(lo, hi, qb, depth + 1, false);
      return;
    }
  }
  // Test a part at one end (an eighth of a large range, a quarter of a small one); the rest's
  // sum is q minus the part's.
  const part = max(1, size > STRAUS_ITEMS ? size >> 3 : size >> 2);
  const first = (nextRandom() & 1) == 0;
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
