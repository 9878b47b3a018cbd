// Entry hashes by (chain, sequence number), for telling a replayed entry (identical to the one
// already seen) from a forked one (different, same number) however late it arrives — without the
// auditor's memory growing with the log. Hashes live in fixed blocks of a temporary file; a small
// LRU cache of blocks stays in memory (4 MiB by default). Unknown positions read as 32 zero bytes.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PER_BLOCK = 256;
const BLOCK = PER_BLOCK * 32;

interface Cached {
  buf: Uint8Array;
  dirty: boolean;
}

export class HashStore {
  private readonly slots: number[][] = [];
  private readonly cache = new Map<number, Cached>();
  private nextSlot = 0;
  private fd: number | undefined;
  private dir: string | undefined;

  constructor(private readonly cacheBlocks = 512) {}

  /** A new chain's handle. */
  chain(): number {
    this.slots.push([]);
    return this.slots.length - 1;
  }

  private key(chain: number, block: number): number {
    return chain * 2 ** 32 + block;
  }

  private file(): number {
    if (this.fd === undefined) {
      this.dir = mkdtempSync(join(tmpdir(), "chronoseal-audit-"));
      this.fd = openSync(join(this.dir, "hashes"), "w+");
    }
    return this.fd;
  }

  /** The block used last (appends hit the same block 256 times in a row). */
  private lastKey = -1;
  private last: Cached | undefined;

  private block(chain: number, index: number, create: boolean): Uint8Array | undefined {
    const k = this.key(chain, index);
    if (k === this.lastKey) return this.last!.buf;
    const hit = this.cache.get(k);
    if (hit) {
      this.cache.delete(k);
      this.cache.set(k, hit);
      this.lastKey = k;
      this.last = hit;
      return hit.buf;
    }
    const slots = this.slots[chain]!;
    let slot = slots[index];
    if (slot === undefined && !create) return undefined;
    const buf = new Uint8Array(BLOCK);
    if (slot === undefined) {
      slot = this.nextSlot++;
      slots[index] = slot;
    } else if (this.fd !== undefined) {
      readSync(this.fd, buf, 0, BLOCK, slot * BLOCK);
    }
    const cached = { buf, dirty: false };
    this.cache.set(k, cached);
    if (this.cache.size > this.cacheBlocks) this.evict();
    this.lastKey = k;
    this.last = cached;
    return buf;
  }

  private evict(): void {
    const [k, victim] = this.cache.entries().next().value as [number, Cached];
    this.cache.delete(k);
    if (k === this.lastKey) this.lastKey = -1;
    if (!victim.dirty) return;
    const chain = Math.floor(k / 2 ** 32);
    const slot = this.slots[chain]![k % 2 ** 32]!;
    writeSync(this.file(), victim.buf, 0, BLOCK, slot * BLOCK);
  }

  /** Stores the 32 bytes at `src[offset…]` as the hash of (chain, seq). */
  put(chain: number, seq: number, src: Uint8Array, offset = 0): void {
    const index = Math.floor(seq / PER_BLOCK);
    const buf = this.block(chain, index, true)!;
    const at = (seq % PER_BLOCK) * 32;
    for (let j = 0; j < 32; j++) buf[at + j] = src[offset + j]!; // no view per entry
    this.last!.dirty = true; // block() made it the last one
  }

  /** The hash of (chain, seq), or undefined when none was stored. */
  get(chain: number, seq: number): Uint8Array | undefined {
    const buf = this.block(chain, Math.floor(seq / PER_BLOCK), false);
    if (!buf) return undefined;
    const h = buf.slice((seq % PER_BLOCK) * 32, (seq % PER_BLOCK) * 32 + 32);
    return h.some((b) => b !== 0) ? h : undefined;
  }

  /** Releases the temporary file. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.fd = undefined;
    this.dir = undefined;
    this.cache.clear();
    this.lastKey = -1;
    this.last = undefined;
  }
}
