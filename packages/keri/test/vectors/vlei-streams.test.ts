import { init } from "@chronoseal/core";
import { describeVectors, VLEI_STREAMS, vleiStream } from "@chronoseal/testkit";
import { beforeAll, expect, it } from "vitest";
import { parseCesr, replayKels } from "../../src/index.js";

const QVI = "Ez6QKIKLzrGqpq4v9Bj908pQanoRKwOgBXjPW-w-P_8Q"; // delegated by the GLEIF root
const LE_ISSUER = "E0m0vlIMbPVbNVfPTH3NcLW0iagpyke_4OVZN7YNFLkE"; // delegated by the QVI
const ROOT = "EC1m0ZF6ez1xoM8-jQsIbT5I3GpYnX4Zzh4om8_V1bnU"; // not in the samples

beforeAll(async () => {
  await init();
});

describeVectors("the real vLEI .cesr streams (2022 layout)", () => {
  it("split into events with their attachments", () => {
    const [a, b] = VLEI_STREAMS.map((n) => parseCesr(vleiStream(n)));
    expect(a).toHaveLength(34);
    expect(b).toHaveLength(36);
    const first = a?.[0];
    expect(first).toMatchObject({ offset: 0, ilk: "dip", layout: "2022", said: { ok: true } });
    expect(first?.attachments.groups.map((g) => `${g.code}${g.count}`)).toEqual([
      "-V146",
      "-A2",
      "-B3",
      "-G1",
      "-E1",
    ]);
    expect(first?.attachments.controllerSigs.map((s) => s.index)).toEqual([0, 1]);
    expect(first?.attachments.witnessSigs.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(first?.attachments.sealSources).toMatchObject([
      { sn: 2n, digest: "EzKImAqzzgzcc_rC32rWTVz-Q64AWU89PSL8T9oKaZaw" },
    ]);
    expect(first?.attachments.firstSeen).toMatchObject([{ fn: 0n, dt: "2022-06-22T15:37:37.025265+00:00" }]);
    // A TEL registry inception anchored by the QVI's interaction at sn 1 (the 2022 layout
    // reads "0AAAAAAAAAAAAAAAAAAAAAAQ" as 1).
    const vcp = a?.find((m) => m.ilk === "vcp");
    expect(vcp?.attachments.sealSources).toMatchObject([
      { sn: 1n, digest: "EPD3-xTDcRsAunU2aovKCOnU3ZkS13ot6Znzr8hrVJzI" },
    ]);
    // ACDCs carry a sad-path signature group: path "-" (the whole credential) by the issuer.
    const acdc = a?.find((m) => m.ilk === undefined);
    expect(acdc?.version.protocol).toBe("ACDC");
    expect(acdc?.attachments.pathedSignatures).toMatchObject([
      { path: "-", groups: [{ prefix: QVI, sn: 0n, digest: QVI }] },
    ]);
    expect(acdc?.attachments.pathedSignatures[0]?.groups[0]?.signatures).toHaveLength(2);
    const ilks = (ms: typeof a) => ms?.map((m) => m.ilk ?? "acdc").join(",");
    expect(ilks(a)).toBe(
      "dip,ixn,ixn,ixn,vcp,iss,acdc,dip,ixn,ixn,ixn,vcp,iss,acdc,dip,ixn,ixn,ixn,vcp,iss,acdc,dip,ixn,ixn,ixn,vcp,iss,acdc,icp,ixn,ixn,vcp,iss,acdc",
    );
  });

  it("replay: the root delegator's log is missing, so the QVI and LE-issuer logs wait for it; the others are accepted", () => {
    for (const name of VLEI_STREAMS) {
      const replay = replayKels(parseCesr(vleiStream(name)));
      const qvi = replay.get(QVI);
      expect(qvi).toMatchObject({ status: "pending", state: undefined, rejected: [], duplicity: [] });
      expect(qvi?.waitingFor).toEqual([{ kind: "delegator-log", delegator: ROOT }]);
      // Everything else about the QVI's inception checks out: 2 of 2 signatures, 3 of 3 receipts.
      const dip = qvi?.pending.find((p) => p.ilk === "dip");
      expect(dip?.signatures).toMatchObject({ verified: [0, 1], witnessed: [0, 1, 2], ignored: [] });
      expect(qvi?.pending.filter((p) => p.ilk === "ixn").map((p) => p.waitingFor[0]?.kind)).toEqual([
        "prior-pending",
        "prior-pending",
        "prior-pending",
      ]);
      const le = replay.get(LE_ISSUER);
      expect(le).toMatchObject({
        status: "pending",
        waitingFor: [{ kind: "delegator-pending", delegator: QVI }],
      });
      expect(
        le?.pending.every((p) => p.signatures.verified.length >= 2 && p.signatures.witnessed.length === 3),
      ).toBe(true);
      const accepted = [...replay.logs.values()].filter((l) => l.status === "accepted");
      expect(accepted).toHaveLength(1);
      const holder = accepted[0];
      expect(holder?.state).toMatchObject({ sn: 2n, toad: 3, kt: { sith: "1" } });
      expect(holder?.state?.witnesses).toHaveLength(3);
      expect(replay.logs.size).toBe(3);
    }
  });

  it("the LE issuer's delegation is anchored by the QVI's interaction at sn 2 (found once the QVI is trusted)", () => {
    // Without the root's log we cannot accept the QVI; the anchor itself is in the stream.
    const msgs = parseCesr(vleiStream(VLEI_STREAMS[0]));
    const anchor = msgs.find((m) => m.ilk === "ixn" && m.body.i === QVI && m.body.s === "2");
    expect(anchor?.body.a).toEqual([{ i: LE_ISSUER, s: "0", d: LE_ISSUER }]);
    const dip = msgs.find((m) => m.ilk === "dip" && m.body.i === LE_ISSUER);
    expect(dip?.attachments.sealSources).toMatchObject([{ sn: 2n, digest: anchor?.body.d }]);
  });
});
