// Ed25519 verification, single and batch, with one rule for both: the cofactored equation
// [8]([S]B − [k]A − R) = O with S < L and k = SHA-512(R‖A‖M) mod L. ZIP-215 decoding by default;
// strict mode also rejects non-canonical encodings and small-order A or R. A batch combines the
// items with random 128-bit coefficients z_i (from JS) and, when the combined check fails,
// bisects with the same coefficients down to single checks, so the verdicts always equal
// single verification.
import { compress512 } from "../hash/rounds.generated";
import { FE } from "./field";
import { msm, MSM_P, MSM_S, SC } from "./msm";
import {
  BASE,
  geCopy,
  geDecode,
  geDouble,
  geIsIdentity,
  geIsSmallOrder,
  geNeg,
  initConstants,
  PT,
} from "./point";
import { scAdd, scIsCanonical, scMul, scNeg, scReduce64 } from "./scalar";

/** Items per call. */
export const CHUNK: i32 = 2048;
/** Message bytes per call. */
export const MSG_CAP: u32 = 4 << 20;

export const IN_PK: usize = memory.data(32 * CHUNK + 8, 16);
export const IN_SIG: usize = memory.data(64 * CHUNK + 8, 16);
export const IN_OFF: usize = memory.data(4 * (CHUNK + 1), 16);
export const IN_MSG: usize = memory.data(<i32>MSG_CAP + 8, 16);
export const IN_Z: usize = memory.data(16 * CHUNK, 16);
export const OUT_OK: usize = memory.data(CHUNK, 16);

const ITEM_R: usize = memory.data(<i32>PT * CHUNK, 16);
const ITEM_A: usize = memory.data(<i32>PT * CHUNK, 16);
const ITEM_K: usize = memory.data(40 * CHUNK, 16);
const ITEM_ZK: usize = memory.data(40 * CHUNK, 16);
const ITEM_ZS: usize = memory.data(40 * CHUNK, 16);
const ITEM_OK: usize = memory.data(CHUNK, 16);

// ---- k = SHA-512(R ‖ A ‖ M) mod L ---------------------------------------------------------------

const IV: usize = memory.data<u64>([
  0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
  0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
]);
const HS: usize = memory.data(64, 16);
const BLOCK: usize = memory.data(256, 16);
const DIGEST: usize = memory.data(64, 16);

function hashRAM(k: usize, r: usize, a: usize, m: usize, mlen: u32): void {
  memory.copy(HS, IV, 64);
  // The first block is R ‖ A ‖ the first 64 bytes of M (or all of it).
  memory.copy(BLOCK, r, 32);
  memory.copy(BLOCK + 32, a, 32);
  const total: u64 = <u64>mlen + 64;
  let rest = mlen;
  let src = m;
  let have: u32 = 64;
  const first = min<u32>(64, rest);
  memory.copy(BLOCK + 64, src, first);
  have += first;
  src += first;
  rest -= first;
  if (have == 128) {
    compress512(HS, BLOCK);
    have = 0;
    while (rest >= 128) {
      compress512(HS, src);
      src += 128;
      rest -= 128;
    }
    memory.copy(BLOCK, src, rest);
    have = rest;
  }
  // Pad: 0x80, zeros, 128-bit big-endian bit length.
  store<u8>(BLOCK + have, 0x80);
  const blocks: u32 = have + 17 <= 128 ? 1 : 2;
  memory.fill(BLOCK + have + 1, 0, (blocks << 7) - have - 17);
  store<u64>(BLOCK + (blocks << 7) - 16, bswap<u64>(total >>> 61));
  store<u64>(BLOCK + (blocks << 7) - 8, bswap<u64>(total << 3));
  compress512(HS, BLOCK);
  if (blocks == 2) compress512(HS, BLOCK + 128);
  for (let i: usize = 0; i < 8; i++) store<u64>(DIGEST + (i << 3), bswap<u64>(load<u64>(HS + (i << 3))));
  scReduce64(k, DIGEST);
}

// ---- per-item preparation ----------------------------------------------------------------------

/** Decodes and hashes item i; returns false when it can never verify. */
function prepare(i: i32, strict: bool): bool {
  const pk = IN_PK + <usize>i * 32;
  const sig = IN_SIG + <usize>i * 64;
  const r = ITEM_R + <usize>i * PT;
  const a = ITEM_A + <usize>i * PT;
  if (!scIsCanonical(sig + 32)) return false;
  if (!geDecode(a, pk, strict)) return false;
  if (!geDecode(r, sig, strict)) return false;
  if (strict && (geIsSmallOrder(a) || geIsSmallOrder(r))) return false;
  const start = load<u32>(IN_OFF + (<usize>i << 2));
  const end = load<u32>(IN_OFF + (<usize>(i + 1) << 2));
  const k = ITEM_K + <usize>i * 40;
  hashRAM(k, sig, pk, IN_MSG + start, end - start);
  return true;
}

// ---- checks ------------------------------------------------------------------------------------

const ACC: usize = memory.data(PT, 16);
const SUM: usize = memory.data(40, 16);

/** [8]·ACC is the identity. */
function cofactoredIdentity(): bool {
  geDouble(ACC, ACC);
  geDouble(ACC, ACC);
  geDouble(ACC, ACC);
  return geIsIdentity(ACC);
}

/** Single check of prepared item i: [8]([S]B + [k](−A) + (−R)) = O. */
function single(i: i32): bool {
  geCopy(MSM_P, BASE);
  memory.fill(MSM_S, 0, SC * 3);
  memory.copy(MSM_S, IN_SIG + <usize>i * 64 + 32, 32);
  geNeg(MSM_P + PT, ITEM_A + <usize>i * PT);
  memory.copy(MSM_S + SC, ITEM_K + <usize>i * 40, 32);
  geNeg(MSM_P + 2 * PT, ITEM_R + <usize>i * PT);
  store<u8>(MSM_S + 2 * SC, 1);
  msm(ACC, 3);
  return cofactoredIdentity();
}

/** Combined check of the prepared items in [lo, hi) that passed preparation. */
function combined(lo: i32, hi: i32): bool {
  let n = 1;
  memory.fill(SUM, 0, 40);
  for (let i = lo; i < hi; i++) {
    if (load<u8>(ITEM_OK + <usize>i) == 0) continue;
    const zs = ITEM_ZS + <usize>i * 40;
    scAdd(SUM, SUM, zs);
    // R_i with coefficient z_i, A_i with z_i·k_i.
    geCopy(MSM_P + <usize>n * PT, ITEM_R + <usize>i * PT);
    memory.fill(MSM_S + <usize>n * SC, 0, SC);
    memory.copy(MSM_S + <usize>n * SC, IN_Z + <usize>i * 16, 16);
    n++;
    geCopy(MSM_P + <usize>n * PT, ITEM_A + <usize>i * PT);
    memory.fill(MSM_S + <usize>n * SC, 0, SC);
    memory.copy(MSM_S + <usize>n * SC, ITEM_ZK + <usize>i * 40, 32);
    n++;
  }
  if (n == 1) return true;
  // B with −Σ z_i·S_i.
  geCopy(MSM_P, BASE);
  memory.fill(MSM_S, 0, SC);
  scNeg(MSM_S, SUM);
  msm(ACC, n);
  return cofactoredIdentity();
}

/** Items below this size are checked one by one when a combined check fails. */
const SINGLE_BELOW: i32 = 4;

function settle(lo: i32, hi: i32, knownBad: bool): void {
  let live = 0;
  for (let i = lo; i < hi; i++) live += load<u8>(ITEM_OK + <usize>i);
  if (live == 0) return;
  if (hi - lo < SINGLE_BELOW || live == 1) {
    for (let i = lo; i < hi; i++) {
      if (load<u8>(ITEM_OK + <usize>i) != 0) store<u8>(OUT_OK + <usize>i, single(i) ? 1 : 0);
    }
    return;
  }
  if (!knownBad && combined(lo, hi)) {
    for (let i = lo; i < hi; i++) store<u8>(OUT_OK + <usize>i, load<u8>(ITEM_OK + <usize>i));
    return;
  }
  // The range holds at least one bad item: if the left half checks out, the right half is bad.
  const mid = lo + ((hi - lo) >> 1);
  let leftLive = 0;
  for (let i = lo; i < mid; i++) leftLive += load<u8>(ITEM_OK + <usize>i);
  if (leftLive > 0 && combined(lo, mid)) {
    for (let i = lo; i < mid; i++) store<u8>(OUT_OK + <usize>i, load<u8>(ITEM_OK + <usize>i));
    settle(mid, hi, true);
  } else {
    if (leftLive > 0) settle(lo, mid, true);
    settle(mid, hi, false);
  }
}

/**
 * Verifies n items (keys in IN_PK, signatures in IN_SIG, messages in IN_MSG by IN_OFF, random
 * coefficients in IN_Z); writes 1 (valid) or 0 per item into OUT_OK.
 */
export function verifyItems(n: i32, strict: bool): void {
  initConstants();
  memory.fill(OUT_OK, 0, <usize>n);
  for (let i = 0; i < n; i++) {
    const ok = prepare(i, strict);
    store<u8>(ITEM_OK + <usize>i, ok ? 1 : 0);
    if (!ok) continue;
    if (n > 1) {
      const zk = ITEM_ZK + <usize>i * 40;
      const zs = ITEM_ZS + <usize>i * 40;
      memory.fill(zk - 0, 0, 40);
      // z as a 32-byte scalar (16 random bytes, zero-extended) is in the scratch below.
      memory.fill(ZPAD, 0, 40);
      memory.copy(ZPAD, IN_Z + <usize>i * 16, 16);
      scMul(zk, ZPAD, ITEM_K + <usize>i * 40);
      scMul(zs, ZPAD, IN_SIG + <usize>i * 64 + 32);
    }
  }
  if (n == 1) {
    if (load<u8>(ITEM_OK) != 0) store<u8>(OUT_OK, single(0) ? 1 : 0);
    return;
  }
  settle(0, n, false);
}

const ZPAD: usize = memory.data(40, 16);

export { FE };
