// RFC 8785 reference data (cyberphone testdata) and the RFC 8785 number sequence.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { canonicalize } from "../../src/jcs/canonicalize.js";
import { describeVectors, vectorPath, vectorsDir } from "../vectors.js";

describeVectors("RFC 8785 reference files", () => {
  const names = vectorsDir ? readdirSync(vectorPath("jcs", "input")).filter((f) => f.endsWith(".json")) : [];
  it("has the six reference pairs", () => {
    expect(names.length).toBe(6);
  });
  for (const name of names) {
    it(`${name} canonicalizes byte for byte`, () => {
      const input = JSON.parse(readFileSync(vectorPath("jcs", "input", name), "utf8"));
      const expected = readFileSync(vectorPath("jcs", "output", name));
      const hex = readFileSync(vectorPath("jcs", "outhex", name.replace(/\.json$/, ".txt")), "utf8").replace(
        /\s+/g,
        "",
      );
      const out = Buffer.from(canonicalize(input), "utf8");
      expect(out.toString("hex")).toBe(expected.toString("hex"));
      expect(out.toString("hex")).toBe(hex.toLowerCase());
    });
  }
});

describeVectors("RFC 8785 number sequence", () => {
  let dir = "";
  let lines: string[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "jcs-numbers-"));
    const file = join(dir, "numbers.txt");
    // The generator checks its output against the checksum published with RFC 8785's data.
    // (hook timeout 120 s: generating and checksumming the 1,000,000 lines takes about a second on an
    // idle machine, much longer on a loaded one)
    execFileSync(process.execPath, [join(vectorsDir!, "..", "tools", "jcs-numbers.mjs"), "1000000", file]);
    lines = readFileSync(file, "utf8").split("\n");
    if (lines.at(-1) === "") lines.pop();
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("first 1,000,000 numbers canonicalize to the expected text", () => {
    expect(lines.length).toBe(1_000_000);
    const f64 = new Float64Array(1);
    const u64 = new BigUint64Array(f64.buffer);
    const mismatches: string[] = [];
    for (const line of lines) {
      const comma = line.indexOf(",");
      u64[0] = BigInt(`0x${line.slice(0, comma)}`);
      const got = canonicalize(f64[0]);
      if (got !== line.slice(comma + 1) && mismatches.push(`${line} → ${got}`) >= 10) break;
    }
    expect(mismatches).toEqual([]);
  });

  it("the static head file parses to the same first numbers", () => {
    const head = readFileSync(vectorPath("jcs", "numbers-static-u64.txt"), "utf8").trim().split(/\s+/);
    const f64 = new Float64Array(new BigUint64Array(head.map((h) => BigInt(h))).buffer);
    f64.forEach((f, i) => {
      expect(canonicalize(f)).toBe(lines[i]!.slice(lines[i]!.indexOf(",") + 1));
    });
  });
});
