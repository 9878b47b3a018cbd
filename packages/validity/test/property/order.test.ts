// Verdicts are a function of the evidence set, T, W and the trusted roots — nothing else:
// not the arrival order (permutations, duplicates, stripped and junk copies), not the order of
// queries, not what was validated before or what arrived in between, not the wall clock.
import { init } from "@chronoseal/core";
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { EvidenceStore, makeIssuance, makeRevocation } from "../../src/index.js";
import { buildChain, type Chain, DAY, day, stripped } from "../fixture.js";

let chain: Chain;
let pieces: Uint8Array[];
let queries: string[];

beforeAll(async () => {
  await init();
  chain = buildChain({ qviAttributes: { gracePeriod: 30 } });
  const reply = chain.le.reply(chain.ecrCred, day(9));
  const revLe = chain.qvi.revoke(chain.leCred, day(8));
  const revQvi = chain.root.revoke(chain.qviCred, day(6));
  const reg = chain.le.registry as string;
  const junkIss = makeIssuance({ credential: chain.ecrCred, registry: reg, dt: day(1, 1) }).raw;
  const junkRev = makeRevocation({
    credential: chain.leCred,
    registry: chain.qvi.registry as string,
    issuance: "EJunkJunkJunkJunkJunkJunkJunkJunkJunkJunkJun",
    dt: day(4),
  }).raw;
  const signed = [...chain.messages, reply, ...revLe.messages, ...revQvi.messages];
  pieces = [...signed, ...signed.slice(0, 8).map(stripped), junkIss, junkRev];
  queries = [chain.ecrCred, chain.leCred, chain.qviCred];
});

afterEach(() => {
  vi.useRealTimers();
});

function fresh(order: readonly Uint8Array[]): EvidenceStore {
  const s = new EvidenceStore();
  s.import(chain.schemas);
  for (const p of order) s.import(p);
  return s;
}

const T = fc.integer({ min: 0, max: 40 }).map((h) => day(1) + h * (DAY / 2));
const W = fc.constantFrom(DAY, DAY / 4, 7 * DAY, 3_600_000);

describe("order independence (property, pinned seeds)", () => {
  it("any arrival order, with duplicates, stripped and junk copies, gives the same verdicts", () => {
    const reference = fresh(pieces);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(pieces, { minLength: pieces.length, maxLength: pieces.length }),
        fc.array(fc.integer({ min: 0, max: pieces.length - 1 }), { maxLength: 4 }),
        T,
        W,
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        (order, dups, t, w, clock) => {
          const store = fresh([...order, ...dups.map((i) => pieces[i] as Uint8Array)]);
          vi.useFakeTimers();
          vi.setSystemTime(clock);
          for (const said of queries) {
            const opts = { validOn: t, resolution: w, trustedRoots: [chain.root.prefix] };
            expect(store.validate(said, opts)).toEqual(reference.validate(said, opts));
            expect(store.status(said)).toEqual(reference.status(said));
          }
          vi.useRealTimers();
        },
      ),
      { seed: 1515, numRuns: 40 },
    );
  });

  it("any query sequence, interleaved with arrivals, ends in the one-shot verdicts", () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(pieces, { minLength: pieces.length, maxLength: pieces.length }),
        fc.array(fc.tuple(fc.constantFrom(0, 1, 2), T, W, fc.integer({ min: 0, max: 100 })), {
          minLength: 1,
          maxLength: 12,
        }),
        (order, sequence) => {
          const store = new EvidenceStore();
          store.import(chain.schemas);
          let delivered = 0;
          for (const [q, t, w, pct] of sequence) {
            // Deliver a prefix of the arrival order, then ask something.
            const upTo = Math.max(delivered, Math.floor((order.length * pct) / 100));
            for (; delivered < upTo; delivered++) store.import(order[delivered] as Uint8Array);
            const said = queries[q] as string;
            const opts = { validOn: t, resolution: w, trustedRoots: [chain.root.prefix] };
            // A query's answer is the answer a fresh store with the same evidence gives.
            expect(store.validate(said, opts)).toEqual(fresh(order.slice(0, delivered)).validate(said, opts));
          }
          for (; delivered < order.length; delivered++) store.import(order[delivered] as Uint8Array);
          const reference = fresh(pieces);
          for (const said of queries) {
            const opts = { validOn: day(7), resolution: DAY, trustedRoots: [chain.root.prefix] };
            expect(store.validate(said, opts)).toEqual(reference.validate(said, opts));
          }
        },
      ),
      { seed: 1516, numRuns: 25 },
    );
  });

  it("the reference verdicts are the expected ones (so the properties compare something)", () => {
    const s = fresh(pieces);
    const v = (said: string, t: number) =>
      s.validate(said, { validOn: t, resolution: DAY, trustedRoots: [chain.root.prefix] });
    expect(v(chain.ecrCred, day(5)).valid).toBe(true);
    // day 7: the QVI credential is revoked (day 6) but its grace (30 days) carries what was
    // issued before: the LE credential, and the ECR's own NI2I edge to it.
    expect(v(chain.leCred, day(7)).valid).toBe(true);
    expect(v(chain.ecrCred, day(7)).edges.filter((e) => e.grace)).toHaveLength(2);
    expect(v(chain.leCred, day(40))).toMatchObject({ valid: false, status: "revoked" });
    // day 10: the LE credential is revoked (day 8) — and the LE's reply of day 9 is no duplicity
    // (it is about the ECR, which is not revoked).
    expect(v(chain.leCred, day(10))).toMatchObject({ valid: false, status: "revoked" });
    expect(v(chain.ecrCred, day(2, 23)).status).toBe("not-yet-issued");
  });
});
