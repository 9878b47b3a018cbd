// The one storage test suite every CollectorStore implementation must pass.
import { entryHash, type LockEntry, signEntry } from "@chronoseal/lock";
import { beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../src/ingest.js";
import type { CollectorStore } from "../src/store.js";
import { chain, type Device, device } from "./fixtures.js";

async function all(it: AsyncIterable<LockEntry>): Promise<LockEntry[]> {
  const out: LockEntry[] = [];
  for await (const e of it) out.push(e);
  return out;
}

function unsigned(e: LockEntry): LockEntry {
  const { signatures: _s, ...rest } = e;
  return rest;
}

export function storageSuite(name: string, open: () => Promise<CollectorStore>, skip = false): void {
  describe.skipIf(skip)(`collector storage: ${name}`, () => {
    let a: Device;
    let b: Device;
    let devices: Map<string, string>;
    beforeAll(async () => {
      a = await device("door-1", 1);
      b = await device("door-2", 2);
      devices = new Map([
        [a.door, a.publicKey],
        [b.door, b.publicKey],
      ]);
    });

    it("stores chains, answers heads, queries by door, chain and range in order", async () => {
      const store = await open();
      const ca = chain(a, 30);
      const cb = chain(b, 12);
      expect(await ingest(store, devices, [...cb.slice(0, 5), ...ca.slice(0, 20)])).toEqual({
        accepted: 25,
        duplicates: 0,
      });
      expect(await ingest(store, devices, [...ca.slice(20), ...cb.slice(5)])).toEqual({
        accepted: 17,
        duplicates: 0,
      });
      expect(await store.count()).toBe(42);
      expect(await store.head("door-1/2025-01")).toMatchObject({ seq: 29, hash: entryHash(ca[29]!) });
      expect((await store.chains()).map((c) => [c.chain, c.seq])).toEqual([
        ["door-1/2025-01", 29],
        ["door-2/2025-01", 11],
      ]);
      expect((await all(store.query({ door: "door-2" }))).map((e) => e.seq)).toEqual(cb.map((e) => e.seq));
      expect(
        (await all(store.query({ chain: "door-1/2025-01", fromSeq: 10, toSeq: 12 }))).map((e) => e.seq),
      ).toEqual([10, 11, 12]);
      expect(await all(store.query({ chain: "door-1/2025-01", fromSeq: 29 }))).toEqual([ca[29]]);
      await store.close();
    });

    it("is idempotent and rejects forged, unchained, conflicting and malformed batches without changing anything", async () => {
      const store = await open();
      const ca = chain(a, 10);
      await ingest(store, devices, ca.slice(0, 6));
      expect(await ingest(store, devices, ca.slice(3, 8))).toEqual({ accepted: 2, duplicates: 3 });
      const before = await store.count();
      const forged = { ...ca[8]!, user: "someone-else" };
      const rejects: [unknown, string][] = [
        [[ca[9]], "ERR_UNCHAINED"],
        [[forged], "ERR_SIGNATURE"],
        [[{ ...ca[2]!, time: "2025-01-06T00:00:00.000Z" }], "ERR_SIGNATURE"],
        [[signEntry({ ...unsigned(ca[1]!), user: "another-user" }, a.keyPair.secretKey, 0)], "ERR_CONFLICT"],
        [{ not: "an array" }, "ERR_MALFORMED"],
        [[{ v: 2 }], "ERR_MALFORMED"],
        [[{ ...ca[8]!, door: "door-9", chain: "door-9/2025-01" }], "ERR_UNKNOWN_DEVICE"],
        [[ca[8], { ...ca[9]!, prev: "x" }], "ERR_SIGNATURE"],
      ];
      for (const [batch, code] of rejects) {
        await expect(ingest(store, devices, batch), code).rejects.toMatchObject({ code });
        expect(await store.count(), code).toBe(before);
      }
      // a batch whose second entry is bad stores nothing at all
      await expect(ingest(store, devices, [ca[8], forged])).rejects.toMatchObject({ code: "ERR_SIGNATURE" });
      expect(await store.count()).toBe(before);
      await store.close();
    });
  });
}
