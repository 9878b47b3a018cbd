// The window rules, table-driven, plus edges, pins, grace, escrow and duplicity.
import { describe, expect, it } from "vitest";
import { verifyDuplicityProof } from "../src/duplicity.js";
import { EvidenceStore } from "../src/store.js";
import type { Evidence } from "../src/types.js";
import { buildChain, type Chain, DAY, day } from "./fixture.js";

function storeWith(...docs: Evidence[]): EvidenceStore {
  const s = new EvidenceStore();
  for (const d of docs) s.add(d);
  return s;
}

function verdict(chain: Chain, extra: Evidence[], validOn: number, trustedRoots = [chain.root.aid]) {
  const store = storeWith(...chain.evidence, ...extra);
  return store.validate(chain.ecrCred.credential.d, { validOn, resolution: DAY, trustedRoots });
}

describe("validate: window rules", () => {
  it("a fully issued chain is valid, and every link is listed", async () => {
    const c = await buildChain();
    const v = verdict(c, [], day(5));
    expect(v.valid).toBe(true);
    expect(v.links.map((l) => [l.via.split("/").at(-1), l.status])).toEqual([
      ["root", "valid"],
      ["le", "valid"],
      ["qvi", "valid"],
    ]);
  });

  it("not yet issued: T before the issuance window", async () => {
    const c = await buildChain();
    const v = verdict(c, [], day(2, 23));
    expect(v).toMatchObject({ valid: false, status: "not-yet-issued" });
    // same window as the issuance (earlier in the day) counts as issued
    expect(verdict(c, [], day(3, 1)).valid).toBe(true);
  });

  const cases: {
    name: string;
    revokeDay: [number, number];
    validOn: number;
    valid: boolean;
    status: string;
  }[] = [
    {
      name: "issuance and revocation in T's window go to the issuee",
      revokeDay: [3, 18],
      validOn: day(3, 20),
      valid: true,
      status: "valid",
    },
    {
      name: "same-window revocation counts from the next window",
      revokeDay: [3, 18],
      validOn: day(4, 1),
      valid: false,
      status: "revoked-before",
    },
    {
      name: "revocation the window before T: invalid",
      revokeDay: [4, 9],
      validOn: day(5),
      valid: false,
      status: "revoked-before",
    },
    {
      name: "revocation in T's window: still valid",
      revokeDay: [5, 9],
      validOn: day(5, 23),
      valid: true,
      status: "valid",
    },
    { name: "revocation after T: valid", revokeDay: [9, 9], validOn: day(5), valid: true, status: "valid" },
  ];
  for (const tc of cases) {
    it(tc.name, async () => {
      const c = await buildChain();
      const { rev, ixn } = c.le.revoke(c.ecrCred.credential, c.ecrCred.iss, day(...tc.revokeDay));
      const v = verdict(c, [rev, ixn], tc.validOn);
      expect(v).toMatchObject({ valid: tc.valid, status: tc.status });
    });
  }

  it("the root link revoked breaks the chain (no grace)", async () => {
    const c = await buildChain();
    const { rev, ixn } = c.root.revoke(c.qviCred.credential, c.qviCred.iss, day(4));
    expect(verdict(c, [rev, ixn], day(3, 20)).valid).toBe(true);
    const v = verdict(c, [rev, ixn], day(6));
    expect(v).toMatchObject({ valid: false, status: "revoked-before" });
    expect(v.links.find((l) => l.credential === c.qviCred.credential.d)?.status).toBe("revoked-before");
  });

  it("a middle link revoked breaks the chain", async () => {
    const c = await buildChain();
    const { rev, ixn } = c.qvi.revoke(c.leCred.credential, c.leCred.iss, day(4));
    expect(verdict(c, [rev, ixn], day(6))).toMatchObject({ valid: false, status: "revoked-before" });
    expect(verdict(c, [rev, ixn], day(4, 23)).valid).toBe(true);
  });

  it("grace period (vLEI): credentials issued before the QVI's revocation stay valid N days", async () => {
    const c = await buildChain({
      leEdge: { grace: 90 * DAY },
      ecrEdges: (_q, le) => ({ le: { n: le, o: "I2I" } }),
    });
    const { rev, ixn } = c.root.revoke(c.qviCred.credential, c.qviCred.iss, day(10));
    expect(verdict(c, [rev, ixn], day(50)).valid).toBe(true);
    expect(verdict(c, [rev, ixn], day(10 + 91)).valid).toBe(false);
  });

  it("NOT and NI2I edges", async () => {
    const c = await buildChain({
      ecrEdges: (qvi, le) => ({ le: { n: le, o: "I2I" }, notQvi: { n: qvi, o: "NOT" } }),
    });
    // the QVI credential is valid, so a NOT edge on it fails
    expect(verdict(c, [], day(5))).toMatchObject({ valid: false, status: "edge-failed" });
    const { rev, ixn } = c.root.revoke(c.qviCred.credential, c.qviCred.iss, day(4));
    // once it is revoked the NOT edge holds — but the LE's own I2I edge to the QVI now fails
    const v = verdict(c, [rev, ixn], day(6));
    expect(v.valid).toBe(false);
    expect(v.edges.find((e) => e.name === "notQvi")).toMatchObject({ operator: "NOT", result: "holds" });
    expect(v.edges.find((e) => e.name === "qvi")).toMatchObject({ operator: "I2I", result: "fails" });
    // I2I requires issuer = parent issuee: an ECR claiming an I2I edge on the QVI credential fails
    const d = await buildChain({ ecrEdges: (qvi) => ({ q: { n: qvi, o: "I2I" } }) });
    expect(verdict(d, [], day(5))).toMatchObject({ valid: false, status: "edge-failed" });
  });

  it("pins on either end", async () => {
    // The LE's log: icp (0), then the ECR issuance is anchored at sequence number 1.
    const ok = await buildChain({
      ecrEdges: (qvi, le) => ({
        le: { n: le, o: "I2I", pin: { min: 1, max: 3 } },
        qvi: { n: qvi, o: "NI2I" },
      }),
    });
    expect(verdict(ok, [], day(5)).valid).toBe(true);
    const low = await buildChain({
      ecrEdges: (qvi, le) => ({ le: { n: le, o: "I2I", pin: { min: 2 } }, qvi: { n: qvi, o: "NI2I" } }),
    });
    expect(verdict(low, [], day(5))).toMatchObject({ valid: false, status: "pin-violated" });
    const high = await buildChain({
      ecrEdges: (qvi, le) => ({ le: { n: le, o: "I2I", pin: { max: 0 } }, qvi: { n: qvi, o: "NI2I" } }),
    });
    expect(verdict(high, [], day(5))).toMatchObject({ valid: false, status: "pin-violated" });
  });

  it("untrusted roots and forged signatures are reported", async () => {
    const c = await buildChain();
    expect(verdict(c, [], day(5), ["Esomebody-else"])).toMatchObject({
      valid: false,
      status: "untrusted-root",
    });
    const forged = { ...c.ecrCred.credential, signatures: { ...c.ecrCred.credential.signatures } };
    const key = Object.keys(forged.signatures!)[0]!;
    forged.signatures![key] = {
      ...forged.signatures![key]!,
      signature: forged.signatures![key]!.signature.replace(/^./, (x) => (x === "A" ? "B" : "A")),
    };
    const store = storeWith(...c.evidence.filter((e) => e !== c.ecrCred.credential), forged);
    expect(store.validate(forged.d, { validOn: day(5), resolution: DAY })).toMatchObject({
      valid: false,
      status: "signature-invalid",
    });
  });
});

describe("escrow", () => {
  it("a missing anchor leaves the verdict pending, naming it; its arrival completes the chain", async () => {
    const c = await buildChain();
    const anchor = c.le.events.at(-1)!; // the ixn anchoring the ECR issuance
    const store = storeWith(...c.evidence.filter((e) => e !== anchor));
    const v = store.validate(c.ecrCred.credential.d, { validOn: day(5), resolution: DAY });
    expect(v.status).toBe("pending");
    expect(v.missing).toContain(`anchor:${c.ecrCred.iss.d}`);
    expect(store.escrowed().some((e) => e.missing.includes(`anchor:${c.ecrCred.iss.d}`))).toBe(true);
    expect(store.add(anchor).status).toBe("accepted");
    expect(store.validate(c.ecrCred.credential.d, { validOn: day(5), resolution: DAY }).valid).toBe(true);
    expect(store.escrowed()).toEqual([]);
  });

  it("status is a separate question from validate", async () => {
    const c = await buildChain();
    const { rev, ixn } = c.le.revoke(c.ecrCred.credential, c.ecrCred.iss, day(7));
    const store = storeWith(...c.evidence, rev, ixn);
    expect(store.status(c.ecrCred.credential.d)).toMatchObject({
      state: "revoked",
      anchored: { issue: true, revoke: true },
    });
    expect(store.status("Eunknown")).toMatchObject({ state: "unknown" });
  });
});

describe("duplicity", () => {
  it("a revocation backdated before a signed 'not revoked' reply yields a proof that verifies", async () => {
    const c = await buildChain();
    const reply = c.le.reply(c.ecrCred.credential.d, day(10));
    // On day 12 the issuer publishes a revocation dated day 8.
    const { rev, ixn } = c.le.revoke(c.ecrCred.credential, c.ecrCred.iss, day(8), day(12));
    const store = storeWith(...c.evidence, reply, rev, ixn);
    const v = store.validate(c.ecrCred.credential.d, { validOn: day(9), resolution: DAY });
    expect(v.status).toBe("duplicity");
    const proof = v.duplicity[0]!;
    expect(verifyDuplicityProof(proof)).toBe(true);
    expect(
      verifyDuplicityProof({ ...proof, reply: { ...proof.reply, asOf: "2025-01-07T00:00:00.000Z" } }),
    ).toBe(false);
    expect(
      verifyDuplicityProof({ ...proof, revocation: { ...proof.revocation, dt: "2025-01-11T00:00:00.000Z" } }),
    ).toBe(false);
    const sig = proof.reply.signatures![proof.replySigner]!;
    const tampered = {
      ...proof.reply,
      signatures: {
        [proof.replySigner]: {
          ...sig,
          signature: sig.signature.replace(/^./, (x) => (x === "A" ? "B" : "A")),
        },
      },
    };
    expect(verifyDuplicityProof({ ...proof, reply: tampered })).toBe(false);
    // an honest revocation (dated after the reply) is no duplicity
    const d = await buildChain();
    const r2 = d.le.reply(d.ecrCred.credential.d, day(10));
    const late = d.le.revoke(d.ecrCred.credential, d.ecrCred.iss, day(11));
    const s2 = storeWith(...d.evidence, r2, late.rev, late.ixn);
    expect(s2.validate(d.ecrCred.credential.d, { validOn: day(12), resolution: DAY }).status).toBe(
      "revoked-before",
    );
  });
});
