// The auditor's building blocks: the batch frontier against core's Frontier (property test), and
// the disk-backed hash store.
import { Frontier, leafHash } from "@chronoseal/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BatchFrontier, leafHashesPacked } from "../src/audit/frontier.js";
import { HashStore } from "../src/audit/hash-store.js";
import type { LockEntry } from "../src/entry.js";

describe("BatchFrontier", () => {
  it("gives core Frontier's roots for any sequence of batch sizes", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 70 }), { maxLength: 12 }), (sizes) => {
        const batch = new BatchFrontier();
        const core = new Frontier();
        let n = 0;
        for (const k of sizes) {
          const values = new Uint8Array(k * 32);
          for (let i = 0; i < k; i++) values.fill((n + i) % 251, i * 32, i * 32 + 32);
          batch.appendLeafHashes(leafHashesPacked(values, k), k);
          for (let i = 0; i < k; i++) core.append(leafHash(values.subarray(i * 32, i * 32 + 32)));
          n += k;
          expect(batch.size).toBe(core.size);
          expect(Buffer.from(batch.root()).toString("hex")).toBe(Buffer.from(core.root()).toString("hex"));
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe("HashStore", () => {
  it("keeps hashes per chain beyond its cache, on disk", () => {
    const store = new HashStore(2); // two 8 KiB blocks in memory
    const a = store.chain();
    const b = store.chain();
    const h = (c: number, s: number) => new Uint8Array(32).fill(((c * 7 + s) % 255) + 1);
    for (let s = 0; s < 2000; s++) {
      store.put(a, s, h(a, s));
      if (s % 2 === 0) store.put(b, s, h(b, s));
    }
    for (const s of [0, 1, 255, 256, 1024, 1999]) expect(store.get(a, s)).toEqual(h(a, s));
    expect(store.get(b, 1000)).toEqual(h(b, 1000));
    expect(store.get(b, 1001)).toBeUndefined(); // never stored
    expect(store.get(a, 5000)).toBeUndefined();
    store.close();
  });
});

describe("verifyDeviceSignatures", () => {
  it("agrees with core's verifySignatureMaps for the device key", async () => {
    const { syntheticLog } = await import("./helpers.js");
    const { verifySignatureMaps, toBase64: b64, keyPairFromSeed: kps } = await import("@chronoseal/core");
    const { verifyDeviceSignatures } = await import("../src/audit/signatures.js");
    const { entryHash } = await import("../src/entry-hash.js");
    const { entries, keyPair } = await syntheticLog(12, 100);
    const key = b64(keyPair.publicKey);
    const other = kps(new Uint8Array(32).fill(9));
    const [k0, s0] = Object.entries(entries[1]!.signatures!)[0]!;
    const variants = [
      entries[0]!,
      { ...entries[1]!, event: "closed" as const },
      { ...entries[2]!, signatures: { [k0]: { ...s0 } } },
      { ...entries[3]!, signatures: { [k0]: { ...s0, context: "anchor" } } },
      { ...entries[4]!, signatures: { [k0]: { ...s0, signed_at: "2025-01-06T08:00:00Z" } } },
      { ...entries[5]!, signatures: { [k0]: { ...s0, signature: "AAAA" } } },
      { ...entries[6]!, signatures: {} },
      { ...entries[7]!, signatures: undefined },
      { ...entries[8]!, signatures: { [b64(other.publicKey)]: entries[8]!.signatures![key]! } },
      { ...entries[9]!, signatures: { [key]: "x" } } as unknown as LockEntry,
      entries[10]!,
    ];
    const ours = verifyDeviceSignatures(variants.map((entry) => ({ entry, hash: entryHash(entry), key })));
    const core = verifySignatureMaps(
      variants.map((e) => ({ hash: entryHash(e), signatures: e.signatures })),
      { trusted: [key], context: "lock-entry", now: Number.MAX_SAFE_INTEGER - 1 },
    ).map((r) => r.valid.some((v) => v.key === key));
    expect(ours).toEqual(core);
    expect(ours).toEqual([true, false, false, false, false, false, false, false, false, false, true]);
  });
});
