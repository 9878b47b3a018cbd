import { readdirSync } from "node:fs";
import { describeVectors, readVector, VLEI_STREAMS, vectorPath, vleiStream } from "@chronoseal/testkit";
import { expect, it } from "vitest";
import { parseCesr, verifyAcdc, verifySaid } from "../../src/index.js";

describeVectors("SAIDs of the real KERI/ACDC artifacts", () => {
  const real = () =>
    readdirSync(vectorPath("acdc", "vLEI", "real-from-cesr")).filter((f) => f.endsWith(".json"));
  const tel = () => readdirSync(vectorPath("acdc", "keripy-tel-vectors")).filter((f) => f.endsWith(".json"));

  it("all 12 recompute: 8 vLEI bodies (2022 layout) and 4 keripy TEL events (current layout)", () => {
    const names = [
      ...real().map((f) => ["vLEI/real-from-cesr", f]),
      ...tel().map((f) => ["keripy-tel-vectors", f]),
    ];
    expect(names).toHaveLength(12);
    for (const [dir, f] of names) {
      const raw = readVector("acdc", ...(dir as string).split("/"), f as string);
      const check = verifySaid(raw);
      expect(check, f).toMatchObject({
        ok: true,
        code: "E",
        layout: dir === "keripy-tel-vectors" ? "current" : "2022",
      });
      const said = (JSON.parse(new TextDecoder().decode(raw)) as { d: string }).d;
      expect(check.ok && check.said).toBe(said);
      if (dir !== "keripy-tel-vectors") expect(f).toContain(said);
    }
  });

  it("ACDC section SAIDs (a, e, r) recompute and the top-level SAID commits to the full form", () => {
    const acdcs = real().filter((f) => f.includes("-acdc-"));
    expect(acdcs).toHaveLength(4);
    let blocks = 0;
    for (const f of acdcs) {
      const check = verifyAcdc(readVector("acdc", "vLEI", "real-from-cesr", f));
      expect(check.ok, f).toBe(true);
      expect(check.form).toBe("full");
      for (const s of check.sections) {
        if (s.kind === "block") {
          blocks++;
          expect(s.check?.ok, `${f} ${s.path}`).toBe(true);
        }
      }
    }
    expect(blocks).toBe(9); // a+e+r for LE and ECR, a+e for the report attestation, a for the QVI credential
  });

  it("a mutated byte anywhere in a credential breaks its SAID with a typed reason", () => {
    const raw = readVector(
      "acdc",
      "vLEI",
      "real-from-cesr",
      real().find((f) => f.includes("04-acdc")) as string,
    );
    const text = new TextDecoder().decode(raw);
    const i = text.indexOf("506700GE1G29325QX363");
    const mutated = new TextEncoder().encode(`${text.slice(0, i)}6${text.slice(i + 1)}`);
    const check = verifyAcdc(mutated);
    expect(check.ok).toBe(false);
    expect(check.said).toMatchObject({ ok: false, reason: "digest-mismatch" });
    expect(check.sections.find((s) => s.path === "a")?.check).toMatchObject({
      ok: false,
      reason: "digest-mismatch",
    });
  });

  it("every message body in the two vLEI .cesr streams has a valid SAID", () => {
    let n = 0;
    for (const name of VLEI_STREAMS) {
      for (const m of parseCesr(vleiStream(name))) {
        expect(m.said, `${name} #${m.index}`).toMatchObject({ ok: true, layout: "2022" });
        if (m.ilk === undefined) expect(verifyAcdc(m.raw).ok).toBe(true);
        n++;
      }
    }
    expect(n).toBe(70);
  });
});
