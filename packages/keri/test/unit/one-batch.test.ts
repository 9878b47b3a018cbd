// Every signature of every replayed log is verified in ONE core verifyBatch call.
import * as core from "@chronoseal/core";
import { VLEI_STREAMS, vectorsDir, vleiStream } from "@chronoseal/testkit";
import { beforeAll, expect, it, vi } from "vitest";
import { concatStream, parseCesr, replayKels } from "../../src/index.js";
import { Controller } from "../kel-fixture.js";

vi.mock("@chronoseal/core", async (importOriginal) => {
  const mod = await importOriginal<typeof core>();
  return { ...mod, verifyBatch: vi.fn(mod.verifyBatch) };
});

beforeAll(async () => {
  await core.init();
});

it("one verifyBatch call covers controller signatures and receipts of all logs", () => {
  const a = new Controller({ keys: 3, witnesses: 2 });
  const b = new Controller({ witnesses: 1 });
  const msgs = [
    a.incept({ kt: "2" }).message,
    a.interact().message,
    a.rotate().message,
    b.incept().message,
    b.interact().message,
  ];
  const spy = vi.mocked(core.verifyBatch);
  spy.mockClear();
  const replay = replayKels(parseCesr(concatStream(msgs)));
  expect([...replay.logs.values()].map((l) => l.status)).toEqual(["accepted", "accepted"]);
  expect(spy).toHaveBeenCalledTimes(1);
  // a: 3 events x (3 controller + 2 witness); b: 2 events x (1 + 1).
  expect(spy.mock.calls[0]?.[0]).toHaveLength(3 * 5 + 2 * 2);
});

it.skipIf(!vectorsDir)("the real vLEI stream: one call for all its signatures", () => {
  const spy = vi.mocked(core.verifyBatch);
  spy.mockClear();
  const msgs = parseCesr(vleiStream(VLEI_STREAMS[1]));
  replayKels(msgs);
  expect(spy).toHaveBeenCalledTimes(1);
  // Distinct key events (duplicates merged) and their distinct signatures.
  const distinct = new Map<string, number>();
  for (const m of msgs) {
    if (!["icp", "ixn", "dip"].includes(m.ilk ?? "")) continue;
    distinct.set(m.body.d as string, m.attachments.controllerSigs.length + m.attachments.witnessSigs.length);
  }
  expect(spy.mock.calls[0]?.[0]).toHaveLength([...distinct.values()].reduce((x, y) => x + y, 0));
});
