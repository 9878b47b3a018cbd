// The agent's event rules, anchors and lifecycle, in virtual time.

import { noteVerifier, verifyDocuments } from "@chronoseal/core";
import { describe, expect, it } from "vitest";
import { openAnchor } from "../src/anchors.js";
import { audit } from "../src/audit/auditor.js";
import { ENTRY_CONTEXT } from "../src/entry.js";
import { entryHash } from "../src/entry-hash.js";
import { assertNoPersonalData, DOOR, makeLock, privacy } from "./helpers.js";

const events = (sent: { event: string }[]) => sent.map((e) => e.event);

describe("event rules", () => {
  it("commissioning writes chain-opened and a genesis anchor", async () => {
    const { agent, sent, anchors } = await makeLock();
    expect(events(sent)).toEqual(["chain-opened"]);
    expect(sent[0]).toMatchObject({ seq: 0, prev: "", chain: `${DOOR}/2025-01`, door: DOOR });
    expect(anchors.notes()).toHaveLength(1);
    expect(anchors.notes()[0]).toContain("kind genesis");
    expect(anchors.devices().get(DOOR)).toBeDefined();
    await agent.stop();
  });

  it("accepted badge → opened with a pseudonym; the door opening within the unlock window adds nothing", async () => {
    const { agent, badge, sent, clock } = await makeLock();
    const r = await badge("BADGE-0042");
    expect(r.accepted).toBe(true);
    clock.advance(2_000);
    await agent.door(true);
    clock.advance(5_000);
    await agent.door(false);
    expect(events(sent)).toEqual(["chain-opened", "opened", "closed"]);
    expect(sent[1]!.user).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(sent[2]!.detail).toEqual({ openMs: 5_000 });
    expect(JSON.stringify(sent)).not.toContain("card-BADGE-0042");
    await agent.stop();
  });

  it("the same badge has the same pseudonym within a period, other badges others", async () => {
    const { agent, badge, sent } = await makeLock();
    await badge("A");
    await badge("B");
    await badge("A");
    expect(sent[1]!.user).toBe(sent[3]!.user);
    expect(sent[1]!.user).not.toBe(sent[2]!.user);
    await agent.stop();
  });

  it("a door opened without a badge, or after the unlock window, is recorded as opened (cause no-badge)", async () => {
    const { agent, badge, sent, clock } = await makeLock({ unlockMs: 10_000 });
    await agent.door(true);
    await agent.door(false);
    await badge("late");
    clock.advance(10_001);
    await agent.door(true);
    await agent.door(false);
    expect(events(sent)).toEqual(["chain-opened", "opened", "closed", "opened", "opened", "closed"]);
    expect(sent[1]!.detail).toEqual({ cause: "no-badge" });
    expect(sent[1]!.user).toBeUndefined();
    expect(sent[4]!.detail).toEqual({ cause: "no-badge" });
    await agent.stop();
  });

  it("door open 60 s → exactly one held-open at the 60 s mark; nextWakeup points at it", async () => {
    const { agent, badge, sent, clock } = await makeLock();
    await badge("B1");
    await agent.door(true);
    const opened = clock.now();
    expect(agent.nextWakeup()).toBe(opened + 60_000);
    clock.advance(59_999);
    await agent.tick();
    expect(events(sent).at(-1)).toBe("opened");
    clock.advance(1);
    await agent.tick();
    expect(events(sent).at(-1)).toBe("held-open");
    expect(sent.at(-1)!.detail).toEqual({ openMs: 60_000 });
    clock.advance(120_000);
    await agent.tick();
    await agent.door(false);
    expect(events(sent)).toEqual(["chain-opened", "opened", "held-open", "closed"]);
    expect(sent.at(-1)!.detail).toEqual({ openMs: 180_000 });
    // a second long opening gets its own held-open
    await agent.door(true);
    clock.advance(60_000);
    await agent.tick();
    await agent.door(false);
    expect(events(sent).slice(4)).toEqual(["opened", "held-open", "closed"]);
    await agent.stop();
  });

  it("a badge while the door is open is another opened; repeated sensor states are ignored", async () => {
    const { agent, badge, sent } = await makeLock();
    await badge("first");
    await agent.door(true);
    await agent.door(true);
    await badge("second");
    await agent.door(false);
    await agent.door(false);
    expect(events(sent)).toEqual(["chain-opened", "opened", "opened", "closed"]);
    await agent.stop();
  });

  it("refused badges leave no entry and do not unlock", async () => {
    const unlocked: number[] = [];
    const { VirtualClock } = await import("./helpers.js");
    const clock = new VirtualClock();
    const driver = { now: clock.now, unlock: (ms: number) => unlocked.push(ms) };
    const { agent, badge, sent } = await makeLock({
      driver,
      authorize: (id) => id !== "card-stolen",
      unlockMs: 3000,
    });
    expect(await badge("stolen")).toEqual({ accepted: false });
    expect((await badge("ok")).accepted).toBe(true);
    expect(events(sent)).toEqual(["chain-opened", "opened"]);
    expect(unlocked).toEqual([3000]);
    await agent.stop();
  });

  it("entries are signed by the device key in context lock-entry and hash-chained", async () => {
    const { agent, badge, sent, devices } = await makeLock();
    for (let i = 0; i < 5; i++) await badge(`chain-${i}`);
    const reports = verifyDocuments(sent, { trusted: [devices.get(DOOR)!], context: ENTRY_CONTEXT });
    expect(reports.every((r) => r.time !== undefined)).toBe(true);
    sent.forEach((e, i) => {
      expect(e.seq).toBe(i);
      expect(e.prev).toBe(i === 0 ? "" : entryHash(sent[i - 1]!));
    });
    await agent.stop();
  });

  it("bad input is a TypeError", async () => {
    const { agent } = await makeLock();
    await expect(agent.badge("")).rejects.toThrow(TypeError);
    await expect(agent.door("open" as unknown as boolean)).rejects.toThrow(TypeError);
    await agent.stop();
  });
});

describe("anchors", () => {
  it("intermediate every N entries, heartbeat when idle, intermediate on time when not idle, final at decommissioning", async () => {
    const {
      agent,
      badge,
      clock,
      anchors,
      audit: opts,
    } = await makeLock({ anchorEvery: 5, anchorInterval: 3_600_000 });
    for (let i = 0; i < 12; i++) await badge(`BADGE-${i}`);
    // 13 entries: genesis at 1, intermediates at 5 entries since the previous anchor → sizes 6, 11
    clock.advance(3_600_000);
    await agent.tick(); // 2 entries since the last anchor → intermediate
    clock.advance(3_600_000);
    await agent.tick(); // nothing happened → heartbeat
    expect(agent.nextWakeup()).toBe(clock.now() + 3_600_000);
    const final = await agent.decommission();
    const v = noteVerifier(DOOR, new Uint8Array(Buffer.from(opts().deviceKeys.get(DOOR)!, "base64")));
    const opened = anchors.notes().map((n) => openAnchor(n, v));
    expect(opened.map((a) => [a.kind, a.size])).toEqual([
      ["genesis", 1],
      ["intermediate", 6],
      ["intermediate", 11],
      ["intermediate", 13],
      ["heartbeat", 13],
      ["final", 14],
    ]);
    // each anchor links the previous one; the final one is what decommission returned
    opened.forEach((a, i) => {
      expect(a.prevAnchor).toBe(i === 0 ? "" : opened[i - 1]!.hash);
    });
    expect(opened.at(-1)!.hash).toBe(final);
    for (const n of anchors.notes()) assertNoPersonalData(n);
    expect(privacy.notes.length).toBeGreaterThan(0);
    // The anchors alone prove what the collector must have: with no entries, all 14 are dropped.
    const [verdict] = await audit([], opts());
    expect(verdict!.findings.map((f) => [f.kind, f.seqs.length])).toEqual([["dropped", 14]]);
    await agent.stop();
  });

  it("the privacy check catches a note that contains a pseudonym", () => {
    privacy.pseudonyms.add("Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=");
    expect(() => assertNoPersonalData("x\nZm9vYmFyYmF6cXV4MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=\n")).toThrow(
      /pseudonym/,
    );
    privacy.badges.add("BADGE-9999");
    expect(() => assertNoPersonalData("kind BADGE-9999")).toThrow(/badge id/);
  });

  it("after decommissioning the lock refuses events, and a restart stays decommissioned", async () => {
    const { agent, badge, dir, options } = await makeLock();
    await badge("x");
    await agent.decommission();
    await expect(badge("y")).rejects.toThrow(/decommissioned/);
    await agent.stop();
    const { LockAgent } = await import("../src/agent.js");
    await expect(LockAgent.start({ ...options, dir })).rejects.toThrow(/decommissioned/);
  });
});

describe("restarts", () => {
  it("a clean stop and restart records nothing; an unclean one records recovered with the gap", async () => {
    const first = await makeLock();
    await first.badge("x");
    await first.agent.stop();
    const second = await makeLock({}, first.dir, first.clock);
    expect(second.sent).toEqual([]);
    expect(second.agent.lastEntry!.seq).toBe(1);
    await second.badge("y");
    // no stop(): the process dies
    second.clock.advance(5_000);
    const third = await makeLock({}, first.dir, first.clock);
    expect(events(third.sent)).toEqual(["recovered"]);
    expect(third.sent[0]).toMatchObject({ seq: 3, detail: { truncatedBytes: 0, lastSeq: 2 } });
    expect(third.sent[0]!.prev).toBe(entryHash(second.sent[0]!));
    await third.agent.stop();
  });
});

describe("disk errors", () => {
  it("a failed write is reported to the caller, not as an unhandled rejection", async () => {
    let fail = false;
    const observer = {
      wrote(path: string) {
        if (fail && path.endsWith(".log")) throw new Error("EIO: i/o error (simulated)");
      },
      synced() {},
      replaced() {},
      truncated() {},
      removed() {},
    };
    const lock = await makeLock({ storageObserver: observer, anchorEvery: 1 });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      fail = true;
      await expect(lock.badge("1")).rejects.toThrow(/EIO/);
      // Node reports an unhandled rejection once the microtask queue has drained, before the next
      // macrotask: one turn of the event loop is enough (no timer involved).
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
