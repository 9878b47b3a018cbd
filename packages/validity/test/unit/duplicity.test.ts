// Duplicity in all three forms, each proof checked on its own by verifyDuplicityProof:
// a revocation backdated before the issuer's signed "not revoked" reply, two authenticated
// TEL events at one position, and two valid KEL events at one sequence number.
import { init } from "@chronoseal/core";
import { makeInteraction, messagize, signIndexed } from "@chronoseal/keri";
import { beforeAll, describe, expect, it } from "vitest";
import { makeRevocation, verifyDuplicityProof } from "../../src/index.js";
import { buildChain, DAY, day } from "../fixture.js";
import { chainStore } from "../helpers.js";

beforeAll(async () => {
  await init();
});

describe("duplicity proofs", () => {
  it("backdated revocation: the proof stands alone and names both messages", () => {
    const c = buildChain();
    const reply = c.le.reply(c.ecrCred, day(10));
    const rev = c.le.revoke(c.ecrCred, day(8));
    const v = chainStore(c, [reply, ...rev.messages]).validate(c.ecrCred, {
      validOn: day(9),
      resolution: DAY,
      trustedRoots: [c.root.prefix],
    });
    expect(v).toMatchObject({ valid: false, status: "duplicity" });
    const proof = v.duplicity[0];
    expect(proof).toMatchObject({ kind: "backdated-revocation", credential: c.ecrCred, issuer: c.le.prefix });
    expect(verifyDuplicityProof(proof as never)).toMatchObject({
      ok: true,
      reason: expect.stringMatching(/dated .* before the issuer's signed reply/),
    });
    // A JSON round trip keeps it checkable (it is plain strings).
    expect(verifyDuplicityProof(JSON.parse(JSON.stringify(proof)))).toMatchObject({ ok: true });
    // The link lists it; at a T before the revocation the chain is still duplicitous: the issuer lied.
    expect(v.links[0]).toMatchObject({ status: "duplicity" });
  });

  it("two authenticated revocations of one credential: a tel-fork proof", () => {
    const c = buildChain();
    const first = c.le.revoke(c.ecrCred, day(8));
    const le = c.le.toJSON();
    const other = makeRevocation({
      credential: c.ecrCred,
      registry: c.le.registry as string,
      issuance: le.issued[c.ecrCred]?.iss as string,
      dt: day(20),
    });
    const ixn = c.le.interact([{ i: c.ecrCred, s: "1", d: other.said }]);
    const v = chainStore(c, [...first.messages, other.raw, ixn.message]).validate(c.ecrCred, {
      validOn: day(9),
      resolution: DAY,
    });
    expect(v.status).toBe("duplicity");
    const proof = v.duplicity[0];
    expect(proof).toMatchObject({ kind: "tel-fork", credential: c.ecrCred });
    expect(verifyDuplicityProof(proof as never).ok).toBe(true);
    if (proof?.kind !== "tel-fork") throw new Error("tel-fork expected");
    expect(verifyDuplicityProof({ ...proof, events: [proof.events[0] as string, "Enot-an-event"] }).ok).toBe(
      false,
    );
  });

  it("two valid events at one KEL sequence number: a kel-fork proof", () => {
    const c = buildChain();
    const le = c.le.toJSON();
    // A second interaction at the LE's last sequence number, validly signed: duplicity.
    const sn = BigInt(`0x${le.sn}`);
    const priorSaid = (() => {
      const all = c.messages.map((m) => Buffer.from(m).toString("latin1"));
      const prior = all.find(
        (t) =>
          t.includes(`"i":"${c.le.prefix}"`) &&
          t.includes(`"s":"${(sn - 1n).toString(16)}"`) &&
          t.includes('"t":"ixn"'),
      );
      return JSON.parse((prior as string).slice(0, (prior as string).indexOf("}-") + 1)).d as string;
    })();
    const fork = makeInteraction({ prefix: c.le.prefix, sn, prior: priorSaid, seals: [] });
    const msg = messagize(fork.raw, { controllerSigs: signIndexed(fork.raw, c.le.signers()) });
    const v = chainStore(c, [msg]).validate(c.ecrCred, { validOn: day(5), resolution: DAY });
    expect(v.status).toBe("duplicity");
    const proof = v.duplicity.find((p) => p.kind === "kel-fork");
    expect(proof).toMatchObject({ kind: "kel-fork", prefix: c.le.prefix, sn: sn.toString(16) });
    expect(verifyDuplicityProof(proof as never).ok).toBe(true);
    // The same fork with one of its events unsigned is no duplicity at all.
    const unsigned = messagize(fork.raw, {});
    expect(chainStore(c, [unsigned]).validate(c.ecrCred, { validOn: day(5), resolution: DAY }).valid).toBe(
      true,
    );
  });

  it("malformed proofs are refused with a reason, never thrown", () => {
    for (const bad of [
      { kind: "kel-fork", prefix: "E", sn: "0", reason: "", kel: "%%%", events: [] },
      { kind: "backdated-revocation", credential: "E", issuer: "E", reason: "", reply: "", tel: "", kel: "" },
      { kind: "tel-fork", credential: "E", issuer: "E", reason: "", tel: "", kel: "", events: [] },
    ])
      expect(verifyDuplicityProof(bad as never).ok).toBe(false);
  });
});
