// Tree sizes and leaf indices are unsigned 64-bit integers (RFC 9162). Proof verification takes
// them as a safe-integer number or a bigint and works on two uint32 halves, so no BigInt
// arithmetic runs per proof step. Internal to the merkle area.

/** An unsigned 64-bit integer as two uint32 halves. */
export interface U64 {
  hi: number;
  lo: number;
}

const TWO32 = 2 ** 32;
const TWO64 = 1n << 64n;

/** The value as a U64, or undefined when it is not an integer in [0, 2^64). TypeError for other types. */
export function toU64(value: unknown, name: string): U64 | undefined {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) return undefined;
    return { hi: Math.floor(value / TWO32), lo: value >>> 0 };
  }
  if (typeof value === "bigint") {
    if (value < 0n || value >= TWO64) return undefined;
    return { hi: Number(value >> 32n), lo: Number(value & 0xffffffffn) };
  }
  throw new TypeError(`${name}: expected number or bigint, got ${value === null ? "null" : typeof value}`);
}

export function isZero(a: U64): boolean {
  return a.hi === 0 && a.lo === 0;
}

export function less(a: U64, b: U64): boolean {
  return a.hi < b.hi || (a.hi === b.hi && a.lo < b.lo);
}

export function equalU64(a: U64, b: U64): boolean {
  return a.hi === b.hi && a.lo === b.lo;
}

/** a − 1 (a must not be zero). */
export function dec(a: U64): U64 {
  return a.lo === 0 ? { hi: a.hi - 1, lo: 0xffffffff } : { hi: a.hi, lo: a.lo - 1 };
}

export function xor(a: U64, b: U64): U64 {
  return { hi: (a.hi ^ b.hi) >>> 0, lo: (a.lo ^ b.lo) >>> 0 };
}

/** Number of bits needed to write a (0 for 0). */
export function bitLength(a: U64): number {
  return a.hi !== 0 ? 64 - Math.clz32(a.hi) : 32 - Math.clz32(a.lo);
}

/** Bit i (0 = least significant). */
export function bit(a: U64, i: number): number {
  return i < 32 ? (a.lo >>> i) & 1 : (a.hi >>> (i - 32)) & 1;
}

/** a >> k for 0 <= k <= 64. */
export function shr(a: U64, k: number): U64 {
  if (k === 0) return a;
  if (k >= 64) return { hi: 0, lo: 0 };
  if (k >= 32) return { hi: 0, lo: a.hi >>> (k - 32) };
  return { hi: a.hi >>> k, lo: ((a.lo >>> k) | (a.hi << (32 - k))) >>> 0 };
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export function popcount(a: U64): number {
  return popcount32(a.hi) + popcount32(a.lo);
}

/** Number of trailing zero bits (64 for 0). */
export function trailingZeros(a: U64): number {
  if (a.lo !== 0) return 31 - Math.clz32(a.lo & -a.lo);
  if (a.hi !== 0) return 63 - Math.clz32(a.hi & -a.hi);
  return 64;
}

export function formatU64(a: U64): string {
  return ((BigInt(a.hi) << 32n) | BigInt(a.lo)).toString();
}
