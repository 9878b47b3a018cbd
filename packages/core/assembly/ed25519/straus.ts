// Straus (interleaved window) multi-scalar multiplication for a few points: one shared chain of
// doublings; each term contributes its width-w NAF digits from a table of odd multiples. Terms
// are either runtime points (a cached table built here from an affine point) or the fixed base
// point tables (niels form). Used for single verification and for small batches.
import { BASE_W, TABLE_B, TABLE_B128 } from "./basetable";
import {
  geAddCached,
  geAddNiels,
  geDouble,
  geDoubleNoT,
  geFromAffine,
  geIdentity,
  geToCached,
  NIELS,
  PT,
} from "./point";
import { wnaf } from "./recode";

const STRAUS_MAX_TERMS: i32 = 2 * 80 + 16;
const MAX_RUNTIME_ENTRIES: i32 = STRAUS_MAX_TERMS * 8;

/** 257 i16 NAF digits per term. */
const DSTRIDE: usize = 2 * 257;
const DIGITS: usize = memory.data(<i32>DSTRIDE * STRAUS_MAX_TERMS, 16);
const TABLE: usize = memory.data(4 * STRAUS_MAX_TERMS, 16);
const KIND: usize = memory.data(STRAUS_MAX_TERMS, 16); //  0 cached, 1 niels
const NEG: usize = memory.data(STRAUS_MAX_TERMS, 16);
const TOP: usize = memory.data(4 * STRAUS_MAX_TERMS, 16);
const RUNTIME: usize = memory.data(<i32>PT * MAX_RUNTIME_ENTRIES, 16);
const EXT: usize = memory.data(<i32>PT, 16);
const DBL: usize = memory.data(<i32>PT, 16);
const DBLC: usize = memory.data(<i32>PT, 16);

let nTerms: i32 = 0;
let nRuntime: i32 = 0;

export function strausReset(): void {
  nTerms = 0;
  nRuntime = 0;
}

/**
 * Adds the term [±s]P for the affine point at a (s: `nbytes` little-endian bytes), with a
 * runtime table of 2^(w−2) odd multiples. Zero scalars add nothing.
 */
export function strausAddPoint(a: usize, s: usize, nbytes: i32, w: i32, neg: bool): void {
  const t = nTerms;
  const top = wnaf(DIGITS + <usize>t * DSTRIDE, s, nbytes, w);
  if (top < 0) return;
  const entries = 1 << (w - 2);
  const table = RUNTIME + <usize>nRuntime * PT;
  nRuntime += entries;
  geFromAffine(EXT, a);
  geToCached(table, EXT);
  if (entries > 1) {
    geDouble(DBL, EXT);
    geToCached(DBLC, DBL);
    for (let i = 1; i < entries; i++) {
      geAddCached(EXT, EXT, DBLC, 0);
      geToCached(table + <usize>i * PT, EXT);
    }
  }
  store<u32>(TABLE + ((<usize>t) << 2), <u32>table);
  store<u8>(KIND + <usize>t, 0);
  store<u8>(NEG + <usize>t, neg ? 1 : 0);
  store<i32>(TOP + ((<usize>t) << 2), top);
  nTerms = t + 1;
}

/** Adds [±s]B (high = false) or [±s][2^128]B (high = true) using the fixed tables. */
export function strausAddBase(s: usize, nbytes: i32, high: bool, neg: bool): void {
  const t = nTerms;
  const top = wnaf(DIGITS + <usize>t * DSTRIDE, s, nbytes, BASE_W);
  if (top < 0) return;
  store<u32>(TABLE + ((<usize>t) << 2), <u32>(high ? TABLE_B128 : TABLE_B));
  store<u8>(KIND + <usize>t, 1);
  store<u8>(NEG + <usize>t, neg ? 1 : 0);
  store<i32>(TOP + ((<usize>t) << 2), top);
  nTerms = t + 1;
}

/** out = Σ terms. */
export function strausRun(out: usize): void {
  let top: i32 = -1;
  for (let t = 0; t < nTerms; t++) top = max(top, load<i32>(TOP + ((<usize>t) << 2)));
  geIdentity(out);
  let started = false;
  for (let i = top; i >= 0; i--) {
    if (started) {
      // T is only needed when an addition follows at this position.
      let adds = false;
      for (let t = 0; t < nTerms; t++) {
        if (load<i16>(DIGITS + <usize>t * DSTRIDE + ((<usize>i) << 1)) !== 0) {
          adds = true;
          break;
        }
      }
      if (adds || i === 0) geDouble(out, out);
      else geDoubleNoT(out, out);
    }
    for (let t = 0; t < nTerms; t++) {
      const d = <i32>load<i16>(DIGITS + <usize>t * DSTRIDE + ((<usize>i) << 1));
      if (d === 0) continue;
      const neg = (d < 0 ? 1 : 0) ^ <i32>load<u8>(NEG + <usize>t);
      const idx = <usize>((d < 0 ? -d : d) >> 1);
      const table = <usize>load<u32>(TABLE + ((<usize>t) << 2));
      if (load<u8>(KIND + <usize>t) === 0) geAddCached(out, out, table + idx * PT, neg);
      else geAddNiels(out, out, table + idx * NIELS, neg);
      started = true;
    }
  }
}
