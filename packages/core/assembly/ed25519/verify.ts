// Ed25519 verification, single and batch, with one rule for both: the cofactored equation
// [8]([S]B − R − [k]A) = O with S < L and k = SHA-512(R‖A‖M) mod L. ZIP-215 decoding by default;
// strict mode also rejects non-canonical encodings and small-order A or R.
//
// A call of n items is prepared once (prepare.ts: grouped by key, decoded, hashed). One live
// item: single verification. Several: the items are combined with random 128-bit coefficients
// z_i (odd, so never zero), every key's terms first combined into one,
//   Q = Σ [z_i]R_i + Σ_keys [Σ z_i·k_i]A − [Σ z_i·S_i]B,  all valid ⟺ [8]Q = O (but w.p. 2^−127),
// and when [8]Q ≠ O the bad items are searched (search.ts). An item's verdict is exactly its
// single verdict: its own term is [z_i] times its equation, and z_i is invertible mod L.
//
// When Q is one Pippenger (many keys), its buckets keep the first half of the positions apart
// at no extra cost in point additions (pippenger.ts), so a failing batch gets that half's sound
// sum Q₁ for one bucket reduction, and the other half's as Q − Q₁: the search starts in the
// failing half (or both) instead of the whole batch.
import { initBaseTables } from "./basetable";
import { initCurve } from "./curve";
import { nGroups } from "./group";
import { dropPartOne, partOneSum } from "./pippenger";
import { geAddCached, geToCached, PT } from "./point";
import { itemAt, nLive, prepareAll, setRotation } from "./prepare";
import { IN_Z, OUT_OK } from "./regions";
import { markValid, nextRandom, seedRandom, settle } from "./search";
import { cofactorIdentity, single } from "./single";
import { resetSums, soundSumSplit } from "./sums";

const QALL: usize = memory.data(<i32>PT, 16);
const Q1: usize = memory.data(<i32>PT, 16);
const Q2: usize = memory.data(<i32>PT, 16);
const CACHED: usize = memory.data(<i32>PT, 16);

/** Testing hook: false sums Q without keeping a half apart (the search then starts whole). */
let splitting: bool = true;
export function setSplitting(on: bool): void {
  splitting = on;
}

/** Testing hook: false starts positions at item order (no random rotation), so tests can aim. */
let rotating: bool = true;
export function setRotating(on: bool): void {
  rotating = on;
}

/** The range [lo, hi) has sound sum q: valid items if [8]q = O, else searched. */
function settleRange(lo: i32, hi: i32, q: usize): void {
  if (lo >= hi) return;
  if (cofactorIdentity(q)) markValid(lo, hi);
  else settle(lo, hi, q, 0, true);
}

/**
 * Verifies n items (keys in IN_PK, signatures in IN_SIG, messages in IN_MSG by IN_OFF or
 * digests in IN_DIGEST, random coefficients in IN_Z); writes 1 (valid) or 0 per item to OUT_OK.
 */
export function verifyItems(n: i32, strict: bool): void {
  initCurve();
  initBaseTables();
  memory.fill(OUT_OK, 0, <usize>n);
  prepareAll(n, strict);
  if (nLive === 0) return;
  if (nLive === 1) {
    const i = itemAt(0);
    store<u8>(OUT_OK + <usize>i, single(i) ? 1 : 0);
    return;
  }
  seedRandom(load<u64>(IN_Z));
  const r = <i32>(nextRandom() % <u32>nLive);
  setRotation(rotating ? r : 0);
  resetSums(nGroups);
  const mid = splitting ? nLive >> 1 : nLive;
  const split = soundSumSplit(QALL, 0, mid, nLive);
  if (cofactorIdentity(QALL)) {
    dropPartOne();
    markValid(0, nLive);
  } else if (split && partOneSum(Q1)) {
    // Q₂ = Q − Q₁.
    geToCached(CACHED, Q1);
    geAddCached(Q2, QALL, CACHED, 1);
    settleRange(0, mid, Q1);
    settleRange(mid, nLive, Q2);
  } else settle(0, nLive, QALL, 0, true);
}
