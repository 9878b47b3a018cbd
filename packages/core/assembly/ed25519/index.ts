// Entry point of the Ed25519 verification module. JS writes items into the IN_* regions and
// calls verifyItems(n, strict) once per chunk; verdicts come back in OUT_OK. Messages too large
// for IN_MSG are hashed ahead with streamBegin / streamUpdate / streamFinish (STREAM_* regions).
import { setGrouping } from "./group";
import { pointOps } from "./point";
import {
  CHUNK,
  IN_DIGEST,
  IN_MSG,
  IN_OFF,
  IN_PK,
  IN_PREHASHED,
  IN_SIG,
  IN_Z,
  MSG_CAP,
  OUT_OK,
} from "./regions";
import { setCandidates } from "./search";
import { streamBegin, streamFinish, streamUpdate } from "./sha";
import { setLattice } from "./single";
import { setRotating, setSplitting, verifyItems } from "./verify";

export { pointOps, setLattice, verifyItems };

/**
 * Testing hook: bit 0 clear turns grouping by key off, bit 1 clear the cheap candidate search,
 * bit 2 set keeps the whole batch together (no half kept apart in the combined sum), bit 3 set
 * starts positions at item order instead of a random rotation (so a test can put bad items at
 * chosen places: the halves' boundary, the ends); verdicts must not change (tests compare the
 * paths). 3 = the default.
 */
export function setPaths(bits: i32): void {
  setGrouping((bits & 1) !== 0);
  setCandidates((bits & 2) !== 0);
  setSplitting((bits & 4) === 0);
  setRotating((bits & 8) === 0);
}

/** Bytes of message per streamUpdate call. */
const STREAM_CAP: u32 = 1 << 16;
const STREAM_BUF: usize = memory.data(<i32>STREAM_CAP, 16);
/** R (32 bytes) then A (32 bytes) for streamBegin. */
const STREAM_RA: usize = memory.data(64, 16);

/** Starts SHA-512(R ‖ A ‖ …) for R, A in STREAM_RA. */
export function hashBegin(): void {
  streamBegin(STREAM_RA, STREAM_RA + 32);
}
/** Absorbs len bytes from STREAM_BUF. */
export function hashUpdate(len: u32): void {
  streamUpdate(STREAM_BUF, len);
}
/** Writes the digest for item i into IN_DIGEST and marks it prehashed. */
export function hashFinish(i: i32): void {
  streamFinish(IN_DIGEST + <usize>i * 64);
  store<u8>(IN_PREHASHED + <usize>i, 1);
}

export function chunk(): i32 {
  return CHUNK;
}
export function msgCap(): u32 {
  return MSG_CAP;
}
export function streamCap(): u32 {
  return STREAM_CAP;
}
export function pkPtr(): usize {
  return IN_PK;
}
export function sigPtr(): usize {
  return IN_SIG;
}
export function offPtr(): usize {
  return IN_OFF;
}
export function msgPtr(): usize {
  return IN_MSG;
}
export function zPtr(): usize {
  return IN_Z;
}
export function prehashedPtr(): usize {
  return IN_PREHASHED;
}
export function okPtr(): usize {
  return OUT_OK;
}
export function streamBufPtr(): usize {
  return STREAM_BUF;
}
export function streamRAPtr(): usize {
  return STREAM_RA;
}
