// Long chains: 1,100 links of distinct issuers (each link's issuer is the previous link's
// issuee, I2I) and 10,000 links from one issuer (NI2I, all issuances anchored in one event).
// Validation walks the credential graph iteratively: no stack overflow, every link listed.
import { init } from "@chronoseal/core";
import { beforeAll, describe, expect, it } from "vitest";
import { EvidenceStore, makeCredential, makeIssuance } from "../../src/index.js";
import { concat, controller, DAY, day, SCHEMAS } from "../fixture.js";

beforeAll(async () => {
  await init();
});

describe("long chains validate without stack overflow", () => {
  it("1,100 links, each issued by the previous link's issuee (I2I)", () => {
    const n = 1100;
    const parts: Uint8Array[] = [];
    const people = Array.from({ length: n + 1 }, (_, i) => controller(`long-${i}`));
    for (const p of people) parts.push(p.icp);
    let parent: string | undefined;
    const saids: string[] = [];
    for (let i = 0; i < n; i++) {
      const issuer = people[i]?.c;
      const issued = issuer?.issue({
        schema: SCHEMAS.le.said,
        issuee: people[i + 1]?.c.prefix,
        dt: day(1),
        ...(parent ? { edges: { up: { n: parent, o: "I2I" } } } : {}),
      });
      if (!issued) throw new Error("unreachable");
      parts.push(...issued.messages);
      parent = issued.said;
      saids.push(issued.said);
    }
    const store = new EvidenceStore();
    store.import(SCHEMAS.le.doc);
    const report = store.import(concat(parts));
    expect(report.rejected).toBe(0);
    const leaf = saids[n - 1] as string;
    const root = people[0]?.c.prefix as string;
    const v = store.validate(leaf, { validOn: day(5), resolution: DAY, trustedRoots: [root] });
    expect(v).toMatchObject({ valid: true, status: "valid" });
    expect(v.links).toHaveLength(n);
    expect(v.edges).toHaveLength(n - 1);
    // A revocation in the middle: every link is still listed, each with its own status.
    const mid = saids[550] as string;
    store.import(concat(people[550]?.c.revoke(mid, day(2)).messages ?? []));
    const w = store.validate(leaf, { validOn: day(5), resolution: DAY, trustedRoots: [root] });
    expect(w).toMatchObject({ valid: false, status: "revoked" });
    expect(w.reason).toContain(mid);
    expect(w.links).toHaveLength(n);
    expect(w.links.filter((l) => l.status === "revoked").map((l) => l.credential)).toEqual([mid]);
    expect(w.links.filter((l) => l.chain === "revoked")).toHaveLength(n - 550);
  }, 120_000); // 1,101 identifiers' logs made and signed, then verified: 8 s idle, more on a shared machine

  it("10,000 links from one issuer (NI2I), every issuance anchored in one interaction event", () => {
    const n = 10_000;
    const issuer = controller("long-issuer");
    const parts: Uint8Array[] = [issuer.icp, ...issuer.c.ensureRegistry()];
    const registry = issuer.c.registry as string;
    const seals: { i: string; s: string; d: string }[] = [];
    let parent: string | undefined;
    let leaf = "";
    for (let i = 0; i < n; i++) {
      const acdc = makeCredential({
        issuer: issuer.c.prefix,
        registry,
        schema: SCHEMAS.le.said,
        dt: day(1),
        attributes: { LEI: `L${i}` },
        ...(parent ? { edges: { up: { n: parent, o: "NI2I" } } } : {}),
      });
      const iss = makeIssuance({ credential: acdc.said, registry, dt: day(1) });
      parts.push(acdc.raw, iss.raw);
      seals.push({ i: acdc.said, s: "0", d: iss.said });
      parent = acdc.said;
      leaf = acdc.said;
    }
    parts.push(issuer.c.interact(seals).message);
    const store = new EvidenceStore();
    store.import(SCHEMAS.le.doc);
    expect(store.import(concat(parts)).rejected).toBe(0);
    const v = store.validate(leaf, { validOn: day(5), resolution: DAY, trustedRoots: [issuer.c.prefix] });
    expect(v).toMatchObject({ valid: true });
    expect(v.links).toHaveLength(n);
    expect(new Set(v.links.map((l) => l.status))).toEqual(new Set(["valid"]));
  }, 120_000); // 10,000 credentials made, parsed and judged: 9 s on a shared machine
});
