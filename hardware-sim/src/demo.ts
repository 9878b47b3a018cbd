// The demo (`chronoseal-sim demo`, `pnpm demo` at the repository root). Part 1 shows canonical
// JSON and SHA-256 in WebAssembly on the RFC 8785 sample documents (from ../shared/vectors when
// present, else two embedded ones) and a duplicate key being refused; part 2 runs the whole
// system (demo-system.ts): a three-node mesh with one attestor and a collector on SQLite as real
// processes, 20 simulated locks for a simulated week with power cuts, clock trouble and
// partitions, a tampering collector, the audit, the check against the simulator's ground truth,
// and the report as JSON and HTML in the output directory.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalHash, canonicalize, initKeys, parseJson } from "@chronoseal/core";
import { systemDemo } from "./demo-system.js";

const embedded: Record<string, string> = {
  "structures.json":
    '{\n  "1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0},\n  "10": { },\n  "": "empty",\n  "a": { },\n  "111": [ {"e": "yes","E": "no" } ],\n  "A": { }\n}',
  "values.json":
    '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}',
};

export interface DemoOptions {
  /** Where report.json and report.html go. */
  outDir: string;
  /** The shared test vectors (their jcs/input samples are used when present). */
  vectors?: string;
  /** Output, one line at a time. */
  say: (line: string) => void;
}

/** Part 1: canonical JSON and SHA-256 (WebAssembly) of the RFC 8785 samples. */
function canonicalJsonDemo(o: DemoOptions): boolean {
  const inputDir = o.vectors ? join(o.vectors, "jcs", "input") : undefined;
  const fromVectors = inputDir !== undefined && existsSync(inputDir);
  const samples: [string, string][] = fromVectors
    ? readdirSync(inputDir)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => [f, readFileSync(join(inputDir, f), "utf8")])
    : Object.entries(embedded);
  o.say("chronoseal demo — RFC 8785 canonical JSON and SHA-256 in WebAssembly\n");
  o.say(fromVectors ? `samples: ${inputDir}\n` : "samples: embedded (../shared/vectors not found)\n");
  let ok = true;
  for (const [name, text] of samples) {
    let canon: string;
    let digest: string;
    try {
      const value = parseJson(text);
      canon = canonicalize(value);
      digest = Buffer.from(canonicalHash(value)).toString("hex");
    } catch (e) {
      o.say(`${name}: error ${(e as Error).message}`);
      ok = false;
      continue;
    }
    const shown = canon.length > 72 ? `${canon.slice(0, 69)}...` : canon;
    o.say(
      `${name.padEnd(18)} ${String(Buffer.byteLength(text)).padStart(5)} B in → ${String(Buffer.byteLength(canon)).padStart(4)} B canonical`,
    );
    o.say(`  ${shown}`);
    o.say(`  sha256 ${digest}\n`);
  }
  try {
    parseJson('{"a": 1, "a": 2}');
    o.say("a document with a duplicate key was accepted: that is a bug");
    ok = false;
  } catch (e) {
    o.say(`a document with a duplicate key is refused: ${(e as Error).name}: ${(e as Error).message}`);
  }
  return ok;
}

/** Runs both parts; true when every sample worked and the audit agrees with the ground truth. */
export async function runDemo(o: DemoOptions): Promise<boolean> {
  await initKeys();
  const part1 = canonicalJsonDemo(o);
  const part2 = await systemDemo(o.outDir, o.say);
  return part1 && part2;
}
