// One test per attack of issue 15, each run against real KERI/ACDC evidence. Every one of them
// fooled the retired private model (it trusted whatever copy came first, took the delegate's
// own word for delegation and limits, and tied no reply to the issuer).
import { init } from "@chronoseal/core";
import { signerFromSeed, signIndexed } from "@chronoseal/keri";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type EvidenceStore,
  keriDateTime,
  makeIssuance,
  makeRevocation,
  transSignatureGroup,
  verifyDuplicityProof,
} from "../../src/index.js";
import { buildChain, concat, controller, DAY, day, SCHEMAS, stripped } from "../fixture.js";
import { chainStore, linkStatus, storeOf, verdict } from "../helpers.js";

beforeAll(async () => {
  await init();
});

const opts = (root: string, t: number) => ({ validOn: t, resolution: DAY, trustedRoots: [root] });

describe("anyone can hide a revocation / fake an issuance", () => {
  it("an unsigned, unanchored revocation dated far in the future, arriving first, changes nothing", () => {
    const c = buildChain();
    const reg = c.le.registry as string;
    const iss = c.le.toJSON().issued[c.ecrCred]?.iss as string;
    const fake = makeRevocation({
      credential: c.ecrCred,
      registry: reg,
      issuance: iss,
      dt: Date.UTC(2099, 0, 1),
    });
    const real = c.le.revoke(c.ecrCred, day(4));
    const store = storeOf(fake.raw, c.schemas, ...c.messages, ...real.messages);
    // status() reports the real date, and lists the fake as unauthenticated.
    const status = store.status(c.ecrCred);
    expect(status).toMatchObject({ state: "revoked", revocation: { dt: keriDateTime(day(4)) } });
    expect(status.unauthenticated).toContainEqual(
      expect.objectContaining({
        said: fake.said,
        what: "rev",
        reason: expect.stringMatching(/not anchored/),
      }),
    );
    expect(store.validate(c.ecrCred, opts(c.root.prefix, day(6)))).toMatchObject({
      valid: false,
      status: "revoked",
    });
    // Without the real revocation, the fake alone revokes nothing either.
    const alone = storeOf(fake.raw, c.schemas, ...c.messages);
    expect(alone.validate(c.ecrCred, opts(c.root.prefix, Date.UTC(2100, 0, 1)))).toMatchObject({
      valid: true,
    });
    expect(alone.status(c.ecrCred).state).toBe("issued");
  });

  it("a junk issuance dated earlier, arriving first, changes nothing", () => {
    const c = buildChain();
    const reg = c.le.registry as string;
    const junk = makeIssuance({ credential: c.ecrCred, registry: reg, dt: day(1, 0) });
    const store = storeOf(junk.raw, c.schemas, ...c.messages);
    expect(store.status(c.ecrCred)).toMatchObject({
      state: "issued",
      issuance: { dt: keriDateTime(day(3)) },
    });
    const v = store.validate(c.ecrCred, opts(c.root.prefix, day(2, 20)));
    expect(v).toMatchObject({ valid: false, status: "not-yet-issued" });
    expect(v.unauthenticated).toContainEqual(expect.objectContaining({ said: junk.said, what: "iss" }));
    // And a junk issuance of a credential whose real issuance is missing makes it pending, not valid.
    const withoutReal = storeOf(
      junk.raw,
      c.schemas,
      ...c.messages.filter((m) => !Buffer.from(m).includes(c.ecrCred)),
    );
    expect(withoutReal.validate(c.ecrCred, opts(c.root.prefix, day(5))).valid).toBe(false);
  });
});

describe("stripped copies", () => {
  it("copies without signatures arriving first never shadow the signed ones", () => {
    const c = buildChain();
    const reply = c.le.reply(c.ecrCred, day(10));
    const rev = c.le.revoke(c.ecrCred, day(8)); // backdated before the reply
    const all = [...c.messages, reply, ...rev.messages];
    const signedFirst = chainStore(c, [reply, ...rev.messages]);
    const strippedFirst = storeOf(c.schemas, ...all.map(stripped), ...all);
    for (const store of [signedFirst, strippedFirst]) {
      const v = store.validate(c.ecrCred, opts(c.root.prefix, day(9)));
      expect(v.status).toBe("duplicity");
      expect(verifyDuplicityProof(v.duplicity[0] as never).ok).toBe(true);
    }
    // Only stripped copies: nothing is authenticated, nothing is lost (all kept, pending).
    const only = storeOf(c.schemas, ...all.map(stripped));
    expect(only.validate(c.ecrCred, opts(c.root.prefix, day(9))).status).toBe("pending");
    expect(only.size).toBe(all.length + 3);
  });
});

describe("order independence (no optimistic signature pass)", () => {
  it("the verdict of one credential does not depend on which was validated first, or what arrived since", () => {
    const c = buildChain();
    const q = (s: EvidenceStore) => ({
      ecr: s.validate(c.ecrCred, opts(c.root.prefix, day(5))),
      le: s.validate(c.leCred, opts(c.root.prefix, day(5))),
    });
    const a = chainStore(c);
    const ecrFirst = q(a);
    const b = chainStore(c);
    const leFirst = {
      le: b.validate(c.leCred, opts(c.root.prefix, day(5))),
      ecr: b.validate(c.ecrCred, opts(c.root.prefix, day(5))),
    };
    expect(leFirst.ecr).toEqual(ecrFirst.ecr);
    expect(leFirst.le).toEqual(ecrFirst.le);
    // Evidence arriving between queries in two halves: the final verdict is the one-shot verdict.
    const half = storeOf(c.schemas, ...c.messages.slice(0, 9));
    const early = half.validate(c.ecrCred, opts(c.root.prefix, day(5)));
    expect(early.status).toBe("pending");
    half.import(concat(c.messages.slice(9)));
    expect(half.validate(c.ecrCred, opts(c.root.prefix, day(5)))).toEqual(ecrFirst.ecr);
  });
});

describe("self-declared delegation", () => {
  it("a delegate's own di is not delegation: DI2I holds only once the delegator's log anchors it", () => {
    const c = buildChain({
      ecrEdges: (_q, le) => ({ le: { n: le, o: "DI2I" } }),
    });
    // The attacker incepts a dip naming the LE as its delegator, and issues an ECR-like credential.
    const mallory = controller("mallory", c.le.prefix);
    const forged = mallory.c.issue({
      schema: SCHEMAS.ecr.said,
      issuee: c.person.prefix,
      dt: day(3),
      attributes: { personLegalName: "Mallory" },
      edges: { le: { n: c.leCred, o: "DI2I" } },
    });
    const store = chainStore(c, [mallory.icp, ...forged.messages]);
    const v = store.validate(forged.said, opts(c.root.prefix, day(5)));
    expect(v.valid).toBe(false);
    expect(v.status).toBe("pending");
    expect(v.missing).toContainEqual(
      expect.objectContaining({ kind: "delegation-anchor", id: mallory.c.prefix }),
    );
    // The LE really delegates: its log anchors the dip. Now the DI2I edge holds.
    const approval = c.le.approve({ i: mallory.c.prefix, s: "0", d: mallory.c.prefix });
    store.import(approval);
    const after = store.validate(forged.said, opts(c.root.prefix, day(5)));
    expect(after).toMatchObject({ valid: true });
    expect(after.edges.find((e) => e.from === forged.said)).toMatchObject({
      operator: "DI2I",
      result: "holds",
    });
  });

  it("DI2I fails for an issuer that is neither the parent's issuee nor its delegate", () => {
    const c = buildChain();
    const eve = controller("eve");
    const cred = eve.c.issue({
      schema: SCHEMAS.ecr.said,
      issuee: c.person.prefix,
      dt: day(3),
      edges: { le: { n: c.leCred, o: "DI2I" } },
    });
    const store = chainStore(c, [eve.icp, ...cred.messages]);
    expect(store.validate(cred.said, opts(c.root.prefix, day(5)))).toMatchObject({
      valid: false,
      status: "edge-failed",
    });
  });
});

describe("forged duplicity proofs", () => {
  it("a proof verifies only when the issuer's own key state signed the reply", () => {
    const c = buildChain();
    const reply = c.le.reply(c.ecrCred, day(10));
    const rev = c.le.revoke(c.ecrCred, day(8));
    const v = chainStore(c, [reply, ...rev.messages]).validate(c.ecrCred, opts(c.root.prefix, day(9)));
    expect(v.status).toBe("duplicity");
    const proof = v.duplicity[0];
    if (proof?.kind !== "backdated-revocation") throw new Error("expected a backdated-revocation proof");
    expect(verifyDuplicityProof(proof)).toMatchObject({ ok: true });

    // 1. A reply signed by someone else's key, naming the issuer's establishment event.
    const eve = signerFromSeed(new Uint8Array(32).fill(7));
    const body = stripped(Buffer.from(proof.reply, "base64"));
    const le = c.le.toJSON();
    const forged = concat([
      body,
      new TextEncoder().encode(
        transSignatureGroup(
          c.le.prefix,
          BigInt(`0x${le.lastEstablishment.sn}`),
          le.lastEstablishment.said,
          signIndexed(body, [eve]),
        ),
      ),
    ]);
    const check1 = verifyDuplicityProof({ ...proof, reply: Buffer.from(forged).toString("base64") });
    expect(check1).toMatchObject({ ok: false, reason: expect.stringMatching(/threshold/) });

    // 2. A reply validly signed by another identifier (its own KEL included in the proof).
    const mallory = controller("mallory2");
    const mbody = body;
    const msig = transSignatureGroup(
      mallory.c.prefix,
      0n,
      mallory.c.prefix,
      signIndexed(mbody, mallory.c.signers()),
    );
    const check2 = verifyDuplicityProof({
      ...proof,
      reply: Buffer.from(concat([mbody, new TextEncoder().encode(msig)])).toString("base64"),
      kel: Buffer.from(concat([Buffer.from(proof.kel, "base64"), mallory.icp])).toString("base64"),
    });
    expect(check2).toMatchObject({ ok: false, reason: expect.stringMatching(/not by the issuer/) });

    // 3. The issuer's name swapped for the forger's.
    expect(verifyDuplicityProof({ ...proof, issuer: mallory.c.prefix }).ok).toBe(false);
    // 4. Any byte changed in the reply or the revocation.
    const flip = (b64: string, at: number) => {
      const b = Buffer.from(b64, "base64");
      b[at] = (b[at] as number) ^ 1;
      return b.toString("base64");
    };
    expect(verifyDuplicityProof({ ...proof, reply: flip(proof.reply, 60) }).ok).toBe(false);
    expect(verifyDuplicityProof({ ...proof, tel: flip(proof.tel, proof.tel.length / 2) }).ok).toBe(false);
    // 5. The KEL withheld: nothing ties the keys to the issuer.
    expect(verifyDuplicityProof({ ...proof, kel: "" }).ok).toBe(false);
  });

  it("a reply under keys the issuer had rotated away before the revocation proves nothing", () => {
    const c = buildChain();
    const reply = c.le.reply(c.ecrCred, day(10)); // under the inception keys
    const rot = c.le.rotate();
    const rev = c.le.revoke(c.ecrCred, day(8)); // anchored under the rotated keys
    const v = chainStore(c, [reply, rot, ...rev.messages]).validate(c.ecrCred, opts(c.root.prefix, day(9)));
    expect(v.status).toBe("revoked");
    expect(v.duplicity).toEqual([]);
  });

  it("a revocation dated after the reply is no duplicity", () => {
    const c = buildChain();
    const reply = c.le.reply(c.ecrCred, day(10));
    const rev = c.le.revoke(c.ecrCred, day(11));
    const v = chainStore(c, [reply, ...rev.messages]).validate(c.ecrCred, opts(c.root.prefix, day(12)));
    expect(v).toMatchObject({ status: "revoked", duplicity: [] });
  });
});

describe("NOT edges lead to no root", () => {
  it("a credential with only a NOT edge is a root: the trusted-root check still applies", () => {
    const c = buildChain();
    const rev = c.qvi.revoke(c.leCred, day(4));
    const mallory = controller("mallory-not");
    const cred = mallory.c.issue({
      schema: SCHEMAS.ecr.said,
      issuee: c.person.prefix,
      dt: day(5),
      edges: { gone: { n: c.leCred, o: "NOT" } },
    });
    const store = chainStore(c, [...rev.messages, mallory.icp, ...cred.messages]);
    const v = store.validate(cred.said, opts(c.root.prefix, day(6)));
    expect(v).toMatchObject({ valid: false, status: "untrusted-root" });
    expect(v.edges.find((e) => e.from === cred.said)).toMatchObject({ not: true, result: "holds" });
    // OR(NOT revoked thing, real chain): holds only through the positive edge.
    const both = mallory.c.issue({
      schema: SCHEMAS.ecr.said,
      dt: day(5),
      edges: { o: "OR", gone: { n: c.leCred, o: "NOT" }, qvi: { n: c.qviCred, o: "NI2I" } },
    });
    store.import(concat(both.messages));
    expect(store.validate(both.said, opts(c.root.prefix, day(6))).valid).toBe(true);
    const revQ = c.root.revoke(c.qviCred, day(5));
    store.import(concat(revQ.messages));
    expect(store.validate(both.said, opts(c.root.prefix, day(7)))).toMatchObject({
      valid: false,
      status: "revoked",
    });
  });
});

describe("limits come from the side that holds authority", () => {
  it("grace on the child's edge (grace: 1e13) is ignored", () => {
    const c = buildChain({ leEdgeExtra: { grace: 1e13, pin: { max: 999 } } });
    const rev = c.root.revoke(c.qviCred, day(10));
    const v = verdict(c, rev.messages, day(60));
    expect(v).toMatchObject({ valid: false, status: "revoked" });
    expect(v.ignored.map((n) => n.reason)).toEqual([
      expect.stringMatching(/\$\.e\.qvi\.grace ignored/),
      expect.stringMatching(/\$\.e\.qvi\.pin ignored/),
    ]);
    // …and so is it in 2075.
    expect(verdict(c, rev.messages, Date.UTC(2075, 0, 1)).valid).toBe(false);
  });

  it("a pin on the child's edge neither breaks nor extends anything", () => {
    const c = buildChain({ leEdgeExtra: { pin: { min: "ff" } } });
    expect(verdict(c, [], day(5)).valid).toBe(true);
  });

  it("grace never skips the parent's own chain: an untrusted root stays untrusted", () => {
    const c = buildChain({ qviAttributes: { gracePeriod: 90 } });
    const rev = c.root.revoke(c.qviCred, day(10));
    const store = chainStore(c, rev.messages);
    const eve = controller("eve-root");
    const v = store.validate(c.ecrCred, { validOn: day(20), resolution: DAY, trustedRoots: [eve.c.prefix] });
    expect(v).toMatchObject({ valid: false, status: "untrusted-root" });
    // With the right root, the grace applies.
    expect(store.validate(c.ecrCred, opts(c.root.prefix, day(20))).valid).toBe(true);
  });

  it("grace never skips the parent's own chain: a parent whose own parent is revoked fails", () => {
    // LE credential carries the grace (from the QVI, its issuer); the QVI credential is revoked
    // without grace: the LE credential's own chain is broken, so no grace can carry the ECR.
    const c = buildChain();
    const withGrace = buildChain({ qviAttributes: { gracePeriod: 90 } });
    for (const chain of [c, withGrace]) {
      const revLe = chain.qvi.revoke(chain.leCred, day(10));
      const revQvi = chain.root.revoke(chain.qviCred, day(5));
      const v = verdict(chain, [...revLe.messages, ...revQvi.messages], day(20));
      expect(v.valid).toBe(false);
      expect(linkStatus(v, chain.qviCred)).toBe("revoked");
    }
  });

  it("a string gracePeriod is a typed error, never a grace that holds forever", () => {
    const c = buildChain({ qviAttributes: { gracePeriod: "90" } });
    const rev = c.root.revoke(c.qviCred, day(10));
    const v = verdict(c, rev.messages, day(20));
    expect(v).toMatchObject({ valid: false, status: "malformed" });
    expect(v.reason).toMatch(
      /\$\.a\.gracePeriod: expected a non-negative integer number of days, got string "90"/,
    );
    for (const bad of [-1, 1.5, 1e13, null, [90]]) {
      const d = buildChain({ qviAttributes: { gracePeriod: bad } });
      expect(verdict(d, [], day(5)).status).toBe("malformed");
    }
  });
});
