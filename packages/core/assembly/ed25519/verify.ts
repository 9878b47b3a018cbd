// Ed25519 verification, single and batch, with one rule for both: the cofactored equation
// [8]([S]B − R − [k]A) = O with S < L and k = SHA-512(R‖A‖M) mod L. ZIP-215 decoding by default;
// strict mode also rejects non-canonical encodings and small-order A or R.
//
// A chunk of n items is prepared once (S < L, both points decoded together, k hashed), and the
// decoded points and scalars stay in memory. One item: Straus on the lattice-halved scalars.
// Several: the items are combined with random 128-bit coefficients z_i (odd, so never zero):
//   Q = [−Σ z_i·S_i]B + Σ [z_i]R_i + Σ [z_i·k_i]A_i,  all valid ⟺ [8]Q = O (but with prob. 2^−127).
// When [8]Q ≠ O for a range, the sum of a part of it is computed with the same coefficients,
// the rest's is Q minus it, and each failing part is searched again; parts of one or two items
// are verified singly (see settle). A prepared item's verdict is therefore exactly its single
// verdict (an item's own combined check is [8][z_i](its equation), and z_i is invertible).
import { initBaseTables } from "./basetable";
import { initCurve } from "./curve";
import { affineFinish2, geDecode2 } from "./decode";
import { latticeReduce, LAT_A, LAT_B, latANeg } from "./lattice";
import { pippenger } from "./pippenger";
import {
  AFF,
  geAddCached,
  geDoubleNoT,
  geFromAffine,
  geIsIdentity,
  geIsSmallOrder,
  geToCached,
  PT,
} from "./point";
import { addWide, mulWide, scIsCanonical, scMul, scNeg, scReduce64 } from "./scalar";
import { hashRAM } from "./sha";
import { strausAddBase, strausAddPoint, strausReset, strausRun } from "./straus";

/** Items per call. */
export const CHUNK: i32 = 4096;
/** Message bytes per call (larger messages are hashed by streaming, see index.ts). */
export const MSG_CAP: u32 = 1 << 20;

export const IN_PK: usize = memory.data(32 * CHUNK + 8, 16);
export const IN_SIG: usize = memory.data(64 * CHUNK + 8, 16);
export const IN_OFF: usize = memory.data(4 * (CHUNK + 1), 16);
export const IN_MSG: usize = memory.data(<i32>MSG_CAP + 8, 16);
export const IN_Z: usize = memory.data(16 * CHUNK, 16);
/** Per item: 1 when SHA-512(R‖A‖M) was computed ahead (streaming) into IN_DIGEST. */
export const IN_PREHASHED: usize = memory.data(CHUNK, 16);
export const IN_DIGEST: usize = memory.data(64 * CHUNK, 16);
export const OUT_OK: usize = memory.data(CHUNK, 16);

/** Decoded points: R_i at 2i, A_i at 2i + 1 (affine). */
const PTS: usize = memory.data(<i32>AFF * 2 * CHUNK, 16);
/** Combined scalars: z_i at 2i (zero-extended), z_i·k_i mod L at 2i + 1; 8 bytes of padding. */
const SCAL: usize = memory.data(32 * 2 * CHUNK + 8, 16);
/** z_i·S_i, exact (48 bytes each): range sums are reduced once. */
const ZS: usize = memory.data(48 * CHUNK, 16);
const K: usize = memory.data(32 * CHUNK, 16);
const OK: usize = memory.data(CHUNK, 16);
const DIGEST: usize = memory.data(64, 16);
const ZPAD: usize = memory.data(32, 16);
const SUM: usize = memory.data(32, 16);
const WIDE: usize = memory.data(64, 16);
const SP: usize = memory.data(32, 16);
const ONE: usize = memory.data<u8>([1, 0, 0, 0, 0, 0, 0, 0]);

// @ts-ignore: decorator
@inline function ptR(i: i32): usize {
  return PTS + <usize>(2 * i) * AFF;
}
// @ts-ignore: decorator
@inline function ptA(i: i32): usize {
  return PTS + <usize>(2 * i + 1) * AFF;
}

// ---- preparation ----------------------------------------------------------------------------

const CHECK: usize = memory.data(<i32>PT, 16);

/** Decodes and hashes item i; false when it can never verify. */
function prepare(i: i32, strict: bool): bool {
  const pk = IN_PK + <usize>i * 32;
  const sig = IN_SIG + <usize>i * 64;
  if (!scIsCanonical(sig + 32)) return false;
  if (geDecode2(ptA(i), pk, ptR(i), sig, strict) != 3) return false;
  affineFinish2(ptA(i), ptR(i));
  if (strict) {
    geFromAffine(CHECK, ptA(i));
    if (geIsSmallOrder(CHECK)) return false;
    geFromAffine(CHECK, ptR(i));
    if (geIsSmallOrder(CHECK)) return false;
  }
  let digest = IN_DIGEST + <usize>i * 64;
  if (load<u8>(IN_PREHASHED + <usize>i) == 0) {
    const start = load<u32>(IN_OFF + (<usize>i << 2));
    const end = load<u32>(IN_OFF + (<usize>(i + 1) << 2));
    hashRAM(DIGEST, sig, pk, IN_MSG + start, end - start);
    digest = DIGEST;
  }
  scReduce64(K + <usize>i * 32, digest);
  return true;
}

// ---- checks ---------------------------------------------------------------------------------

const M8: usize = memory.data(<i32>PT, 16);

/** [8]q is the identity. */
function cofactorIdentity(q: usize): bool {
  geDoubleNoT(M8, q);
  geDoubleNoT(M8, M8);
  geDoubleNoT(M8, M8);
  return geIsIdentity(M8);
}

const Q1: usize = memory.data(<i32>PT, 16);

/** Testing hook: 0 turns the lattice shortcut off, so tests can compare both single paths. */
let useLattice: bool = true;
export function setLattice(on: i32): void {
  useLattice = on != 0;
}

/** Single verification of prepared item i: [8]([S]B − R − [k]A) = O. */
function single(i: i32): bool {
  const s = IN_SIG + <usize>i * 64 + 32;
  strausReset();
  if (useLattice && latticeReduce(K + <usize>i * 32)) {
    // [b·S]B − [b]R − [a]A with a ≡ b·k (mod L), |a|, b < 2^127.
    scMul(SP, LAT_B, 16, s);
    strausAddBase(SP, 16, false, false);
    strausAddBase(SP + 16, 16, true, false);
    strausAddPoint(ptA(i), LAT_A, 16, 5, latANeg == 0);
    strausAddPoint(ptR(i), LAT_B, 16, 5, true);
  } else {
    strausAddBase(s, 32, false, false);
    strausAddPoint(ptA(i), K + <usize>i * 32, 32, 5, true);
    strausAddPoint(ptR(i), ONE, 1, 2, true);
  }
  strausRun(Q1);
  return cofactorIdentity(Q1);
}

/** Combined sums of at most this many items use Straus; larger ones Pippenger. */
const STRAUS_ITEMS: i32 = 80;

// The search works on a rotated order of the items (position p is item (p + rot) mod n), drawn
// at random per call, so that no position of a bad item is systematically costly to find. A
// range of positions is then at most two ranges of items.
let rot: i32 = 0;
let nItems: i32 = 0;

// @ts-ignore: decorator
@inline function itemAt(p: i32): i32 {
  const i = p + rot;
  return i >= nItems ? i - nItems : i;
}

/** out = [−Σ z_i·S_i]B + Σ [z_i]R_i + Σ [z_i·k_i]A_i over the prepared items at positions [lo, hi). */
function combined(out: usize, lo: i32, hi: i32): void {
  // Items [a1, b1) then [a2, b2).
  const a1 = itemAt(lo);
  const b1 = min(a1 + (hi - lo), nItems);
  const a2 = 0;
  const b2 = hi - lo - (b1 - a1);
  memory.fill(WIDE, 0, 64);
  for (let i = a1; i < b1; i++) if (load<u8>(OK + <usize>i)) addWide(WIDE, ZS + <usize>i * 48);
  for (let i = a2; i < b2; i++) if (load<u8>(OK + <usize>i)) addWide(WIDE, ZS + <usize>i * 48);
  scReduce64(SUM, WIDE);
  scNeg(SUM, SUM);
  if (hi - lo <= STRAUS_ITEMS) {
    strausReset();
    strausAddBase(SUM, 32, false, false);
    for (let p = lo; p < hi; p++) {
      const i = itemAt(p);
      if (!load<u8>(OK + <usize>i)) continue;
      strausAddPoint(ptR(i), SCAL + <usize>(2 * i) * 32, 16, 4, false);
      strausAddPoint(ptA(i), SCAL + <usize>(2 * i + 1) * 32, 32, 5, false);
    }
    strausRun(out);
  } else {
    const scal = (i: i32): usize => SCAL + <usize>(2 * i) * 32;
    pippenger(out, ptR(a1), scal(a1), 2 * (b1 - a1), ptR(a2), scal(a2), 2 * (b2 - a2), SUM);
  }
}

// ---- bisection ------------------------------------------------------------------------------

/** Two sums per recursion level; the search is at most 45 levels deep for 4,096 items. */
const STACK: usize = memory.data(<i32>PT * 2 * 64, 16);
const CACHED: usize = memory.data(<i32>PT, 16);
/** Parts of at most this many items are verified item by item. */
const SINGLE_BELOW: i32 = 2;

function markValid(lo: i32, hi: i32): void {
  for (let p = lo; p < hi; p++) {
    const i = itemAt(p);
    store<u8>(OUT_OK + <usize>i, load<u8>(OK + <usize>i));
  }
}

/** The range [lo, hi) has combined sum q with [8]q ≠ O: find its bad items. */
function settle(lo: i32, hi: i32, q: usize, depth: i32): void {
  const size = hi - lo;
  if (size <= SINGLE_BELOW) {
    for (let p = lo; p < hi; p++) {
      const i = itemAt(p);
      store<u8>(OUT_OK + <usize>i, load<u8>(OK + <usize>i) && single(i) ? 1 : 0);
    }
    return;
  }
  // Test a part at one end (an eighth of a large range, a quarter of a small one); the rest's
  // sum is q minus the part's. With one bad item, uniformly placed thanks to the rotation, this
  // tests about 0.6 n items in expectation, against n for halving.
  const part = max(1, size > STRAUS_ITEMS ? size >> 3 : size >> 2);
  const first = (nextRandom() & 1) == 0;
  const plo = first ? lo : hi - part;
  const phi = first ? lo + part : hi;
  const qa = STACK + <usize>(2 * depth) * PT;
  const qb = qa + PT;
  combined(qa, plo, phi);
  geToCached(CACHED, qa);
  geAddCached(qb, q, CACHED, 1);
  const rlo = first ? phi : lo;
  const rhi = first ? hi : plo;
  if (cofactorIdentity(qa)) markValid(plo, phi);
  else settle(plo, phi, qa, depth + 1);
  if (cofactorIdentity(qb)) markValid(rlo, rhi);
  else settle(rlo, rhi, qb, depth + 1);
}

/** xorshift64, seeded per call from the random coefficients (only steers the search order). */
let rng: u64 = 1;
function nextRandom(): u32 {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return <u32>(rng >> 32);
}

// ---- entry ----------------------------------------------------------------------------------

const QALL: usize = memory.data(<i32>PT, 16);

/**
 * Verifies n items (keys in IN_PK, signatures in IN_SIG, messages in IN_MSG by IN_OFF or
 * digests in IN_DIGEST, random coefficients in IN_Z); writes 1 (valid) or 0 per item to OUT_OK.
 */
export function verifyItems(n: i32, strict: bool): void {
  initCurve();
  initBaseTables();
  memory.fill(OUT_OK, 0, <usize>n);
  rng = load<u64>(IN_Z) | 1;
  let live = 0;
  for (let i = 0; i < n; i++) {
    const ok = prepare(i, strict);
    store<u8>(OK + <usize>i, ok ? 1 : 0);
    if (!ok) {
      memory.fill(SCAL + <usize>(2 * i) * 32, 0, 64);
      memory.fill(ZS + <usize>i * 48, 0, 48);
      continue;
    }
    live++;
    if (n == 1) break;
    memory.fill(ZPAD, 0, 32);
    memory.copy(ZPAD, IN_Z + <usize>i * 16, 16);
    store<u8>(ZPAD, load<u8>(ZPAD) | 1);
    memory.copy(SCAL + <usize>(2 * i) * 32, ZPAD, 32);
    scMul(SCAL + <usize>(2 * i + 1) * 32, ZPAD, 16, K + <usize>i * 32);
    mulWide(ZS + <usize>i * 48, ZPAD, IN_SIG + <usize>i * 64 + 32);
  }
  if (live == 0) return;
  if (live == 1) {
    for (let i = 0; i < n; i++) if (load<u8>(OK + <usize>i)) store<u8>(OUT_OK + <usize>i, single(i) ? 1 : 0);
    return;
  }
  nItems = n;
  rot = <i32>(nextRandom() % <u32>n);
  if (n < SPLIT_FROM) {
    combined(QALL, 0, n);
    if (cofactorIdentity(QALL)) markValid(0, n);
    else settle(0, n, QALL, 0);
    return;
  }
  // Large batches: the sum is computed in two parts, a quarter and the rest (a few percent more
  // work when all is valid), so a failing batch already knows which part to search: one bad
  // item then costs about 1.3× an all-valid batch instead of 1.5×.
  const cut = n >> 2;
  const qa = STACK, qb = STACK + PT;
  combined(qa, 0, cut);
  combined(qb, cut, n);
  if (cofactorIdentity(qa)) markValid(0, cut);
  else settle(0, cut, qa, 1);
  if (cofactorIdentity(qb)) markValid(cut, n);
  else settle(cut, n, qb, 1);
}

/** Batches of at least this many items compute their combined sum in two parts. */
const SPLIT_FROM: i32 = 256;
