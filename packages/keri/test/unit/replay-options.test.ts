// replayKels with a caller's batch verifier (a verdict cache in front of verifyBatch, as the
// validity store uses), and anchorIndex: every event seal of the accepted events, found where
// findAnchor finds it.
import { init, type VerifyItem, verifyBatch } from "@chronoseal/core";
import { beforeAll, describe, expect, it } from "vitest";
import { anchorIndex, eventSealKey, findAnchor, isEventSeal, replayKels } from "../../src/index.js";
import { Controller, sealOf, stream } from "../kel-fixture.js";

beforeAll(async () => {
  await init();
});

describe("replayKels({ verify })", () => {
  it("sends the one batch to the caller's verifier and trusts its verdicts", () => {
    const a = new Controller({ keys: 2 });
    const msgs = stream(a.incept().message, a.interact().message, a.interact().message);
    const seen: number[] = [];
    const replay = replayKels(msgs, {
      verify: (items) => {
        seen.push(items.length);
        return verifyBatch(items, { mode: "strict" });
      },
    });
    expect(seen).toEqual([6]);
    expect(replay.get(a.prefix)?.status).toBe("accepted");
    // A verifier that refuses everything leaves the log unsigned: the verdicts are used as given.
    const refused = replayKels(msgs, { verify: (items) => items.map(() => false) });
    expect(refused.get(a.prefix)?.status).toBe("rejected");
    expect(refused.get(a.prefix)?.rejected[0]?.code).toBe("ERR_KEL_UNSIGNED");
  });

  it("a verifier answering the wrong number of verdicts is a RangeError", () => {
    const a = new Controller();
    const msgs = stream(a.incept().message);
    expect(() => replayKels(msgs, { verify: (_items: readonly VerifyItem[]) => [] })).toThrow(RangeError);
  });
});

describe("anchorIndex", () => {
  it("indexes the event seals of accepted events exactly as findAnchor matches them", () => {
    const a = new Controller();
    const icp = a.incept();
    const seal = { i: "EAnchoredThing", s: "0", d: "EAnchoredDigest" };
    const first = a.interact([seal, { i: "x", s: "1", d: "y", extra: true }]);
    const again = a.interact([seal]);
    const log = replayKels(stream(icp.message, first.message, again.message)).get(a.prefix);
    if (!log) throw new Error("no log");
    const index = anchorIndex(log);
    const hit = index.get(eventSealKey(seal));
    expect(hit).toEqual(findAnchor(log, seal));
    expect(hit).toMatchObject({ sn: 1n, said: first.said, sealIndex: 0 });
    // A seal with more than {i, s, d} is not an event seal and is not indexed.
    expect(isEventSeal({ i: "x", s: "1", d: "y", extra: true })).toBe(false);
    expect(index.get("x|1|y")).toBeUndefined();
    // Only what the log seals is indexed: the log's own events are not.
    expect(index.get(eventSealKey(sealOf(first)))).toBeUndefined();
    expect(index.size).toBe(1);
  });
});
