// Entry point of the hashing module (SHA-256 / SHA-512). Filled in by the hashing work.
export function version(): i32 {
  return 1;
}
