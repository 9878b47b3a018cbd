// Real-world shape: the vLEI chain (QVI → Legal Entity → ECR → iXBRL attestation, issued
// 2022-06-21..26, with I2I / NI2I / AND edges) imported into our model — structure, edges,
// attributes and dates — and validated before, during and after the issuance window. Our SAIDs
// are SHA-256 based, so their Blake3 SAIDs are mapped to ours rather than checked.
import { readdirSync, readFileSync } from "node:fs";
import { initKeys } from "@chronoseal/core";
import { beforeAll, expect, it } from "vitest";
import { Controller } from "../src/controller.js";
import { EvidenceStore } from "../src/store.js";
import type { Edge, Edges } from "../src/types.js";
import { describeVectors, vectorPath, vectorsDir } from "./vectors.js";

const DAY = 86_400_000;

describeVectors("vLEI chain imported from real CESR", () => {
  const store = new EvidenceStore();
  const ours = new Map<string, string>(); // their credential SAID → ours
  let gleif = "";
  beforeAll(async () => {
    await initKeys();
    const dir = vectorPath("acdc", "vLEI", "real-from-cesr");
    const files = vectorsDir ? readdirSync(dir).sort() : [];
    const json = (f: string) => JSON.parse(readFileSync(`${dir}/${f}`, "utf8"));
    const creds = files.filter((f) => f.includes("-acdc-")).map(json);
    const iss = new Map<string, string>(
      files
        .filter((f) => f.includes("-iss-"))
        .map(json)
        .map((e) => [e.i, e.dt]),
    );
    const controllers = new Map<string, Controller>();
    const ctl = (aid: string) => {
      if (!controllers.has(aid))
        controllers.set(aid, Controller.incept({ signedAt: "2022-06-01T00:00:00Z" }));
      return controllers.get(aid)!;
    };
    gleif = ctl(creds[0].i).aid;
    const issuedDocs: object[] = [];
    for (const c of creds) {
      const edges: Edges = {};
      for (const [name, e] of Object.entries(c.e ?? {})) {
        if (name === "d") continue;
        if (name === "o") edges.o = e as "AND";
        else
          edges[name] = {
            n: ours.get((e as Edge).n)!,
            s: (e as Edge).s,
            ...((e as Edge).o ? { o: (e as Edge).o } : {}),
          };
      }
      const { i: issuee, dt: _dt, d: _d, ...attributes } = c.a;
      const issued = ctl(c.i).issue({
        schema: c.s,
        dt: iss.get(c.d)!,
        attributes,
        ...(issuee ? { issuee: ctl(issuee).aid } : {}),
        ...(Object.keys(edges).length ? { edges } : {}),
      });
      ours.set(c.d, issued.credential.d);
      issuedDocs.push(issued.credential, issued.iss);
    }
    for (const c of controllers.values()) store.addAll(c.events);
    store.addAll(issuedDocs);
  });

  it("imports 4 credentials with their edge operators", () => {
    expect(ours.size).toBe(4);
  });

  it("validates the chain before, during and after the issuance window", () => {
    const ixbrl = ours.get("EBzltAGk2r2ztLpT7bqWln_Btb_pVowElbKxvqbG4_n4")!;
    const ecr = ours.get("EgXJmyk8mdxuAUtYwj59LPYQ-K92i2Gs1Js93a0FcJ8A")!;
    const at = (t: string, said: string) =>
      store.validate(said, { validOn: t, resolution: DAY, trustedRoots: [gleif] });
    expect(at("2022-06-20T12:00:00Z", ecr)).toMatchObject({ valid: false, status: "not-yet-issued" });
    expect(at("2022-06-21T23:00:00Z", ecr)).toMatchObject({ valid: false, status: "not-yet-issued" });
    const during = at("2022-06-22T08:00:00Z", ecr);
    expect(during.valid).toBe(true);
    expect(at("2022-06-24T00:00:00Z", ixbrl)).toMatchObject({ valid: false, status: "not-yet-issued" });
    const after = at("2022-06-27T00:00:00Z", ecr);
    expect(after.valid).toBe(true);
    expect(after.edges.map((e) => [e.name, e.operator, e.result]).sort()).toEqual([
      ["le", "NI2I", "holds"],
      ["qvi", "I2I", "holds"],
      ["qvi", "I2I", "holds"],
    ]);
    // A finding in the real data: the iXBRL attestation's "oor" edge names the OOR schema but
    // points at the ECR credential, so the schema constraint of the edge fails, and we say so.
    const attestation = at("2022-06-27T00:00:00Z", ixbrl);
    expect(attestation).toMatchObject({ valid: false, status: "edge-failed" });
    expect(attestation.reason).toMatch(/oor: parent schema EKrJtKr528.* is not E2RzmSCFmG2a/);
  });
});
