// Preparation of a call's items, done once and kept in memory for the whole search: items are
// grouped by key; every distinct key and every R is decoded, two per square-root
// exponentiation (the keys first, then the R's, paired in that order, so a single signature
// still decodes A and R together); S < L is checked; k = SHA-512(R‖A‖M) mod L is computed over
// the bytes as given; and, for batches, the products of the random coefficients z_i with k_i
// and S_i are kept exact (they are summed per range, then reduced once). The live items (those
// that can still verify) are listed group by group in ORDER, the order every sum and search
// walks, starting at a random rotation.
import { affineFinish2, geDecode2 } from "./decode";
import { groupItems, groupKey, groupOf, nGroups } from "./group";
import { AFF, geFromAffine, geIsSmallOrder, PT } from "./point";
import { CHUNK, IN_DIGEST, IN_MSG, IN_OFF, IN_PK, IN_PREHASHED, IN_SIG, IN_Z } from "./regions";
import { mulWide, scIsCanonical, scReduce64 } from "./scalar";
import { hashRAM } from "./sha";

/** R of each item, affine. */
const RPT: usize = memory.data(<i32>AFF * CHUNK, 16);
/** A of each group, affine. */
const GPT: usize = memory.data(<i32>AFF * CHUNK, 16);
/** Per group: 1 when its key decoded (and, in strict mode, is not of small order). */
const GOK: usize = memory.data(CHUNK, 16);
/** Per item: 1 while it can verify (S < L, A and R decoded, strict checks passed). */
export const OK: usize = memory.data(CHUNK, 16);
/** k_i = SHA-512(R‖A‖M) mod L (32 bytes, 8 readable bytes of padding after the last). */
export const K: usize = memory.data(32 * CHUNK + 8, 16);
/** z_i zero-extended to 32 bytes (the scalar of R_i in a combined sum). */
export const ZP: usize = memory.data(32 * CHUNK + 8, 16);
/** z_i·k_i and z_i·S_i, exact (48 bytes each). */
export const ZK: usize = memory.data(48 * CHUNK, 16);
export const ZS: usize = memory.data(48 * CHUNK, 16);

/** The live items, group by group; nLive of them. Position p means ORDER[(p + rot) mod nLive]. */
const ORDER: usize = memory.data(4 * CHUNK, 16);
export let nLive: i32 = 0;
let rot: i32 = 0;

// @ts-ignore: decorator
@inline export function rPoint(i: i32): usize {
  return RPT + <usize>i * AFF;
}
// @ts-ignore: decorator
@inline export function gPoint(g: i32): usize {
  return GPT + <usize>g * AFF;
}
// @ts-ignore: decorator
@inline export function aPoint(i: i32): usize {
  return gPoint(groupOf(i));
}
// @ts-ignore: decorator
@inline export function isOk(i: i32): bool {
  return load<u8>(OK + <usize>i) != 0;
}
// @ts-ignore: decorator
@inline export function itemAt(p: i32): i32 {
  let q = p + rot;
  if (q >= nLive) q -= nLive;
  return load<i32>(ORDER + (<usize>q << 2));
}

/** Starts positions at a rotation r ∈ [0, nLive). */
export function setRotation(r: i32): void {
  rot = r;
}

// ---- decoding -------------------------------------------------------------------------------

/** Decoding queue: source encoding and destination point, two entries per exponentiation. */
const DQ_SRC: usize = memory.data(4 * 2 * CHUNK, 16);
const DQ_DST: usize = memory.data(4 * 2 * CHUNK, 16);
const DQ_OK: usize = memory.data(2 * CHUNK, 16);
/** Per item: its R's queue entry, or −1 when S ≥ L (R is then not decoded). */
const RQ: usize = memory.data(4 * CHUNK, 16);
let queued: i32 = 0;

function enqueue(src: usize, dst: usize): i32 {
  const q = queued++;
  store<u32>(DQ_SRC + (<usize>q << 2), <u32>src);
  store<u32>(DQ_DST + (<usize>q << 2), <u32>dst);
  return q;
}

function decodeQueue(strict: bool): void {
  for (let a = 0; a < queued; a += 2) {
    const b = a + 1 < queued ? a + 1 : a;
    const da = <usize>load<u32>(DQ_DST + (<usize>a << 2));
    const db = <usize>load<u32>(DQ_DST + (<usize>b << 2));
    const sa = <usize>load<u32>(DQ_SRC + (<usize>a << 2));
    const sb = <usize>load<u32>(DQ_SRC + (<usize>b << 2));
    const ok = geDecode2(da, sa, db, sb, strict);
    store<u8>(DQ_OK + <usize>a, <u8>(ok & 1));
    if (b != a) store<u8>(DQ_OK + <usize>b, <u8>(ok >> 1));
    affineFinish2(da, db);
  }
}

const CHECK: usize = memory.data(<i32>PT, 16);

function smallOrder(a: usize): bool {
  geFromAffine(CHECK, a);
  return geIsSmallOrder(CHECK);
}

// ---- items ----------------------------------------------------------------------------------

const DIGEST: usize = memory.data(64, 16);
const ZPAD: usize = memory.data(32 + 8, 16);
const GCOUNT: usize = memory.data(4 * CHUNK, 16);

/** k_i for item i into K. */
function hashItem(i: i32): void {
  const pk = IN_PK + <usize>i * 32;
  const sig = IN_SIG + <usize>i * 64;
  let digest = IN_DIGEST + <usize>i * 64;
  if (load<u8>(IN_PREHASHED + <usize>i) == 0) {
    const start = load<u32>(IN_OFF + (<usize>i << 2));
    const end = load<u32>(IN_OFF + (<usize>(i + 1) << 2));
    hashRAM(DIGEST, sig, pk, IN_MSG + start, end - start);
    digest = DIGEST;
  }
  scReduce64(K + <usize>i * 32, digest);
}

/** Lists the live items group by group (a counting sort on the group index). */
function listLive(n: i32): void {
  memory.fill(GCOUNT, 0, <usize>nGroups << 2);
  for (let i = 0; i < n; i++) {
    if (!isOk(i)) continue;
    const c = GCOUNT + (<usize>groupOf(i) << 2);
    store<i32>(c, load<i32>(c) + 1);
  }
  let at = 0;
  for (let g = 0; g < nGroups; g++) {
    const c = GCOUNT + (<usize>g << 2);
    const count = load<i32>(c);
    store<i32>(c, at);
    at += count;
  }
  nLive = at;
  for (let i = 0; i < n; i++) {
    if (!isOk(i)) continue;
    const c = GCOUNT + (<usize>groupOf(i) << 2);
    const slot = load<i32>(c);
    store<i32>(ORDER + (<usize>slot << 2), i);
    store<i32>(c, slot + 1);
  }
  rot = 0;
}

/**
 * Prepares the n items of a call: OK, K, ORDER / nLive, and (for n > 1) the coefficient
 * products. An item that is not OK can never verify.
 */
export function prepareAll(n: i32, strict: bool): void {
  groupItems(n, n > 1 ? load<u64>(IN_Z + 8) : 0);
  queued = 0;
  for (let g = 0; g < nGroups; g++) enqueue(groupKey(g), gPoint(g));
  for (let i = 0; i < n; i++) {
    const sig = IN_SIG + <usize>i * 64;
    store<i32>(RQ + (<usize>i << 2), scIsCanonical(sig + 32) ? enqueue(sig, rPoint(i)) : -1);
  }
  decodeQueue(strict);
  for (let g = 0; g < nGroups; g++) {
    let ok = load<u8>(DQ_OK + <usize>g) != 0;
    if (ok && strict && smallOrder(gPoint(g))) ok = false;
    store<u8>(GOK + <usize>g, ok ? 1 : 0);
  }
  for (let i = 0; i < n; i++) {
    const q = load<i32>(RQ + (<usize>i << 2));
    let ok = q >= 0 && load<u8>(DQ_OK + <usize>q) != 0 && load<u8>(GOK + <usize>groupOf(i)) != 0;
    if (ok && strict && smallOrder(rPoint(i))) ok = false;
    if (ok) hashItem(i);
    store<u8>(OK + <usize>i, ok ? 1 : 0);
  }
  listLive(n);
  if (n == 1) return;
  memory.fill(ZPAD, 0, 40);
  for (let i = 0; i < n; i++) {
    if (!isOk(i)) continue;
    // z_i: 128 random bits, made odd (never zero).
    memory.copy(ZPAD, IN_Z + <usize>i * 16, 16);
    store<u8>(ZPAD, load<u8>(ZPAD) | 1);
    memory.copy(ZP + <usize>i * 32, ZPAD, 32);
    mulWide(ZK + <usize>i * 48, ZPAD, K + <usize>i * 32);
    mulWide(ZS + <usize>i * 48, ZPAD, IN_SIG + <usize>i * 64 + 32);
  }
}
