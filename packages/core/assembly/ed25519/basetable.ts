// Fixed tables of the base point, built once on first use: the odd multiples [1]P, [3]P, …,
// [511]P in niels form (affine, so each addition saves a multiplication) for P = B and
// P = [2^128]B. Width-10 NAF digits index them: digit d uses entry (|d| − 1) / 2. The affine
// conversion shares one inversion across the table (Montgomery's trick).

import { BASE } from "./curve";
import { affineFinish2 } from "./decode";
import { FE, feCopy, feInvert, feMul, feMul2 } from "./field";
import {
  AFF,
  AX,
  AY,
  geAddCached,
  geDouble,
  geDoubleNoT,
  geFromAffine,
  geToCached,
  NIELS,
  PT,
} from "./point";

export const BASE_W: i32 = 10;
const ENTRIES: i32 = 1 << (BASE_W - 2);

/** Tables in niels form (ENTRIES × 120 bytes each). */
export const TABLE_B: usize = memory.data(<i32>NIELS * ENTRIES, 16);
export const TABLE_B128: usize = memory.data(<i32>NIELS * ENTRIES, 16);

const EXT: usize = memory.data(<i32>PT * ENTRIES, 16);
const PREFIX: usize = memory.data(<i32>FE * ENTRIES, 16);
const AFFS: usize = memory.data(<i32>AFF * 2, 16);
const P: usize = memory.data(<i32>PT, 16);
const P2: usize = memory.data(<i32>PT, 16);
const C2: usize = memory.data(<i32>PT, 16);
const INV: usize = memory.data(<i32>FE, 16);
const TMP: usize = memory.data(<i32>FE, 16);

let built = false;

/** Odd multiples of the extended point p, normalized, into the niels table t. */
function buildTable(t: usize, p: usize): void {
  geDouble(P2, p);
  geToCached(C2, P2);
  memory.copy(EXT, p, PT);
  for (let i = 1; i < ENTRIES; i++) geAddCached(EXT + <usize>i * PT, EXT + <usize>(i - 1) * PT, C2, 0);
  // Batch inversion of the Z coordinates.
  feCopy(PREFIX, EXT + 2 * FE);
  for (let i = 1; i < ENTRIES; i++) {
    feMul(PREFIX + <usize>i * FE, PREFIX + <usize>(i - 1) * FE, EXT + <usize>i * PT + 2 * FE);
  }
  feInvert(INV, PREFIX + <usize>(ENTRIES - 1) * FE);
  for (let i = ENTRIES - 1; i >= 0; i--) {
    const e = EXT + <usize>i * PT;
    // zi = INV · prefix[i−1]; INV ← INV · Z_i
    if (i > 0) feMul(TMP, INV, PREFIX + <usize>(i - 1) * FE);
    else feCopy(TMP, INV);
    if (i > 0) feMul(INV, INV, e + 2 * FE);
    feMul2(AFFS + AX, e, TMP, AFFS + AY, e + FE, TMP);
    affineFinish2(AFFS, AFFS);
    memory.copy(t + <usize>i * NIELS, AFFS + 2 * FE, NIELS);
  }
}

/** Builds both base tables (once). */
export function initBaseTables(): void {
  if (built) return;
  built = true;
  geFromAffine(P, BASE);
  buildTable(TABLE_B, P);
  for (let i = 1; i < 128; i++) geDoubleNoT(P, P);
  geDouble(P, P);
  buildTable(TABLE_B128, P);
}
