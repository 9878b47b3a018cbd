// Single verification of a prepared item: [8]([S]B − R − [k]A) = O, computed with the
// lattice-halved scalars (see lattice.ts) by Straus. Also the cofactor check shared by batches.
import { LAT_A, LAT_B, latANeg, latticeReduce } from "./lattice";
import { geDoubleNoT, geIsIdentity, PT } from "./point";
import { aPoint, K, rPoint } from "./prepare";
import { IN_SIG } from "./regions";
import { scMul } from "./scalar";
import { strausAddBase, strausAddPoint, strausReset, strausRun } from "./straus";

const M8: usize = memory.data(<i32>PT, 16);

/** [8]q is the identity. */
export function cofactorIdentity(q: usize): bool {
  geDoubleNoT(M8, q);
  geDoubleNoT(M8, M8);
  geDoubleNoT(M8, M8);
  return geIsIdentity(M8);
}

/** Testing hook: 0 turns the lattice shortcut off, so tests can compare both single paths. */
let useLattice: bool = true;
export function setLattice(on: i32): void {
  useLattice = on !== 0;
}

const Q1: usize = memory.data(<i32>PT, 16);
const SP: usize = memory.data(32 + 8, 16);
const ONE: usize = memory.data<u8>([1, 0, 0, 0, 0, 0, 0, 0]);

/** Single verification of prepared item i. */
export function single(i: i32): bool {
  const s = IN_SIG + <usize>i * 64 + 32;
  const k = K + <usize>i * 32;
  strausReset();
  if (useLattice && latticeReduce(k)) {
    // [b·S]B − [b]R − [a]A with a ≡ b·k (mod L), |a|, b < 2^127.
    scMul(SP, LAT_B, 16, s);
    strausAddBase(SP, 16, false, false);
    strausAddBase(SP + 16, 16, true, false);
    strausAddPoint(aPoint(i), LAT_A, 16, 5, latANeg === 0);
    strausAddPoint(rPoint(i), LAT_B, 16, 5, true);
  } else {
    strausAddBase(s, 32, false, false);
    strausAddPoint(aPoint(i), k, 32, 5, true);
    strausAddPoint(rPoint(i), ONE, 1, 2, true);
  }
  strausRun(Q1);
  return cofactorIdentity(Q1);
}
