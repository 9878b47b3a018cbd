// The verdict is a pure function of (T, W, evidence): arrival order and the wall clock never
// change it, and escrowed evidence delivered in any order ends in the in-order verdict.
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { EvidenceStore } from "../src/store.js";
import type { Evidence } from "../src/types.js";
import { buildChain, type Chain, DAY, day } from "./fixture.js";

let chain: Chain;
let extra: Evidence[];
beforeAll(async () => {
  chain = await buildChain();
  const reply = chain.le.reply(chain.ecrCred.credential.d, day(6));
  const { rev, ixn } = chain.qvi.revoke(chain.leCred.credential, chain.leCred.iss, day(8));
  extra = [reply, rev, ixn];
});
afterEach(() => {
  vi.useRealTimers();
});

function verdictOf(docs: Evidence[], validOn: number, resolution: number) {
  const s = new EvidenceStore();
  for (const d of docs) s.add(d);
  return s.validate(chain.ecrCred.credential.d, { validOn, resolution, trustedRoots: [chain.root.aid] });
}

describe("validity is a pure function of (T, W, evidence)", () => {
  it("shuffled arrival and any wall clock give the same verdict", () => {
    const all = [...chain.evidence, ...extra];
    fc.assert(
      fc.property(
        fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom(DAY, DAY / 4, 7 * DAY),
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        (order, t, w, clock) => {
          const validOn = day(1) + t * (DAY / 2);
          const expected = verdictOf(all, validOn, w);
          vi.useFakeTimers();
          vi.setSystemTime(clock);
          const got = verdictOf(order, validOn, w);
          vi.useRealTimers();
          expect(got.valid).toBe(expected.valid);
          expect(got.status).toBe(expected.status);
          expect(got.missing).toEqual(expected.missing);
          expect(new Map(got.links.map((l) => [l.credential, l.status]))).toEqual(
            new Map(expected.links.map((l) => [l.credential, l.status])),
          );
        },
      ),
      { seed: 8, numRuns: 40 },
    );
  });

  it("escrow: any delivery order of the events ends in the in-order verdict", () => {
    const all = [...chain.evidence, ...extra];
    fc.assert(
      fc.property(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), (order) => {
        const store = new EvidenceStore();
        for (const doc of order) store.add(doc);
        expect(store.escrowed()).toEqual([]);
        const v = store.validate(chain.ecrCred.credential.d, {
          validOn: day(5),
          resolution: DAY,
          trustedRoots: [chain.root.aid],
        });
        expect(v.valid).toBe(true);
        const w = store.validate(chain.ecrCred.credential.d, {
          validOn: day(10),
          resolution: DAY,
          trustedRoots: [chain.root.aid],
        });
        expect(w.status).toBe("revoked-before");
      }),
      { seed: 9, numRuns: 30 },
    );
  });
});
