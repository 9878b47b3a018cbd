// Replay depends only on the set of messages: any order, duplicates and stripped copies give
// the same logs, states, pending reasons, supersessions, rejections and duplicity evidence.
import { init } from "@chronoseal/core";
import fc from "fast-check";
import { beforeAll, expect, it } from "vitest";
import {
  concatStream,
  type KelReplay,
  makeInteraction,
  messagize,
  parseCesr,
  replayKels,
} from "../../src/index.js";
import { Controller, sealOf } from "../kel-fixture.js";

beforeAll(async () => {
  await init();
});

function summary(r: KelReplay): unknown {
  return [...r.logs.values()]
    .map((l) => ({
      prefix: l.prefix,
      status: l.status,
      sn: l.state?.sn.toString(),
      said: l.state?.said,
      keys: l.state?.keys,
      witnesses: l.state?.witnesses,
      accepted: l.accepted.map(
        (e) => `${e.said}:${e.signatures.verified}:${e.signatures.witnessed}:${e.anchor?.said ?? ""}`,
      ),
      pending: l.pending
        .map(
          (e) =>
            `${e.said}:${JSON.stringify(e.waitingFor, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`,
        )
        .sort(),
      superseded: l.superseded.map((e) => e.said).sort(),
      rejected: l.rejected.map((e) => `${e.said}:${e.code}`).sort(),
      duplicity: l.duplicity.map((d) => `${d.sn}:${d.events.map((e) => e.said).sort()}`),
      waiting: JSON.stringify(l.waitingFor),
    }))
    .sort((a, b) => (a.prefix < b.prefix ? -1 : 1));
}

function scenario(): Uint8Array[] {
  const msgs: Uint8Array[] = [];
  // A delegator with witnesses, and a delegate that rotates (drt), both anchored.
  const boss = new Controller({ witnesses: 2, toad: 2 });
  const bossIcp = boss.incept();
  msgs.push(bossIcp.message, messagize(bossIcp.raw, {})); // plus a stripped copy
  const del2 = new Controller({ keys: 2 });
  const dip2 = del2.incept({ kt: "2", delegator: bossIcp.said });
  const a1 = boss.interact([sealOf(dip2)]);
  const drt = del2.rotate();
  const a2 = boss.interact([sealOf(drt)]);
  msgs.push(dip2.message, a1.message, drt.message, a2.message);
  // A controller with a recovery: two compromised interactions superseded by a rotation.
  const c = new Controller();
  const icp = c.incept();
  const i1 = c.interact([{ d: "Ex" }]);
  const i2 = c.interact([{ d: "Ey" }]);
  const rot = c.rotate({ sn: 1, prior: icp.said });
  msgs.push(icp.message, i1.message, i2.message, rot.message, rot.message);
  // A duplicitous controller, an orphan, and junk.
  const d = new Controller();
  const dicp = d.incept();
  const x = d.interact([{ d: "Ea" }]);
  const y = d.attach(makeInteraction({ prefix: d.prefix, sn: 1, prior: dicp.said, seals: [{ d: "Eb" }] }));
  const z = d.interact();
  msgs.push(
    dicp.message,
    x.message,
    y,
    z.message,
    messagize(makeInteraction({ prefix: d.prefix, sn: 1, prior: dicp.said, seals: [{ d: "Ec" }] }).raw),
  );
  // Partially signed event completed by a second copy.
  const m = new Controller({ keys: 2 });
  const micp = m.incept({ kt: "2" });
  const mixn = m.interact();
  msgs.push(
    micp.message,
    m.attach(mixn, { signers: [m.current[0] as never], indices: [0] }),
    m.attach(mixn, { signers: [m.current[1] as never], indices: [1] }),
  );
  return msgs;
}

it("any permutation of the evidence replays identically (property)", () => {
  const msgs = scenario();
  const baseline = summary(replayKels(parseCesr(concatStream(msgs))));
  const statuses = (baseline as { status: string }[]).map((l) => l.status).sort();
  expect(statuses).toEqual(["accepted", "accepted", "accepted", "accepted", "duplicitous"]);
  fc.assert(
    fc.property(fc.shuffledSubarray(msgs, { minLength: msgs.length, maxLength: msgs.length }), (perm) => {
      expect(summary(replayKels(parseCesr(concatStream(perm))))).toEqual(baseline);
    }),
    { seed: 1405, numRuns: 60 },
  );
});
