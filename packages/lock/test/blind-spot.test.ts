// A short blind spot: a signed head of the unanchored tail at most every headInterval, an anchor
// on every clean stop, and an auditor that reports exactly which tail no anchor or head proves.
// Property: deleting any suffix of a chain's entries at the collector is either reported as
// dropped, or lies entirely within the reported unanchored tail (after anchoredThrough) — and with
// heads, that tail holds only entries younger than headInterval.

import { noteVerifier } from "@chronoseal/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Anchor, anchorHash, openAnchor, signAnchor } from "../src/anchors.js";
import { audit } from "../src/audit/auditor.js";
import type { LockEntry } from "../src/entry.js";
import { DOOR, makeLock, summary } from "./helpers.js";

const MIN = 60_000;

/** Every note in the anchors file, opened. */
function published(lock: {
  anchors: { notes(): string[] };
  options: { keyPair: { publicKey: Uint8Array } };
}) {
  const v = noteVerifier(DOOR, lock.options.keyPair.publicKey);
  return lock.anchors.notes().map((n) => openAnchor(n, v));
}

describe("heads", () => {
  it("a busy lock publishes at most one head per interval; no entry stays uncovered longer than it", async () => {
    const lock = await makeLock({ anchorEvery: 1000, anchorInterval: 24 * 60 * MIN });
    const { agent, clock, badge } = lock;
    const start = clock.now();
    const covered: { at: number; through: number }[] = [];
    agent.subscribe({ head: (_n, a) => covered.push({ at: clock.now(), through: a.lastSeq }) });
    for (let i = 0; i < 120; i++) {
      clock.advance(20_000 + ((i * 7919) % 40_000)); // a badge every 20-60 s
      await badge(`b${i % 9}`);
      while (agent.nextWakeup() <= clock.now()) await agent.tick();
      // whatever happens next, every entry older than the interval is covered by a head
      const uncoveredFrom = (covered.at(-1)?.through ?? 0) + 1;
      for (const e of lock.sent.filter((x) => x.seq >= uncoveredFrom))
        expect(clock.now() - Date.parse(e.time)).toBeLessThan(5 * MIN);
    }
    const heads = published(lock).filter((a) => a.kind === "head");
    expect(heads.length).toBe(covered.length);
    for (let i = 1; i < covered.length; i++)
      expect(covered[i]!.at - covered[i - 1]!.at).toBeGreaterThanOrEqual(5 * MIN);
    // and no fewer than one per interval plus the longest gap between entries (60 s)
    expect(heads.length).toBeGreaterThanOrEqual(Math.floor((clock.now() - start) / (6 * MIN)) - 1);
    await agent.stop();
  });

  it("an idle lock publishes no heads; headInterval 0 and sinks without publishHead publish none", async () => {
    const idle = await makeLock();
    for (let i = 0; i < 10; i++) {
      idle.clock.advance(10 * MIN);
      await idle.agent.tick();
    }
    expect(idle.anchors.notes().some((n) => n.includes("\nkind head\n"))).toBe(false);
    await idle.agent.stop();
    const off = await makeLock({ headInterval: 0, anchorEvery: 1000 });
    await off.badge("x");
    off.clock.advance(10 * MIN);
    await off.agent.tick();
    expect(off.anchors.notes().some((n) => n.includes("\nkind head\n"))).toBe(false);
    await off.agent.stop();
  });

  it("a head that cannot be published is retried, and never more than once per tick", async () => {
    let fail = true;
    const notes: string[] = [];
    const sink = {
      publish: () => {},
      publishHead: (n: string) => {
        if (fail) throw new Error("mesh down");
        notes.push(n);
      },
    };
    const lock = await makeLock({ anchors: sink, anchorEvery: 1000 });
    await lock.badge("x");
    lock.clock.advance(5 * MIN);
    await lock.agent.tick();
    expect(lock.agent.anchorBacklog.error).toBe("mesh down");
    expect(notes).toEqual([]);
    fail = false;
    lock.clock.advance(5_000);
    await lock.agent.tick();
    expect(notes).toEqual([]); // retry after 10 s
    lock.clock.advance(5_000);
    await lock.agent.tick();
    expect(notes).toHaveLength(1);
    expect(lock.agent.anchorBacklog.error).toBeUndefined();
    await lock.agent.stop();
  });
});

describe("clean stop", () => {
  it("anchors the unanchored tail on stop, so the audit has no unanchored tail", async () => {
    const lock = await makeLock({ anchorEvery: 10 });
    for (let i = 0; i < 13; i++) await lock.badge(`s${i}`);
    await lock.agent.stop();
    const [v] = await audit(lock.sent, lock.audit());
    expect(v).toMatchObject({ verified: true, findings: [], anchoredThrough: 13, headThrough: -1 });
    // a stop with nothing unanchored adds no anchor
    const again = await makeLock({ anchorEvery: 10 }, lock.dir, lock.clock);
    const before = lock.anchors.notes().length;
    await again.agent.stop();
    expect(lock.anchors.notes().length).toBe(before);
  });

  it("stop({ anchor: false }) leaves the tail unanchored", async () => {
    const lock = await makeLock({ anchorEvery: 10 });
    for (let i = 0; i < 3; i++) await lock.badge(`n${i}`);
    await lock.agent.stop({ anchor: false });
    const [v] = await audit(lock.sent, lock.audit());
    expect(summary([v!])).toEqual([["unanchored", [1, 2, 3]]]);
  });
});

describe("the auditor and heads", () => {
  async function chainWithHead() {
    const lock = await makeLock({ anchorEvery: 5 });
    for (let i = 0; i < 8; i++) {
      lock.clock.advance(MIN);
      await lock.badge(`h${i}`);
    }
    lock.clock.advance(5 * MIN);
    await lock.agent.tick(); // head over seq 0..8
    lock.clock.advance(MIN);
    await lock.badge("after"); // seq 9: uncovered
    await lock.agent.stop({ anchor: false });
    return lock;
  }

  it("the newest head proves the tail's length: a cut before it is dropped, after it unanchored", async () => {
    const lock = await chainWithHead();
    const [v] = await audit(lock.sent, lock.audit());
    expect(v).toMatchObject({ verified: true, anchoredThrough: 8, headThrough: 8 });
    expect(summary([v!])).toEqual([["unanchored", [9]]]);
    expect(v!.anchoredAt).toBe(published(lock).find((a) => a.kind === "head")!.time);
    const [cut] = await audit(lock.sent.slice(0, 7), lock.audit());
    expect(summary([cut!])).toEqual([["dropped", [7, 8]]]);
  });

  it("a head contradicting the entries, an anchor, or another head is a bad anchor; one whose anchor is missing is unlinked", async () => {
    const lock = await chainWithHead();
    const notes = lock.anchors.notes();
    const head = published(lock).find((a) => a.kind === "head")!;
    const forge = (over: Partial<Anchor>) =>
      signAnchor({ ...head, ...over }, DOOR, lock.options.keyPair.secretKey);
    const wrongRoot = forge({ root: lock.anchors.notes()[0]!.split("\n")[2]!, time: head.time });
    const [a] = await audit(lock.sent, { ...lock.audit(), anchors: [...notes, wrongRoot] });
    expect(summary([a!]).map(([k]) => k)).toContain("bad-anchor");
    const anchors = published(lock).filter((x) => x.kind !== "head");
    const withoutPrev = notes.filter((n) => anchorHash(n) !== head.prevAnchor);
    expect(anchors.some((x) => x.hash === head.prevAnchor)).toBe(true);
    const [b] = await audit(lock.sent, { ...lock.audit(), anchors: withoutPrev });
    expect(summary([b!]).map(([k]) => k)).toContain("unlinked");
    // a head whose root does not match the entries: anchor-mismatch
    const [c] = await audit(lock.sent, {
      ...lock.audit(),
      anchors: [...notes.filter((n) => !n.includes("\nkind head\n")), wrongRoot],
    });
    expect(summary([c!]).map(([k]) => k)).toContain("anchor-mismatch");
  });
});

describe("suffix deletion (property)", () => {
  it("deleting any suffix is reported as dropped, or lies within the reported unanchored tail", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          n: fc.integer({ min: 1, max: 40 }),
          anchorEvery: fc.integer({ min: 2, max: 15 }),
          gaps: fc.array(fc.integer({ min: 1_000, max: 8 * MIN }), { minLength: 40, maxLength: 40 }),
          stop: fc.boolean(),
          cut: fc.nat(),
        }),
        async ({ n, anchorEvery, gaps, stop, cut }) => {
          const lock = await makeLock({ anchorEvery, anchorInterval: 24 * 60 * MIN });
          for (let i = 0; i < n; i++) {
            lock.clock.advance(gaps[i]!);
            while (lock.agent.nextWakeup() <= lock.clock.now()) await lock.agent.tick();
            await lock.badge(`p${i % 5}`);
          }
          while (lock.agent.nextWakeup() <= lock.clock.now()) await lock.agent.tick();
          const auditAt = lock.clock.now();
          await lock.agent.stop({ anchor: stop });
          const entries: LockEntry[] = lock.sent;
          const last = entries.at(-1)!.seq;
          const [full] = await audit(entries, lock.audit());
          const through = full!.anchoredThrough;
          // exact: the newest anchor or head published
          const notes = published(lock);
          expect(through).toBe(Math.max(...notes.map((a) => a.lastSeq)));
          // the unanchored tail holds only entries younger than headInterval (5 min)
          for (const e of entries.filter((x) => x.seq > through))
            expect(auditAt - Date.parse(e.time)).toBeLessThan(5 * MIN);
          if (stop) expect(through).toBe(last);
          // the collector deletes seq k… (k = 0: everything)
          const k = cut % (last + 1);
          const [v] = await audit(
            entries.filter((e) => e.seq < k),
            lock.audit(),
          );
          const dropped = v!.findings.find((f) => f.kind === "dropped");
          if (k <= through) {
            expect(dropped?.ranges).toEqual([[k, through]]);
            expect(v!.verified).toBe(false);
          } else {
            expect(dropped).toBeUndefined();
            expect(v!.anchoredThrough).toBe(through);
            expect(k).toBeGreaterThan(v!.anchoredThrough); // the deleted seqs are all after it
          }
        },
      ),
      { seed: 1313, numRuns: 40 },
    );
  });
});
