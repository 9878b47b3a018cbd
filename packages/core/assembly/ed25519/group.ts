// Groups the items of a call by public key: items whose 32 key bytes are identical (as given:
// two encodings of one point are two keys) share one group, so the key is decoded, checked and
// multiplied once for all of them. A hash table keyed by the bytes, seeded per call from the
// random coefficients, finds the groups; probe chains are capped, and an item whose chain is too
// long simply opens a group of its own (an equal key in two groups is correct, only slower), so
// hostile keys cannot make grouping cost more than a few probes per item.
import { CHUNK, IN_PK } from "./regions";

/** The table has 2^bits ≥ 2n slots for n items (at most 2^13 = 2 × CHUNK): small calls clear little. */
const MAX_TABLE_BITS: i32 = 13;
const MAX_PROBES: i32 = 32;

/** Slot → group index + 1 (0 = empty). */
const TABLE: usize = memory.data(4 << MAX_TABLE_BITS, 16);
/** Per item: its group. */
export const GROUP_OF: usize = memory.data(4 * CHUNK, 16);
/** Per group: the address of its key bytes (in IN_PK, the first item's copy). */
export const GROUP_KEY: usize = memory.data(4 * CHUNK, 16);
export let nGroups: i32 = 0;

/** Testing hook: false gives every item a group of its own (the ungrouped computation). */
let grouping: bool = true;
export function setGrouping(on: bool): void {
  grouping = on;
}

// @ts-ignore: decorator
@inline export function groupOf(i: i32): i32 {
  return load<i32>(GROUP_OF + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline export function groupKey(g: i32): usize {
  return <usize>load<u32>(GROUP_KEY + (<usize>g << 2));
}

// @ts-ignore: decorator
@inline function mix(h: u64, w: u64): u64 {
  h = (h ^ w) * 0x9e3779b97f4a7c15;
  return h ^ (h >> 29);
}

function sameKey(a: usize, b: usize): bool {
  return (
    ((load<u64>(a) ^ load<u64>(b)) |
      (load<u64>(a, 8) ^ load<u64>(b, 8)) |
      (load<u64>(a, 16) ^ load<u64>(b, 16)) |
      (load<u64>(a, 24) ^ load<u64>(b, 24))) ==
    0
  );
}

function newGroup(i: i32, pk: usize): i32 {
  const g = nGroups++;
  store<u32>(GROUP_KEY + (<usize>g << 2), <u32>pk);
  store<i32>(GROUP_OF + (<usize>i << 2), g);
  return g;
}

/** Assigns a group to each of the n items (keys in IN_PK); seed steers the hash table. */
export function groupItems(n: i32, seed: u64): void {
  nGroups = 0;
  if (!grouping || n == 1) {
    for (let i = 0; i < n; i++) newGroup(i, IN_PK + <usize>i * 32);
    return;
  }
  const bits = min(MAX_TABLE_BITS, 33 - <i32>clz<u32>(<u32>n));
  const size = 1 << bits;
  memory.fill(TABLE, 0, <usize>size << 2);
  for (let i = 0; i < n; i++) {
    const pk = IN_PK + <usize>i * 32;
    let h = mix(mix(mix(mix(seed, load<u64>(pk)), load<u64>(pk, 8)), load<u64>(pk, 16)), load<u64>(pk, 24));
    h *= 0xbf58476d1ce4e5b9;
    let slot = <i32>(h >> <u64>(64 - bits));
    let placed = false;
    for (let probe = 0; probe < MAX_PROBES; probe++) {
      const at = TABLE + (<usize>slot << 2);
      const e = load<i32>(at);
      if (e == 0) {
        store<i32>(at, newGroup(i, pk) + 1);
        placed = true;
        break;
      }
      if (sameKey(groupKey(e - 1), pk)) {
        store<i32>(GROUP_OF + (<usize>i << 2), e - 1);
        placed = true;
        break;
      }
      slot = (slot + 1) & (size - 1);
    }
    if (!placed) newGroup(i, pk);
  }
}
