// The compliance suite every CollectorStore passes (SQLite and PostgreSQL here; any other store
// should run it too), through the store interface and through ingest: ordering, queries, heads,
// atomic appends, conflicts, deletion, and every kind of rejected submission leaving the store
// unchanged. Exported as `@chronoseal/collector/testing`:
//
//   runStorageSuite("my store", async () => {
//     const subject = await MyStore.open(freshName());
//     return { subject, teardown: async () => { await subject.drop(); await subject.close(); } };
//   });
//
// setup() runs before each test (beforeEach) and teardown() after it (afterEach), whether the test
// passed or failed, so a failing assertion never leaks a connection, a table or a file. Tests
// never close the subject themselves.
import { type LockEntry, signEntry } from "@chronoseal/lock";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { IngestError, ingest, MAX_BATCH } from "../ingest.js";
import { type CollectorStore, StoreConflictError } from "../store.js";
import { chain, type Device, device, unsigned } from "./fixtures.js";

/** A store under test and how to dispose of it (close connections, drop tables, delete files). */
export interface StorageHarness {
  subject: CollectorStore;
  teardown(): Promise<void>;
}

export interface StorageSuiteOptions {
  /** A reason to skip the whole suite (e.g. no database configured); printed by the runner. */
  skip?: string;
}

async function all(it: AsyncIterable<LockEntry>): Promise<LockEntry[]> {
  const out: LockEntry[] = [];
  for await (const e of it) out.push(e);
  return out;
}

const seqs = (list: LockEntry[]) => list.map((e) => `${e.chain.split("/")[0]}#${e.seq}`);

/** Registers the suite (describe/it/beforeEach/afterEach of vitest) under `name`. */
export function runStorageSuite(
  name: string,
  setup: () => Promise<StorageHarness>,
  options: StorageSuiteOptions = {},
): void {
  if (options.skip !== undefined)
    console.warn(`[collector] skipping the storage suite "${name}": ${options.skip}`);
  describe.skipIf(options.skip !== undefined)(`collector storage: ${name}`, () => {
    let a: Device;
    let b: Device;
    let devices: Map<string, string>;
    let harness: StorageHarness | undefined;
    let store: CollectorStore;
    beforeEach(async () => {
      harness = await setup();
      store = harness.subject;
    });
    afterEach(async () => {
      const h = harness;
      harness = undefined;
      await h?.teardown();
    });
    beforeAll(async () => {
      a = await device("door-1", 1);
      b = await device("door-2", 2);
      devices = new Map([
        [a.door, a.publicKey],
        [b.door, b.publicKey],
      ]);
    });

    it("stores chains, answers heads, and queries by door, chain, sequence and time range, in order", async () => {
      const ca = chain(a, 1500); // more than one page
      const cb = chain(b, 12);
      expect(await ingest(store, devices, [...cb.slice(0, 5), ...ca.slice(0, 700)])).toEqual({
        accepted: 705,
        duplicates: 0,
      });
      expect(await ingest(store, devices, [...ca.slice(700), ...cb.slice(5)])).toEqual({
        accepted: 807,
        duplicates: 0,
      });
      expect(await store.count()).toBe(1512);
      const heads = await store.heads(["door-1/2025-01", "door-2/2025-01", "door-3/2025-01"]);
      expect([...heads.values()].map((h) => [h.chain, h.door, h.seq])).toEqual([
        ["door-1/2025-01", "door-1", 1499],
        ["door-2/2025-01", "door-2", 11],
      ]);
      expect((await store.chains()).map((c) => [c.chain, c.seq])).toEqual([
        ["door-1/2025-01", 1499],
        ["door-2/2025-01", 11],
      ]);
      expect((await store.chains({ door: "door-2" })).map((c) => c.chain)).toEqual(["door-2/2025-01"]);
      const everything = await all(store.query({}));
      expect(seqs(everything)).toEqual([...seqs(ca), ...seqs(cb)]);
      expect(everything[1234]).toEqual(ca[1234]); // stored byte for byte
      expect((await all(store.query({ door: "door-2" }))).map((e) => e.seq)).toEqual(cb.map((e) => e.seq));
      expect(
        (await all(store.query({ chain: "door-1/2025-01", fromSeq: 10, toSeq: 12 }))).map((e) => e.seq),
      ).toEqual([10, 11, 12]);
      expect(await all(store.query({ chain: "door-1/2025-01", fromSeq: 1499 }))).toEqual([ca[1499]]);
      const window = await all(store.query({ since: ca[3]!.time, until: ca[5]!.time }));
      expect(seqs(window)).toEqual(["door-1#3", "door-1#4", "door-1#5", "door-2#3", "door-2#4", "door-2#5"]);
      expect(await all(store.query({ door: "door-9" }))).toEqual([]);
      const h = await store.hashes("door-1/2025-01", 5, 7);
      expect([...h.keys()].sort()).toEqual([5, 6, 7]);
    });

    it("appends all or nothing: a (chain, seq) collision is a StoreConflictError and stores nothing", async () => {
      const ca = chain(a, 4);
      const row = (e: LockEntry) => ({
        chain: e.chain,
        seq: e.seq,
        door: e.door,
        time: e.time,
        hash: "h",
        entry: e,
      });
      await store.append([row(ca[0]!), row(ca[1]!)]);
      await expect(store.append([row(ca[2]!), row(ca[1]!)])).rejects.toBeInstanceOf(StoreConflictError);
      expect(await store.count()).toBe(2);
    });

    it("is idempotent and rejects forged, unchained, duplicate, conflicting, oversized and malformed batches without changing anything", async () => {
      const ca = chain(a, 10);
      await ingest(store, devices, ca.slice(0, 6));
      expect(await ingest(store, devices, ca.slice(3, 8))).toEqual({ accepted: 2, duplicates: 3 });
      expect(await ingest(store, devices, ca.slice(0, 8))).toEqual({ accepted: 0, duplicates: 8 });
      const before = await all(store.query({}));
      const forged = { ...ca[8]!, user: ca[8]!.prev };
      const rejects: [string, unknown, string, number][] = [
        ["skips a sequence number", [ca[9]], "ERR_UNCHAINED", 409],
        [
          "does not link",
          [{ ...unsigned(ca[8]!), prev: ca[3]!.prev }].map((e) => signEntry(e, a.keyPair.secretKey, 0)),
          "ERR_UNCHAINED",
          409,
        ],
        ["forged content", [forged], "ERR_SIGNATURE", 422],
        ["backdated", [{ ...ca[8]!, time: "2025-01-06T00:00:00.000Z" }], "ERR_SIGNATURE", 422],
        ["unsigned", [unsigned(ca[8]!)], "ERR_SIGNATURE", 422],
        [
          "signed by another door's key",
          [signEntry(unsigned(ca[8]!), b.keyPair.secretKey, 0)],
          "ERR_SIGNATURE",
          422,
        ],
        [
          "conflicting duplicate",
          [signEntry({ ...unsigned(ca[1]!), event: "closed" }, a.keyPair.secretKey, 0)],
          "ERR_CONFLICT",
          409,
        ],
        ["duplicate within the batch", [ca[8], ca[8]], "ERR_DUPLICATE", 400],
        ["not an array", { not: "an array" }, "ERR_MALFORMED", 400],
        ["bad version", [{ v: 2 }], "ERR_MALFORMED", 400],
        ["unknown field", [{ ...ca[8]!, badge: "04A2" }], "ERR_MALFORMED", 400],
        ["unknown door", [{ ...ca[8]!, door: "door-9", chain: "door-9/2025-01" }], "ERR_UNKNOWN_DEVICE", 403],
        ["good entry then a forged one", [ca[8], { ...ca[9]!, prev: ca[3]!.prev }], "ERR_SIGNATURE", 422],
        ["too many", Array.from({ length: MAX_BATCH + 1 }, () => ca[8]), "ERR_TOO_MANY", 413],
      ];
      for (const [what, batch, code, status] of rejects) {
        const err = await ingest(store, devices, batch).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, what).toBeInstanceOf(IngestError);
        expect((err as IngestError).code, what).toBe(code);
        expect((err as IngestError).status, what).toBe(status);
      }
      expect(await all(store.query({}))).toEqual(before);
      expect(await ingest(store, devices, ca.slice(8))).toEqual({ accepted: 2, duplicates: 0 });
    });

    it("deletes a chain (retention) and nothing else", async () => {
      await ingest(store, devices, [...chain(a, 5), ...chain(b, 3)]);
      expect(await store.deleteChain("door-1/2025-01")).toBe(5);
      expect(await store.deleteChain("door-1/2025-01")).toBe(0);
      expect((await store.chains()).map((c) => c.chain)).toEqual(["door-2/2025-01"]);
      expect(await store.count()).toBe(3);
    });
  });
}
