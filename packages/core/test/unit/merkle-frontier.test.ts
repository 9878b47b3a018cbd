// The compact frontier: roots at every size against the full tree, at most one hash per set bit
// of the size (≤ 64), serialization round trips, and typed errors for frontiers that do not fit.
import { describe, expect, it } from "vitest";
import { emptyRoot, Frontier, leafHash, MerkleError, MerkleTree } from "../../src/merkle/index.js";
import { leavesOf } from "../merkle-helpers.js";

const popcount = (n: number) => n.toString(2).replaceAll("0", "").length;

describe("Frontier", () => {
  it("matches the full tree at every size up to 2,100 and keeps popcount(size) hashes", () => {
    const leaves = leavesOf(2100);
    const tree = MerkleTree.fromLeaves(leaves);
    const f = new Frontier();
    expect(f.size).toBe(0);
    expect(f.root()).toEqual(emptyRoot());
    for (let i = 0; i < leaves.length; i++) {
      f.append(tree.leafHash(i));
      expect(f.size).toBe(i + 1);
      expect(f.root(), `size ${i + 1}`).toEqual(tree.rootAt(i + 1));
      expect(f.subtreeRoots().length).toBe(popcount(i + 1));
    }
  });

  it("subtree roots are the perfect subtrees along the right edge, largest first", () => {
    const tree = MerkleTree.fromLeaves(leavesOf(13)); // 13 = 8 + 4 + 1
    const f = new Frontier();
    for (let i = 0; i < 13; i++) f.append(tree.leafHash(i));
    expect(f.subtreeRoots()).toEqual([
      tree.levels[3]!.subarray(0, 32),
      tree.levels[2]!.subarray(64, 96),
      tree.leafHash(12),
    ]);
  });

  it("serializes as JSON and bytes, and copies its inputs", () => {
    const f = new Frontier();
    const h = Buffer.from(leafHash(Uint8Array.of(1)));
    f.append(h);
    h.fill(0); // a Buffer the caller reuses must not change the frontier
    expect(f.root()).toEqual(leafHash(Uint8Array.of(1)));
    for (let i = 0; i < 6; i++) f.append(leafHash(Uint8Array.of(i)));
    const json = f.toJSON();
    expect(json.size).toBe(7);
    expect(json.hashes).toHaveLength(3);
    expect(Frontier.fromJSON(json).root()).toEqual(f.root());
    const bytes = f.serialize();
    expect(bytes.length).toBe(8 + 3 * 32);
    expect(Buffer.from(bytes.subarray(0, 8)).toString("hex")).toBe("0000000000000007");
    expect(Frontier.deserialize(bytes).toJSON()).toEqual(json);
    const g = f.clone();
    g.append(leafHash(Uint8Array.of(9)));
    expect(f.size).toBe(7);
    expect(g.size).toBe(8);
    expect(g.subtreeRoots()).toHaveLength(1);
  });

  it("holds at most 64 hashes: a frontier near 2^53 has 53", () => {
    const size = Number.MAX_SAFE_INTEGER; // 2^53 − 1: 53 set bits
    const f = Frontier.from(
      size,
      Array.from({ length: 53 }, (_, i) => new Uint8Array(32).fill(i)),
    );
    expect(f.root()).toHaveLength(32);
    expect(f.serialize()).toHaveLength(8 + 53 * 32);
    expect(() => f.append(new Uint8Array(32))).toThrow(MerkleError);
  });

  it("rejects frontiers that do not fit their size with MerkleError ERR_MERKLE_FRONTIER", () => {
    const bad: (() => unknown)[] = [
      () => Frontier.fromJSON({ size: 3, hashes: [] }),
      () => Frontier.fromJSON({ size: -1, hashes: [] }),
      () => Frontier.fromJSON({ size: 1.5, hashes: [] }),
      () => Frontier.fromJSON({ size: 1, hashes: ["AAAA"] }),
      () => Frontier.fromJSON({ size: 1, hashes: ["not base64!"] }),
      () => Frontier.fromJSON(null as unknown as { size: number; hashes: string[] }),
      () => Frontier.fromJSON({ size: 1 } as unknown as { size: number; hashes: string[] }),
      () => Frontier.deserialize(new Uint8Array(7)),
      () => Frontier.deserialize(new Uint8Array(8 + 31)),
      () => Frontier.deserialize(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1)),
      () => Frontier.deserialize(new Uint8Array(8).fill(255)),
    ];
    for (const f of bad) {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(MerkleError);
        expect((e as MerkleError).code).toBe("ERR_MERKLE_FRONTIER");
      }
    }
    expect(() => new Frontier().append(new Uint8Array(31))).toThrow(RangeError);
    expect(() => new Frontier().append("x" as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => Frontier.deserialize("x" as unknown as Uint8Array)).toThrow(TypeError);
  });
});
