// A compact frontier ("compact range" of RFC 9162 trees): the roots of the perfect subtrees
// along the right edge, one per set bit of the size (at most 64 hashes). Appending a leaf hash
// merges equal-sized subtrees like a binary increment; the root folds them right to left. It
// gives the same root as the full tree without keeping it.
import { fromBase64, toBase64 } from "../encoding.js";
import { abytes } from "../errors.js";
import { sha256 } from "../hash/sha.js";
import { MerkleError, nodeHash } from "./tree.js";

export class Frontier {
  /** Subtree roots, largest (leftmost) first. */
  private hashes: Uint8Array[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  append(leafHash: Uint8Array): void {
    abytes(leafHash, 32, "leafHash");
    let h: Uint8Array = leafHash.slice();
    // Merge with as many complete subtrees as the trailing one-bits of the size.
    for (let n = this.count; n % 2 === 1; n = Math.floor(n / 2)) h = nodeHash(this.hashes.pop()!, h);
    this.hashes.push(h);
    this.count++;
  }

  root(): Uint8Array {
    if (this.count === 0) return sha256(new Uint8Array(0));
    let r = this.hashes[this.hashes.length - 1]!;
    for (let i = this.hashes.length - 2; i >= 0; i--) r = nodeHash(this.hashes[i]!, r);
    return r;
  }

  toJSON(): { size: number; hashes: string[] } {
    return { size: this.count, hashes: this.hashes.map(toBase64) };
  }

  static fromJSON(json: { size: number; hashes: string[] }): Frontier {
    if (!json || !Number.isSafeInteger(json.size) || json.size < 0 || !Array.isArray(json.hashes)) {
      throw new MerkleError("frontier: expected { size, hashes }");
    }
    let bits = 0;
    for (let n = json.size; n > 0; n = Math.floor(n / 2)) bits += n % 2;
    if (json.hashes.length !== bits)
      throw new MerkleError(`frontier: size ${json.size} needs ${bits} hashes, got ${json.hashes.length}`);
    const f = new Frontier();
    f.count = json.size;
    f.hashes = json.hashes.map((h, i) => fromBase64(h, `frontier.hashes[${i}]`, 32));
    return f;
  }
}
