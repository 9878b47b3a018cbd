// FINDING_KINDS is the runtime list of every kind the auditor can emit (reports and glossaries
// take it from here): it must hold exactly the members of the FindingKind union in verdict.ts,
// each once, so a kind added to the union but not to the list fails here.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FINDING_KINDS, INFORMATIONAL } from "../src/index.js";

describe("FINDING_KINDS", () => {
  it("lists every member of the FindingKind union, once each", () => {
    const source = readFileSync(new URL("../src/audit/verdict.ts", import.meta.url), "utf8");
    const union = /export type FindingKind =([^;]*);/.exec(source)?.[1];
    expect(union, "the FindingKind union in verdict.ts").toBeDefined();
    const members = [...union!.matchAll(/\|\s*"([^"]+)"/g)].map((m) => m[1]);
    expect(members.length).toBeGreaterThan(10);
    expect([...FINDING_KINDS].sort()).toEqual([...members].sort());
    expect(new Set(FINDING_KINDS).size).toBe(FINDING_KINDS.length);
    for (const k of INFORMATIONAL) expect(FINDING_KINDS).toContain(k);
  });
});
