// Entry point of the Ed25519 verification module. JS writes items into the IN_* regions and
// calls verifyItems(n, strict) once per chunk; verdicts come back in OUT_OK.
import { CHUNK, IN_MSG, IN_OFF, IN_PK, IN_SIG, IN_Z, MSG_CAP, OUT_OK, verifyItems } from "./verify";

export { verifyItems };

export function chunk(): i32 {
  return CHUNK;
}
export function msgCap(): u32 {
  return MSG_CAP;
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
export function okPtr(): usize {
  return OUT_OK;
}
