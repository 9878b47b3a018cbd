import { init } from "@chronoseal/core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  encodeIndexer,
  makeInteraction,
  messagize,
  nextKeyDigest,
  replayKels,
  saidify,
  signIndexed,
} from "../../src/index.js";
import { Controller, freshSigner, sealOf, signers, stream } from "../kel-fixture.js";

beforeAll(async () => {
  await init();
});

describe("establishment and interaction", () => {
  it("icp → ixn → rot → ixn replays to the rotated key state", () => {
    const c = new Controller();
    const firstKey = c.current[0]?.verfer;
    const icp = c.incept();
    const ixn = c.interact([{ d: "Eanchor" }]);
    const rot = c.rotate();
    const ixn2 = c.interact();
    const log = replayKels(stream(icp.message, ixn.message, rot.message, ixn2.message)).get(c.prefix);
    expect(log).toMatchObject({ status: "accepted", pending: [], rejected: [], duplicity: [] });
    expect(log?.accepted.map((e) => [e.sn, e.ilk])).toEqual([
      [0n, "icp"],
      [1n, "ixn"],
      [2n, "rot"],
      [3n, "ixn"],
    ]);
    const s = log?.state;
    expect(s).toMatchObject({
      prefix: icp.said,
      sn: 3n,
      said: ixn2.said,
      ilk: "ixn",
      lastEst: { sn: 2n, said: rot.said },
    });
    expect(s?.keys).toEqual(c.current.map((k) => k.verfer));
    expect(s?.keys[0]).not.toBe(firstKey);
    expect(s?.nextDigests).toEqual(c.next.map((k) => nextKeyDigest(k.verfer)));
    expect(log?.accepted[2]?.signatures.exposed).toEqual([0]);
  });

  it("a rotation must be signed by the pre-rotated keys: current keys alone cannot rotate", () => {
    const c = new Controller();
    const icp = c.incept();
    const thief = c.current;
    const rot = c.rotate({ keys: signers(1, "thief") });
    const forged = c.attach(rot, { signers: thief.map((t) => t) });
    const log = replayKels(stream(icp.message, forged)).get(icp.said);
    // The thief's key is listed as the new key but the signature is by the old key: index 0 of
    // the new key list does not verify; nothing verifies, so the rotation is rejected.
    expect(log?.state?.sn).toBe(0n);
    expect(log?.rejected.map((r) => r.code)).toContain("ERR_KEL_UNSIGNED");
    // Signed by the new (attacker) key: signatures verify but expose no prior next key.
    const c2 = new Controller();
    const icp2 = c2.incept();
    const rot2 = c2.rotate({ keys: signers(1, "attacker") });
    const log2 = replayKels(stream(icp2.message, rot2.message)).get(icp2.said);
    expect(log2?.state?.sn).toBe(0n);
    expect(log2?.pending[0]?.waitingFor).toEqual([
      { kind: "prior-next-signatures", exposed: 0, threshold: "1" },
    ]);
  });

  it("multi-signature thresholds: signatures from several copies add up", () => {
    const c = new Controller({ keys: 3 });
    const icp = c.incept({ kt: "2" });
    const ixn = c.interact();
    const one = c.attach(ixn, { signers: [c.current[0] as never], indices: [0] });
    const two = c.attach(ixn, { signers: [c.current[2] as never], indices: [2] });
    const partial = replayKels(stream(icp.message, one)).get(icp.said);
    expect(partial?.state?.sn).toBe(0n);
    expect(partial?.pending[0]?.waitingFor).toEqual([{ kind: "signatures", verified: 1, threshold: "2" }]);
    const both = replayKels(stream(icp.message, one, two)).get(icp.said);
    expect(both?.state?.sn).toBe(1n);
    expect(both?.accepted[1]?.signatures.verified).toEqual([0, 2]);
  });

  it("weighted thresholds, including AND clauses and partial rotation", () => {
    const c = new Controller({ keys: 3, next: 3 });
    const icp = c.incept({ kt: [["1/2", "1/2", "1/2"]], nt: [["1/2", "1/2", "1/2"]] });
    const ixn = c.interact();
    const ixnOne = c.attach(ixn, { signers: [c.current[1] as never], indices: [1] });
    expect(replayKels(stream(icp.message, ixnOne)).get(icp.said)?.state?.sn).toBe(0n);
    const ixnTwo = c.attach(ixn, {
      signers: [c.current[0] as never, c.current[1] as never],
      indices: [0, 1],
    });
    expect(replayKels(stream(icp.message, ixnTwo)).get(icp.said)?.state?.sn).toBe(1n);
    // Partial rotation: two of the three pre-rotated keys plus one fresh key; the fresh key
    // signs with a current-only code (it exposes nothing).
    const [n0, n1] = c.next;
    const fresh = freshSigner("fresh");
    const rot = c.rotate({ keys: [n0, n1, fresh] as never, kt: [["1/2", "1/2"], ["1"]], nt: "1" });
    const sigs = [
      ...signIndexed(rot.raw, [n0, n1] as never, { indices: [0, 1] }),
      encodeIndexer("B", fresh.sign(rot.raw), 2),
    ];
    const log = replayKels(stream(icp.message, ixnTwo, messagize(rot.raw, { controllerSigs: sigs }))).get(
      icp.said,
    );
    expect(log?.state).toMatchObject({ sn: 2n, ilk: "rot" });
    expect(log?.accepted[2]?.signatures).toMatchObject({ verified: [0, 1, 2], exposed: [0, 1] });
  });

  it("establishment-only identifiers refuse interaction events", () => {
    const c = new Controller();
    const icp = c.incept({ config: ["EO"] });
    const ixn = c.interact();
    const log = replayKels(stream(icp.message, ixn.message)).get(icp.said);
    expect(log?.rejected).toMatchObject([{ said: ixn.said, code: "ERR_KEL_STATE" }]);
  });

  it("an abandoned identifier (empty next keys) cannot rotate", () => {
    const c = new Controller();
    const icp = c.incept();
    const rot = c.rotate({ next: 0 });
    const after = c.rotate({ keys: signers(1) });
    const log = replayKels(stream(icp.message, rot.message, after.message)).get(icp.said);
    expect(log?.state).toMatchObject({ sn: 1n, transferable: false });
    expect(log?.rejected).toMatchObject([{ said: after.said, code: "ERR_KEL_STATE" }]);
  });
});

describe("witnesses and receipts", () => {
  it("counts indexed witness signatures (-B), receipt couples (-C) and receipt messages (rct)", () => {
    const c = new Controller({ witnesses: 3, toad: 2 });
    const icp = c.incept();
    const bare = c.attach(icp, { witnessed: false });
    const pendingLog = replayKels(stream(bare)).get(icp.said);
    expect(pendingLog?.status).toBe("pending");
    expect(pendingLog?.waitingFor).toEqual([{ kind: "witness-receipts", verified: 0, toad: 2 }]);
    const w = c.witnesses;
    const oneIndexed = c.attach(icp, {
      witnessSigs: signIndexed(icp.raw, [w[1] as never], { indices: [1], code: "B" }),
    });
    const rct = c.receipt(icp, [w[2] as never], icp.raw);
    const log = replayKels(stream(bare, oneIndexed, rct)).get(icp.said);
    expect(log?.status).toBe("accepted");
    expect(log?.accepted[0]?.signatures.witnessed).toEqual([1, 2]);
  });

  it("receipts by non-witnesses and bad receipts do not count", () => {
    const c = new Controller({ witnesses: 2 });
    const icp = c.incept();
    const outsider = freshSigner("outsider", false);
    const msg = c.attach(icp, { witnessSigs: [], receipts: [] });
    const rct = c.receipt(icp, [outsider, c.witnesses[0] as never], icp.raw);
    const log = replayKels(stream(msg, rct)).get(icp.said);
    expect(log?.status).toBe("pending");
    expect(log?.pending[0]?.signatures.ignored.join(" ")).toMatch(/not a witness/);
    expect(log?.waitingFor).toEqual([{ kind: "witness-receipts", verified: 1, toad: 2 }]);
  });

  it("rotations cut and add witnesses; receipts index the new list", () => {
    const c = new Controller({ witnesses: 3 });
    const icp = c.incept();
    const [w0, , w2] = c.witnesses;
    const added = freshSigner("w-new", false);
    const rot = c.rotate({ cuts: [w0 as never], adds: [added] });
    const log = replayKels(stream(icp.message, rot.message)).get(icp.said);
    expect(log?.state?.witnesses).toEqual([c.witnesses[0]?.verfer, w2?.verfer, added.verfer]);
    expect(log?.state?.toad).toBe(3);
  });

  it("cutting a witness that is not one is rejected", () => {
    const c = new Controller({ witnesses: 1 });
    const icp = c.incept();
    const stranger = freshSigner("stranger", false);
    const rot = c.rotate({ cuts: [stranger], toad: 1 });
    const log = replayKels(stream(icp.message, rot.message)).get(icp.said);
    expect(log?.rejected).toMatchObject([{ said: rot.said, code: "ERR_KEL_STATE" }]);
    expect(log?.rejected[0]?.reason).toMatch(/not a current witness/);
  });
});

describe("delegation", () => {
  function delegated() {
    const boss = new Controller();
    const bossIcp = boss.incept();
    const del = new Controller();
    const dip = del.incept({ delegator: bossIcp.said });
    const anchor = boss.interact([sealOf(dip)]);
    return { boss, bossIcp, del, dip, anchor };
  }

  it("counts only when the delegator's log anchors the delegated event", () => {
    const { bossIcp, del, dip, anchor } = delegated();
    const withSource = del.attach(dip, { sealSources: [{ sn: 1, digest: anchor.said }] });
    const log = replayKels(stream(withSource, bossIcp.message, anchor.message)).get(dip.said);
    expect(log?.status).toBe("accepted");
    expect(log?.accepted[0]?.anchor).toMatchObject({
      prefix: bossIcp.said,
      sn: 1n,
      said: anchor.said,
      sealIndex: 0,
    });
    expect(log?.state?.delegator).toBe(bossIcp.said);
    // Without a source seal attached, the anchor is found by searching the delegator's log.
    expect(replayKels(stream(dip.message, bossIcp.message, anchor.message)).get(dip.said)?.status).toBe(
      "accepted",
    );
  });

  it("self-declared delegation is not enough: waits for the anchor or the delegator's log", () => {
    const { bossIcp, dip, del } = delegated();
    const noAnchor = replayKels(stream(dip.message, bossIcp.message)).get(dip.said);
    expect(noAnchor?.status).toBe("pending");
    expect(noAnchor?.waitingFor).toEqual([
      { kind: "delegation-anchor", delegator: bossIcp.said, seal: sealOf(dip) },
    ]);
    const noLog = replayKels(stream(dip.message)).get(dip.said);
    expect(noLog?.waitingFor).toEqual([{ kind: "delegator-log", delegator: bossIcp.said }]);
    // A forged source seal pointing at the delegator's inception proves nothing.
    const forged = del.attach(dip, { sealSources: [{ sn: 0, digest: bossIcp.said }] });
    expect(replayKels(stream(forged, bossIcp.message)).get(dip.said)?.status).toBe("pending");
  });

  it("a delegator whose own log waits leaves its delegates waiting on it", () => {
    const { boss, bossIcp, dip, anchor } = delegated();
    const ixn = boss.interact();
    const unsignedAnchor = messagize(anchor.raw, {});
    const log = replayKels(stream(dip.message, messagize(bossIcp.raw, {}), unsignedAnchor, ixn.message));
    // The delegator's only inception is unsigned: its log waits for a valid inception.
    expect(log.get(bossIcp.said)).toMatchObject({ status: "pending", waitingFor: [{ kind: "inception" }] });
    expect(log.get(bossIcp.said)?.rejected.map((r) => [r.said, r.code])).toEqual([
      [bossIcp.said, "ERR_KEL_UNSIGNED"],
      [anchor.said, "ERR_KEL_UNSIGNED"],
    ]);
    expect(log.get(dip.said)?.waitingFor).toEqual([{ kind: "delegator-pending", delegator: bossIcp.said }]);
  });

  it('a "do not delegate" delegator refuses delegation', () => {
    const boss = new Controller();
    const bossIcp = boss.incept({ config: ["DND"] });
    const del = new Controller();
    const dip = del.incept({ delegator: bossIcp.said });
    const anchor = boss.interact([sealOf(dip)]);
    const log = replayKels(stream(bossIcp.message, anchor.message, dip.message)).get(dip.said);
    expect(log?.rejected).toMatchObject([{ code: "ERR_KEL_DELEGATION_REFUSED" }]);
  });

  it("delegated rotations need their own anchor; rot is refused on a delegated identifier", () => {
    const { boss, bossIcp, del, dip, anchor } = delegated();
    const drt = del.rotate();
    const base = [bossIcp.message, anchor.message, dip.message, drt.message];
    expect(replayKels(stream(...base)).get(dip.said)?.pending[0]?.waitingFor).toMatchObject([
      { kind: "delegation-anchor" },
    ]);
    const anchor2 = boss.interact([sealOf(drt)]);
    const log = replayKels(stream(...base, anchor2.message)).get(dip.said);
    expect(log?.state).toMatchObject({ sn: 1n, ilk: "drt" });
    // A plain rot on a delegated identifier:
    const del2 = new Controller();
    const dip2 = del2.incept({ delegator: bossIcp.said });
    const anchor3 = boss.interact([sealOf(dip2)]);
    del2.delegator = undefined; // make a plain rot
    const rot = del2.rotate();
    const log2 = replayKels(
      stream(bossIcp.message, anchor.message, anchor2.message, anchor3.message, dip2.message, rot.message),
    ).get(dip2.said);
    expect(log2?.rejected).toMatchObject([{ said: rot.said, code: "ERR_KEL_STATE" }]);
  });
});

describe("delegated recovery (a drt superseding a drt)", () => {
  function twoRotations() {
    const boss = new Controller();
    const bossIcp = boss.incept();
    const del = new Controller();
    const dip = del.incept({ delegator: bossIcp.said });
    const a0 = boss.interact([sealOf(dip)]);
    const keys = del.next;
    const drt1 = del.rotate({ keys });
    del.sn = 0;
    del.last = dip.said;
    const drt2 = del.rotate({ keys, next: 2 });
    return { boss, bossIcp, dip, a0, drt1, drt2 };
  }

  it("the rotation anchored later in the delegator's log wins (either order of anchors)", () => {
    for (const late of ["drt1", "drt2"] as const) {
      const { boss, bossIcp, dip, a0, drt1, drt2 } = twoRotations();
      const [first, second] = late === "drt2" ? [drt1, drt2] : [drt2, drt1];
      const a1 = boss.interact([sealOf(first)]);
      const a2 = boss.interact([sealOf(second)]);
      const log = replayKels(
        stream(bossIcp.message, a0.message, a1.message, a2.message, dip.message, drt1.message, drt2.message),
      ).get(dip.said);
      expect(log?.status).toBe("accepted");
      expect(log?.state?.said).toBe(second.said);
      expect(log?.superseded.map((e) => e.said)).toEqual([first.said]);
    }
  });

  it("in one delegating event, the later seal wins", () => {
    const { boss, bossIcp, dip, a0, drt1, drt2 } = twoRotations();
    const a1 = boss.interact([sealOf(drt2), sealOf(drt1)]);
    const log = replayKels(
      stream(bossIcp.message, a0.message, a1.message, dip.message, drt1.message, drt2.message),
    ).get(dip.said);
    expect(log?.state?.said).toBe(drt1.said);
    expect(log?.accepted[1]?.anchor).toMatchObject({ sn: 2n, sealIndex: 1 });
  });

  it("an unanchored competing rotation changes nothing", () => {
    const { boss, bossIcp, dip, a0, drt1, drt2 } = twoRotations();
    const a1 = boss.interact([sealOf(drt1)]);
    const log = replayKels(
      stream(bossIcp.message, a0.message, a1.message, dip.message, drt1.message, drt2.message),
    ).get(dip.said);
    expect(log?.state?.said).toBe(drt1.said);
    expect(log?.pending.map((p) => [p.said, p.waitingFor[0]?.kind])).toEqual([
      [drt2.said, "delegation-anchor"],
    ]);
  });
});

describe("recovery and duplicity", () => {
  it("a rotation supersedes interaction events at its sequence number (recovery)", () => {
    const c = new Controller();
    const icp = c.incept();
    const ixn1 = c.interact([{ d: "Ecompromised1" }]);
    const ixn2 = c.interact([{ d: "Ecompromised2" }]);
    const rot = c.rotate({ sn: 1, prior: icp.said });
    const log = replayKels(stream(icp.message, ixn1.message, ixn2.message, rot.message)).get(icp.said);
    expect(log?.status).toBe("accepted");
    expect(log?.accepted.map((e) => e.said)).toEqual([icp.said, rot.said]);
    expect(log?.superseded.map((e) => e.said).sort()).toEqual([ixn1.said, ixn2.said].sort());
    expect(log?.duplicity).toEqual([]);
  });

  it("two valid interaction events at one sequence number are duplicity, kept as evidence", () => {
    const c = new Controller();
    const icp = c.incept();
    const a = c.interact([{ d: "Ea" }]);
    const b = makeInteraction({ prefix: c.prefix, sn: 1, prior: icp.said, seals: [{ d: "Eb" }] });
    const bMsg = c.attach(b);
    const after = c.interact();
    const log = replayKels(stream(icp.message, a.message, bMsg, after.message)).get(icp.said);
    expect(log?.status).toBe("duplicitous");
    expect(log?.state?.sn).toBe(0n);
    expect(log?.duplicity).toHaveLength(1);
    expect(log?.duplicity[0]?.sn).toBe(1n);
    expect(log?.duplicity[0]?.events.map((e) => e.said).sort()).toEqual([a.said, b.said].sort());
    expect(log?.duplicity[0]?.events.every((e) => e.signatures.verified.length === 1)).toBe(true);
    expect(log?.pending.find((p) => p.said === after.said)?.waitingFor).toContainEqual({
      kind: "duplicity",
      sn: 1n,
    });
  });

  it("a recovery rotation resolves interaction duplicity", () => {
    const c = new Controller();
    const icp = c.incept();
    const a = c.interact([{ d: "Ea" }]);
    const b = c.attach(makeInteraction({ prefix: c.prefix, sn: 1, prior: icp.said, seals: [{ d: "Eb" }] }));
    const rot = c.rotate({ sn: 1, prior: icp.said });
    const log = replayKels(stream(icp.message, a.message, b, rot.message)).get(icp.said);
    expect(log?.status).toBe("accepted");
    expect(log?.state?.said).toBe(rot.said);
  });

  it("two valid rotations at one sequence number are duplicity (a rotation cannot supersede a rotation)", () => {
    const c = new Controller({ next: 1 });
    const icp = c.incept();
    const nextKeys = c.next;
    const r1 = c.rotate({ keys: nextKeys });
    c.sn = 0;
    c.last = icp.said;
    const r2 = c.rotate({ keys: nextKeys, next: 2 });
    const log = replayKels(stream(icp.message, r1.message, r2.message)).get(icp.said);
    expect(log?.status).toBe("duplicitous");
    expect(log?.duplicity[0]?.events.map((e) => e.ilk)).toEqual(["rot", "rot"]);
  });

  it("an unsigned or badly signed event at an accepted sequence number is not duplicity", () => {
    const c = new Controller();
    const icp = c.incept();
    const a = c.interact();
    const junk = makeInteraction({ prefix: c.prefix, sn: 1, prior: icp.said, seals: [{ d: "Ejunk" }] });
    const badSig = signIndexed(junk.raw, signers(1, "other"));
    const log = replayKels(
      stream(
        icp.message,
        a.message,
        messagize(junk.raw, {}),
        messagize(junk.raw, { controllerSigs: badSig }),
      ),
    );
    const r = log.get(icp.said);
    expect(r?.status).toBe("accepted");
    expect(r?.state?.said).toBe(a.said);
    expect(r?.rejected).toMatchObject([{ said: junk.said, code: "ERR_KEL_UNSIGNED" }]);
  });
});

describe("stream evidence", () => {
  it("a stripped copy arriving first neither shadows nor weakens the signed copy", () => {
    const c = new Controller({ witnesses: 1 });
    const icp = c.incept();
    const stripped = messagize(icp.raw, {});
    const log = replayKels(stream(stripped, icp.message)).get(icp.said);
    expect(log?.status).toBe("accepted");
    expect(log?.accepted[0]?.sources).toHaveLength(2);
  });

  it("events out of order wait for their prior event", () => {
    const c = new Controller();
    const icp = c.incept();
    c.interact();
    const ixn2 = c.interact();
    const log = replayKels(stream(icp.message, ixn2.message)).get(icp.said);
    expect(log?.pending[0]?.waitingFor).toEqual([{ kind: "prior-event", sn: 1n, said: ixn2.body.p }]);
    const orphan = replayKels(stream(ixn2.message)).get(icp.said);
    expect(orphan?.status).toBe("pending");
    expect(orphan?.waitingFor).toEqual([{ kind: "inception" }]);
  });

  it("malformed events and bad SAIDs are rejected with a reason, never thrown", () => {
    const c = new Controller();
    const icp = c.incept();
    const extra = saidify({ ...makeInteraction({ prefix: c.prefix, sn: 1, prior: icp.said }).body, x: 1 });
    const leading = saidify({
      ...makeInteraction({ prefix: c.prefix, sn: 1, prior: icp.said }).body,
      s: "01",
    });
    const text = new TextDecoder().decode(c.interact().raw).replace('"s":"1"', '"s":"2"');
    const log = replayKels(
      stream(icp.message, messagize(extra.raw), messagize(leading.raw), new TextEncoder().encode(text)),
    ).get(icp.said);
    expect(log?.rejected.map((r) => r.code).sort()).toEqual([
      "ERR_KEL_MALFORMED",
      "ERR_KEL_MALFORMED",
      "ERR_KEL_SAID",
    ]);
    expect(log?.rejected.map((r) => r.reason).join(" ")).toMatch(/fields must be/);
    // A log that has nothing but rejected bodies is rejected, not waiting.
    const only = replayKels(stream(messagize(extra.raw))).get(c.prefix);
    expect(only).toMatchObject({ status: "rejected", state: undefined, waitingFor: [] });
  });
});
