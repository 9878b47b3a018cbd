// The window rules on real ACDCs, registries and TEL events: an issuance counts from its window,
// a revocation only from the window after it (so both in T's window go to the issuee), every
// link judged at the same T; root and middle links revoked; pins stated by the delegator on
// either end of the range; the vLEI grace period granted by the authority above the QVI.
import { init } from "@chronoseal/core";
import { beforeAll, describe, expect, it } from "vitest";
import { buildChain, day } from "../fixture.js";
import { linkStatus, verdict } from "../helpers.js";

beforeAll(async () => {
  await init();
});

describe("issuance and revocation windows (W = 1 day)", () => {
  it("a fully issued chain is valid, and every link is listed", () => {
    const c = buildChain();
    const v = verdict(c, [], day(5));
    expect(v).toMatchObject({ valid: true, status: "valid" });
    expect(v.links.map((l) => [l.credential, l.status, l.chain])).toEqual([
      [c.ecrCred, "valid", "valid"],
      [c.leCred, "valid", "valid"],
      [c.qviCred, "valid", "valid"],
    ]);
    expect(v.edges.map((e) => [e.path, e.operator, e.result])).toEqual([
      ["$.e.qvi", "I2I", "holds"],
      ["$.e.le", "I2I", "holds"],
      ["$.e.qvi", "NI2I", "holds"],
    ]);
  });

  it("T before the issuance's window: not yet issued; earlier in the same window: issued", () => {
    const c = buildChain();
    expect(verdict(c, [], day(2, 23))).toMatchObject({ valid: false, status: "not-yet-issued" });
    expect(verdict(c, [], day(3, 1))).toMatchObject({ valid: true });
  });

  const cases: { name: string; revoke: number; validOn: number; valid: boolean; status: string }[] = [
    {
      name: "issuance and revocation in T's window go to the issuee",
      revoke: day(3, 18),
      validOn: day(3, 20),
      valid: true,
      status: "valid",
    },
    {
      name: "a same-window revocation counts from the next window",
      revoke: day(3, 18),
      validOn: day(4, 1),
      valid: false,
      status: "revoked",
    },
    {
      name: "revocation in the window before T's: revoked",
      revoke: day(4, 9),
      validOn: day(5),
      valid: false,
      status: "revoked",
    },
    {
      name: "revocation in T's own window: still valid",
      revoke: day(5, 9),
      validOn: day(5, 23),
      valid: true,
      status: "valid",
    },
    { name: "revocation after T: valid", revoke: day(9, 9), validOn: day(5), valid: true, status: "valid" },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const c = buildChain();
      const rev = c.le.revoke(c.ecrCred, tc.revoke);
      expect(verdict(c, rev.messages, tc.validOn)).toMatchObject({ valid: tc.valid, status: tc.status });
    });
  }

  it("the root link revoked breaks the chain; every link is still listed", () => {
    const c = buildChain();
    const rev = c.root.revoke(c.qviCred, day(4));
    expect(verdict(c, rev.messages, day(4, 20)).valid).toBe(true);
    const v = verdict(c, rev.messages, day(6));
    expect(v).toMatchObject({ valid: false, status: "revoked" });
    expect(v.links.map((l) => [l.status, l.chain])).toEqual([
      ["valid", "revoked"],
      ["valid", "revoked"],
      ["revoked", "revoked"],
    ]);
  });

  it("a middle link revoked breaks the chain", () => {
    const c = buildChain();
    const rev = c.qvi.revoke(c.leCred, day(4));
    const v = verdict(c, rev.messages, day(6));
    expect(v).toMatchObject({ valid: false, status: "revoked" });
    expect(linkStatus(v, c.leCred)).toBe("revoked");
    expect(linkStatus(v, c.qviCred)).toBe("valid");
    expect(verdict(c, rev.messages, day(4, 23)).valid).toBe(true);
  });

  it("every link is judged at the same T (a later-issued parent fails the child at T)", () => {
    // The QVI credential is issued on day 4, after the LE and ECR credentials (days 2, 3).
    const c = buildChain({ issueDays: [4, 2, 3] });
    const v = verdict(c, [], day(3, 20));
    expect(v).toMatchObject({ valid: false, status: "not-yet-issued" });
    expect(linkStatus(v, c.qviCred)).toBe("not-yet-issued");
    expect(linkStatus(v, c.ecrCred)).toBe("valid");
    expect(verdict(c, [], day(4, 1)).valid).toBe(true);
  });
});

describe("pins stated by the delegator (in the credential it issued to the delegate)", () => {
  // The LE credential is anchored at sn 2 of the QVI's log (icp, registry, issuance). A pin in
  // the QVI credential (issued by the root) bounds the QVI's key event sequence numbers.
  it("a pin whose min is above the anchoring event: pin-violated", () => {
    const c = buildChain({ qviAttributes: { pin: { min: "3" } } });
    const v = verdict(c, [], day(5));
    expect(v).toMatchObject({ valid: false, status: "pin-violated" });
    expect(v.reason).toMatch(/sn 2 of .* outside the pin \[3, \] stated by/);
  });

  it("a pin whose max is below the anchoring event: pin-violated", () => {
    const c = buildChain({ qviAttributes: { pin: { max: "1" } } });
    expect(verdict(c, [], day(5))).toMatchObject({ valid: false, status: "pin-violated" });
  });

  it("a pin that contains the anchoring event holds", () => {
    const c = buildChain({ qviAttributes: { pin: { min: "2", max: "2" } } });
    expect(verdict(c, [], day(5))).toMatchObject({ valid: true });
  });
});

describe("grace (the vLEI rule): set by the authority above the QVI, in the QVI credential", () => {
  it("credentials issued before the QVI's revocation stay valid for gracePeriod days", () => {
    const c = buildChain({ qviAttributes: { gracePeriod: 90 } });
    const rev = c.root.revoke(c.qviCred, day(10));
    const during = verdict(c, rev.messages, day(50));
    expect(during).toMatchObject({ valid: true });
    expect(during.edges.find((e) => e.to === c.qviCred && e.from === c.leCred)).toMatchObject({
      result: "holds",
      grace: true,
    });
    expect(linkStatus(during, c.qviCred)).toBe("revoked");
    expect(verdict(c, rev.messages, day(10 + 91))).toMatchObject({ valid: false, status: "revoked" });
  });

  it("no gracePeriod attribute: no grace", () => {
    const c = buildChain();
    const rev = c.root.revoke(c.qviCred, day(10));
    expect(verdict(c, rev.messages, day(12))).toMatchObject({ valid: false, status: "revoked" });
  });

  it("a credential issued after the QVI's revocation is not covered by grace", () => {
    const c = buildChain({ qviAttributes: { gracePeriod: 90 }, issueDays: [1, 2, 20] });
    // The LE credential (day 2) is covered; the ECR (day 20, issued by the LE) leans on the QVI
    // credential through its NI2I edge, and was issued after the QVI's revocation (day 10).
    const rev = c.root.revoke(c.qviCred, day(10));
    const v = verdict(c, rev.messages, day(30));
    expect(v).toMatchObject({ valid: false, status: "revoked" });
    expect(v.edges.find((e) => e.from === c.leCred)).toMatchObject({ result: "holds", grace: true });
    expect(v.edges.find((e) => e.from === c.ecrCred && e.to === c.qviCred)).toMatchObject({
      result: "fails",
    });
  });
});
