// The auditor against each tampering class (the verdict names exactly the affected entries), an
// untampered log of 100,000 entries, unanchored tails, missing final anchors and bad anchors.
import { formatTimestamp, toBase64 } from "@chronoseal/core";
import { beforeAll, describe, expect, it } from "vitest";
import { anchorHash, signAnchor } from "../src/anchors.js";
import { Auditor, audit } from "../src/audit/auditor.js";
import type { AuditOptions } from "../src/audit/verdict.js";
import { type LockEntry, signEntry } from "../src/entry.js";
import { deviceKey, makeLock, summary, syntheticLog } from "./helpers.js";

async function history(n: number, anchorEvery = 10) {
  const lock = await makeLock({ anchorEvery });
  for (let i = 0; i < n; i++) {
    lock.clock.advance(60_000);
    await lock.badge(`B${i % 7}`);
  }
  await lock.agent.decommission();
  await lock.agent.stop();
  return { entries: lock.sent, options: lock.audit() };
}

let entries: LockEntry[];
let options: AuditOptions;
beforeAll(async () => {
  ({ entries, options } = await history(40)); // seqs 0..41, anchored through 41 (final)
});

const at = (seq: number) => entries.find((e) => e.seq === seq)!;

describe("auditor: tampering classes", () => {
  it("verifies the untampered log", async () => {
    const [v] = await audit(entries, options);
    expect(v).toMatchObject({ verified: true, findings: [], lastSeq: 41, anchoredThrough: 41, received: 42 });
  });

  const cases: [string, (e: LockEntry[]) => LockEntry[], [string, number[]][]][] = [
    ["drop one", (e) => e.filter((x) => x.seq !== 17), [["dropped", [17]]]],
    ["drop several apart", (e) => e.filter((x) => x.seq !== 3 && x.seq !== 30), [["dropped", [3, 30]]]],
    ["drop the tail", (e) => e.filter((x) => x.seq < 38), [["dropped", [38, 39, 40, 41]]]],
    [
      "alter a field",
      (e) => e.map((x) => (x.seq === 12 ? { ...x, event: "closed" as const } : x)),
      [["altered", [12]]],
    ],
    [
      "alter the pseudonym",
      (e) =>
        e.map((x) =>
          x.seq === 20 ? { ...x, user: at(21).user! === x.user ? at(22).user! : at(21).user! } : x,
        ),
      [["altered", [20]]],
    ],
    ["alter a link", (e) => e.map((x) => (x.seq === 9 ? { ...x, prev: at(3).prev } : x)), [["altered", [9]]]],
    [
      "swap two",
      (e) => {
        const c = [...e];
        [c[20], c[21]] = [c[21]!, c[20]!];
        return c;
      },
      [["reordered", [20, 21]]],
    ],
    [
      "swap two after a gap (the swapped pair waits behind the gap)",
      (e) => {
        const c = e.filter((x) => x.seq !== 5);
        const i = c.findIndex((x) => x.seq === 20);
        [c[i], c[i + 1]] = [c[i + 1]!, c[i]!];
        return c;
      },
      [
        ["dropped", [5]],
        ["reordered", [20, 21]],
      ],
    ],
    [
      "a late entry, then a gap before the rest (the late one is still reported)",
      (e) => {
        const c = e.filter((x) => x.seq !== 12 && x.seq !== 30);
        const i = c.findIndex((x) => x.seq === 10);
        [c[i], c[i + 1]] = [c[i + 1]!, c[i]!];
        return c;
      },
      [
        ["dropped", [12, 30]],
        ["reordered", [10, 11]],
      ],
    ],
    ["replay", (e) => [...e.slice(0, 30), e[25]!, ...e.slice(30)], [["replayed", [25]]]],
    [
      "fork a sequence number (fake after the original)",
      (e) => [...e.slice(0, 30), { ...e[25]!, event: "closed" as const }, ...e.slice(30)],
      [["forked", [25]]],
    ],
    [
      "fork a sequence number (fake before the original)",
      (e) => [...e.slice(0, 25), { ...e[25]!, event: "closed" as const }, ...e.slice(25)],
      [["forked", [25]]],
    ],
    [
      "backdate",
      (e) => e.map((x) => (x.seq === 15 ? { ...x, time: "2025-01-06T08:01:00.000Z" } : x)),
      [["backdated", [15]]],
    ],
    [
      "backdate with a matching signed_at",
      (e) =>
        e.map((x) => {
          if (x.seq !== 15) return x;
          const [k, sig] = Object.entries(x.signatures!)[0]!;
          const time = "2025-01-06T08:01:00.000Z";
          return { ...x, time, signatures: { [k]: { ...sig, signed_at: time } } };
        }),
      [["backdated", [15]]],
    ],
    ["delete a whole chain", () => [], [["dropped", Array.from({ length: 42 }, (_, i) => i)]]],
  ];
  for (const [name, tamper, want] of cases) {
    it(name, async () => {
      for (const compaction of [false, true]) {
        const v = await audit(tamper(entries), { ...options, compaction });
        expect(v[0]!.verified, `${name} (compaction ${compaction})`).toBe(false);
        expect(summary(v), `${name} (compaction ${compaction})`).toEqual(want);
      }
    });
  }

  it("several classes at once, each named", async () => {
    const t = entries
      .filter((e) => e.seq !== 5)
      .map((e) => (e.seq === 10 ? { ...e, detail: { openMs: 1 } } : e))
      .concat([at(2)]);
    const v = await audit(t, options);
    expect(summary(v)).toEqual([
      ["dropped", [5]],
      ["altered", [10]],
      ["replayed", [2]],
    ]);
    expect(v[0]!.findings.map((f) => f.detail)).toEqual([
      "missing from the collector's log",
      "the device signature does not verify",
      "delivered again",
    ]);
  });

  it("an entry held back past the reorder window is first dropped, then reordered when it turns up", async () => {
    const t = [...entries.filter((e) => e.seq !== 3), at(3)];
    expect(summary(await audit(t, { ...options, reorderWindow: 4 }))).toEqual([["reordered", [3]]]);
    expect(summary(await audit(t, options))).toEqual([
      [
        "reordered",
        [
          3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
          30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41,
        ],
      ],
    ]);
  });

  it("delivery order, property: with any entries dropped and any order of the rest, exactly the entries on either side of an inversion are reordered", async () => {
    // A seeded generator: each case drops a few entries and shuffles the rest within short windows.
    let seed = 0x5eed;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 60; round++) {
      const drops = new Set(Array.from({ length: rand(4) }, () => 1 + rand(40)));
      const kept = entries.filter((e) => !drops.has(e.seq));
      for (let k = rand(6); k > 0; k--) {
        const i = rand(kept.length - 1);
        const j = Math.min(kept.length - 1, i + 1 + rand(4));
        [kept[i], kept[j]] = [kept[j]!, kept[i]!];
      }
      const inverted = new Set<number>();
      kept.forEach((x, i) => {
        for (const y of kept.slice(i + 1))
          if (y.seq < x.seq) {
            inverted.add(x.seq);
            inverted.add(y.seq);
          }
      });
      for (const compaction of [false, true]) {
        const [v] = await audit(kept, { ...options, compaction });
        const reordered = v!.findings
          .filter((f) => f.kind === "reordered")
          .flatMap((f) => f.ranges.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i)));
        const what = `round ${round}: drops ${[...drops]} order ${kept.map((x) => x.seq)}`;
        expect(
          reordered.sort((a, b) => a - b),
          what,
        ).toEqual([...inverted].sort((a, b) => a - b));
      }
    }
  });

  it("malformed entries are reported as altered, unattributable ones counted", async () => {
    const a = new Auditor(options);
    for (const e of entries) a.push(e.seq === 7 ? { ...e, v: 2 } : e);
    a.push({ junk: true });
    a.push("not an entry");
    const v = a.finish();
    expect(summary(v)).toEqual([["altered", [7]]]);
    expect(a.unattributed).toBe(2);
  });
});

describe("auditor: anchors", () => {
  it("reports an unanchored tail (still verified) and a missing final anchor", async () => {
    const lock = await makeLock({ anchorEvery: 10 });
    for (let i = 0; i < 14; i++) await lock.badge(`B${i}`);
    const [v] = await audit(lock.sent, lock.audit());
    expect(v!.verified).toBe(true);
    expect(summary([v!])).toEqual([["unanchored", [11, 12, 13, 14]]]);
    await lock.agent.decommission();
    const withoutFinal = lock.anchors.notes().filter((n) => !n.includes("kind final"));
    const [w] = await audit(lock.sent, { ...lock.audit(), anchors: withoutFinal });
    expect(summary([w!])).toEqual([
      ["unanchored", [11, 12, 13, 14, 15]],
      ["missing-final-anchor", []],
    ]);
    expect(w!.verified).toBe(false);
    await lock.agent.stop();
  });

  it("ignores duplicate anchors; reports anchors that do not verify or do not link", async () => {
    const base = options.anchors;
    const [dup] = await audit(entries, { ...options, anchors: [...base, ...base] });
    expect(dup!.verified).toBe(true);
    const broken = base.map((n, i) => (i === 2 ? n.replace("kind intermediate", "kind heartbeat") : n));
    const [bad] = await audit(entries, { ...options, anchors: broken });
    expect(bad!.findings.map((f) => f.kind)).toContain("bad-anchor");
    // an extra, validly signed anchor that links nowhere, with a root the entries do not build
    const kp = await deviceKey();
    const stray = signAnchor(
      {
        chain: "door-17/2025-01",
        kind: "intermediate",
        size: 5,
        root: toBase64(new Uint8Array(32).fill(7)),
        lastSeq: 4,
        prevAnchor: anchorHash(base[0]!),
        time: formatTimestamp(Date.UTC(2025, 0, 6, 8)),
      },
      "door-17",
      kp.secretKey,
    );
    const [forked] = await audit(entries, { ...options, anchors: [...base, stray] });
    expect(forked!.findings.map((f) => f.kind)).toEqual(["bad-anchor"]);
  });

  it("device equivocation: a second validly signed entry is a fork; a whole consistent alternative history misses the anchors", async () => {
    const kp = await deviceKey();
    const { signatures: _s, ...body } = at(4);
    const other = signEntry({ ...body, event: "closed" }, kp.secretKey, Date.parse(body.time));
    expect(
      summary(
        await audit(
          entries.map((e) => (e.seq === 4 ? other : e)),
          options,
        ),
      ),
    ).toEqual([["forked", [4]]]);
    // Re-sign everything from 4 on as a consistent chain: every entry verifies, every link holds,
    // but the tree is not the one the device anchored.
    const alt: LockEntry[] = entries.slice(0, 4);
    for (const e of entries.slice(4)) {
      const { signatures: _x, ...b } = e;
      const prev = (await import("../src/entry-hash.js")).entryHash(alt.at(-1)!);
      alt.push(
        signEntry(
          { ...b, prev, ...(e.seq === 4 ? { event: "closed" as const } : {}) },
          kp.secretKey,
          Date.parse(b.time),
        ),
      );
    }
    const v = await audit(alt, options);
    expect(v[0]!.findings.map((f) => [f.kind, f.seqs])).toEqual([["anchor-mismatch", [10, 20, 30, 40, 41]]]);
  });

  it("an entry for a door without a key is unverifiable", async () => {
    const [v] = await audit(entries, { ...options, deviceKeys: new Map() });
    expect(v!.findings.map((f) => f.kind)).toEqual(["unknown-device"]);
  });
});

describe("auditor: scale", () => {
  // 300 s, not the default 30 s: signs a 100,000-entry log (one Ed25519 signature each) and audits it
  // twice; the scale is the point of the test, and signing alone takes tens of seconds under load.
  it("verifies an untampered log of 100,000 entries, and finds one altered entry deep inside", async () => {
    const { entries: big, options: o } = await syntheticLog(100_000, 1000);
    const [v] = await audit(big, o);
    expect(v).toMatchObject({ verified: true, received: 100_000, findings: [], anchoredThrough: 99_999 });
    big[77_777] = { ...big[77_777]!, time: "2025-01-07T08:00:00.000Z" };
    big.splice(50_000, 1);
    const [w] = await audit(big, { ...o, compaction: true });
    expect(summary([w!])).toEqual([
      ["dropped", [50_000]],
      ["altered", [77_777]],
    ]);
  }, 300_000);

  it("bad signatures on both sides of every batch boundary are found exactly, whatever the batch size", async () => {
    // The default batch is 4,096 entries (one verifyBatch call of one key): put signatures with
    // one bit flipped (the entry and signed_at untouched, so no link breaks) at the first and last
    // places of batches, and a few inside; every batch size must name exactly those.
    const { entries: log, options: o } = await syntheticLog(9000, 1000);
    const bad = [0, 1, 1023, 1024, 4095, 4096, 4097, 6000, 8191, 8192, 8999];
    const flipped = (e: LockEntry): LockEntry => {
      const [k, s] = Object.entries(e.signatures!)[0]!;
      const sig = Buffer.from(s.signature, "base64");
      sig[10]! ^= 4;
      return { ...e, signatures: { [k]: { ...s, signature: sig.toString("base64") } } };
    };
    const swapped = log.map((e, i) => (bad.includes(i) ? flipped(e) : e));
    const want = summary(await audit(swapped, { ...o, batchSize: 1 }));
    expect(want).toEqual([["altered", bad]]);
    for (const batchSize of [undefined, 1024, 4097, 8192, 9000]) {
      expect(summary(await audit(swapped, { ...o, ...(batchSize ? { batchSize } : {}) }))).toEqual(want);
    }
  }, 120_000);

  it("interleaved chains of several doors are judged separately", async () => {
    const a = await syntheticLog(300, 50, "door-a", 1);
    const b = await syntheticLog(200, 50, "door-b", 2);
    const mixed: LockEntry[] = [];
    for (let i = 0; i < 300; i++) {
      mixed.push(a.entries[i]!);
      if (i < 200 && i !== 150) mixed.push(b.entries[i]!);
    }
    const v = await audit(mixed, {
      deviceKeys: new Map([...a.options.deviceKeys, ...b.options.deviceKeys]),
      anchors: [...a.options.anchors, ...b.options.anchors],
    });
    expect(v.map((c) => [c.chain, c.verified])).toEqual([
      ["door-a/2025-01", true],
      ["door-b/2025-01", false],
    ]);
    expect(summary(v)).toEqual([["dropped", [150]]]);
  });
});
