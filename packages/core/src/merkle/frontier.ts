// A compact frontier (the "compact range" [0, size) of an RFC 9162 tree): the roots of the
// perfect subtrees along the tree's right edge, one per set bit of the size, largest first — at
// most 64 hashes, whatever the size. Appending a leaf hash merges equal-sized subtrees like a
// binary increment; the root folds them right to left. It gives the same root as the full tree
// without keeping the tree, which is what an appender (a lock, a log) needs.
//
// Serialized as JSON `{ size, hashes: [base64…] }` or as bytes: size as 8 bytes big-endian, then
// the hashes. Sizes are safe integers (below 2^53).
import { fromBase64, toBase64 } from "../encoding.js";
import { abytes } from "../errors.js";
import { MerkleError } from "./errors.js";
import { emptyRoot, hashChildren } from "./hash.js";

export interface FrontierJson {
  size: number;
  hashes: string[];
}

function popcount(n: number): number {
  let bits = 0;
  for (; n > 0; n = Math.floor(n / 2)) bits += n % 2;
  return bits;
}

export class Frontier {
  /** Subtree roots, largest (leftmost) first. */
  private hashes: Uint8Array[] = [];
  private count = 0;

  /** Number of leaves appended so far. */
  get size(): number {
    return this.count;
  }

  /** Appends one leaf hash (32 bytes: `leafHash(entry)`). */
  append(leafHash: Uint8Array): void {
    abytes(leafHash, 32, "leafHash");
    if (this.count === Number.MAX_SAFE_INTEGER)
      throw new MerkleError("ERR_MERKLE_FRONTIER", "frontier: size limit 2^53 − 1 reached");
    let h: Uint8Array = new Uint8Array(leafHash);
    // One merge per trailing one-bit of the size: those subtrees now have a right sibling.
    for (let n = this.count; n % 2 === 1; n = (n - 1) / 2) h = hashChildren(this.hashes.pop()!, h);
    this.hashes.push(h);
    this.count++;
  }

  /** The RFC 9162 root of the leaves appended so far (SHA-256("") when none). */
  root(): Uint8Array {
    if (this.count === 0) return emptyRoot();
    let r = this.hashes[this.hashes.length - 1]!;
    for (let i = this.hashes.length - 2; i >= 0; i--) r = hashChildren(this.hashes[i]!, r);
    return r === this.hashes[this.hashes.length - 1] ? r.slice() : r;
  }

  /** The subtree roots, largest first (copies). */
  subtreeRoots(): Uint8Array[] {
    return this.hashes.map((h) => h.slice());
  }

  clone(): Frontier {
    return Frontier.from(this.count, this.subtreeRoots());
  }

  toJSON(): FrontierJson {
    return { size: this.count, hashes: this.hashes.map(toBase64) };
  }

  static fromJSON(json: FrontierJson): Frontier {
    if (!json || typeof json !== "object" || !Array.isArray(json.hashes))
      throw new MerkleError("ERR_MERKLE_FRONTIER", "frontier: expected { size, hashes }");
    const hashes = json.hashes.map((h, i) => {
      try {
        return fromBase64(h, `frontier.hashes[${i}]`, 32);
      } catch (e) {
        throw new MerkleError("ERR_MERKLE_FRONTIER", (e as Error).message);
      }
    });
    return Frontier.from(json.size, hashes);
  }

  /** size (8 bytes, big-endian) ‖ subtree roots (32 bytes each). */
  serialize(): Uint8Array {
    const out = new Uint8Array(8 + 32 * this.hashes.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(this.count));
    this.hashes.forEach((h, i) => {
      out.set(h, 8 + 32 * i);
    });
    return out;
  }

  static deserialize(bytes: Uint8Array): Frontier {
    abytes(bytes, undefined, "frontier");
    if (bytes.length < 8 || (bytes.length - 8) % 32 !== 0)
      throw new MerkleError("ERR_MERKLE_FRONTIER", `frontier: ${bytes.length} bytes is not 8 + 32·k`);
    const size = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
    if (size > BigInt(Number.MAX_SAFE_INTEGER))
      throw new MerkleError("ERR_MERKLE_FRONTIER", `frontier: size ${size} exceeds 2^53 − 1`);
    const hashes: Uint8Array[] = [];
    for (let at = 8; at < bytes.length; at += 32) hashes.push(new Uint8Array(bytes.subarray(at, at + 32)));
    return Frontier.from(Number(size), hashes);
  }

  /** A frontier from its size and subtree roots (largest first); checks that they fit. */
  static from(size: number, hashes: readonly Uint8Array[]): Frontier {
    if (!Number.isSafeInteger(size) || size < 0)
      throw new MerkleError("ERR_MERKLE_FRONTIER", `frontier: size must be a safe integer ≥ 0, got ${size}`);
    const want = popcount(size);
    if (hashes.length !== want)
      throw new MerkleError(
        "ERR_MERKLE_FRONTIER",
        `frontier: size ${size} needs ${want} subtree roots, got ${hashes.length}`,
      );
    const f = new Frontier();
    f.count = size;
    f.hashes = hashes.map((h, i) => new Uint8Array(abytes(h, 32, `hashes[${i}]`)));
    return f;
  }
}
