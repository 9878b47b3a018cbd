// `pnpm demo`: the main job. Part 1 shows the CLI canonicalizing and hashing the RFC 8785
// sample documents; part 2 runs the whole system (demo-system.ts): a three-node mesh with one
// attestor and a collector on SQLite as real processes, 20 simulated locks for a simulated week
// with power cuts, clock trouble and partitions, a tampering collector, the audit, the check
// against the simulator's ground truth, and the report as JSON and HTML in .demo/.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { main } from "./main.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const vectors = process.env.CHRONOSEAL_VECTORS ?? join(repoRoot, "..", "shared", "vectors");

const embedded: Record<string, string> = {
  "structures.json":
    '{\n  "1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0},\n  "10": { },\n  "": "empty",\n  "a": { },\n  "111": [ {"e": "yes","E": "no" } ],\n  "A": { }\n}',
  "values.json":
    '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}',
};

async function run(argv: string[], stdin: string): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  out.on("data", (c: Buffer) => o.push(c));
  err.on("data", (c: Buffer) => e.push(c));
  const code = await main(argv, {
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout: out,
    stderr: err,
    isTTY: false,
    cwd: process.cwd(),
    env: process.env,
  });
  return { code, out: Buffer.concat(o).toString(), err: Buffer.concat(e).toString() };
}

const inputDir = join(vectors, "jcs", "input");
const samples: [string, string][] = existsSync(inputDir)
  ? readdirSync(inputDir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => [f, readFileSync(join(inputDir, f), "utf8")])
  : Object.entries(embedded);

console.log("chronoseal demo — RFC 8785 canonical JSON and SHA-256 in WebAssembly\n");
console.log(
  existsSync(inputDir) ? `samples: ${inputDir}\n` : "samples: embedded (../shared/vectors not found)\n",
);
for (const [name, text] of samples) {
  const canon = await run(["canonicalize"], text);
  const digest = await run(["hash", "--canonical"], text);
  if (canon.code !== 0 || digest.code !== 0) {
    console.log(`${name}: error ${canon.err}${digest.err}`);
    process.exitCode = 1;
    continue;
  }
  const shown = canon.out.length > 72 ? `${canon.out.slice(0, 69)}...` : canon.out;
  console.log(
    `${name.padEnd(18)} ${String(Buffer.byteLength(text)).padStart(5)} B in → ${String(Buffer.byteLength(canon.out)).padStart(4)} B canonical`,
  );
  console.log(`  ${shown}`);
  console.log(`  sha256 ${digest.out.trim()}\n`);
}
const bad = await run(["canonicalize"], '{"a": 1, "a": 2}');
console.log(`a document with a duplicate key is refused (exit ${bad.code}): ${bad.err.trim()}`);

const { systemDemo } = await import("./demo-system.js");
process.exitCode = (await systemDemo(join(repoRoot, ".demo"))) ? (process.exitCode ?? 0) : 1;
