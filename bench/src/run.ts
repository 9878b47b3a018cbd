// Runs the benchmark suites and writes results/<suite>.json plus results/REPORT.md.
//
// Usage: pnpm bench [-- --suite hash,jcs] [--quick]
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo, type SuiteResult, versionOf } from "./harness.js";
import { suites } from "./suites/index.js";

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "results");

function selected(): string[] {
  const i = process.argv.indexOf("--suite");
  const arg = i >= 0 ? process.argv[i + 1] : undefined;
  return arg ? arg.split(",") : Object.keys(suites);
}

const libraries = [
  "@chronoseal/core",
  "@noble/hashes",
  "@noble/curves",
  "hash-wasm",
  "canonicalize",
  "libsodium-wrappers",
  "tinybench",
];

function markdown(results: SuiteResult[]): string {
  const m = machineInfo();
  const lines = [
    "# chronoseal benchmarks",
    "",
    `Node ${m.node} (V8 ${m.v8}, OpenSSL ${m.openssl}) on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}.`,
    "",
    `Libraries: ${libraries.map((l) => `${l} ${versionOf(l)}`).join(", ")}.`,
    "",
  ];
  for (const r of results) {
    lines.push(
      `## ${r.suite}`,
      "",
      "| task | library | units/s | mean per op | ±% |",
      "|---|---|---:|---:|---:|",
    );
    for (const x of r.measurements) {
      const per = x.meanMs >= 1 ? `${x.meanMs.toFixed(2)} ms` : `${(x.meanMs * 1000).toFixed(2)} µs`;
      lines.push(
        `| ${x.task} | ${x.library} | ${Math.round(x.unitsPerSec).toLocaleString("en-US")} ${x.unit}/s | ${per} | ${x.rme.toFixed(1)} |`,
      );
    }
    if (r.ratios.length) {
      lines.push("", "| ratio (ours / theirs, same run) | value | target |", "|---|---:|---:|");
      for (const q of r.ratios) {
        const t = q.target === undefined ? "" : `≥ ${q.target}× ${q.value >= q.target ? "✓" : "✗"}`;
        lines.push(`| ${q.name} | ${q.value.toFixed(2)}× | ${t} |`);
      }
    }
    for (const n of r.notes) lines.push("", n);
    lines.push("");
  }
  return lines.join("\n");
}

const names = selected();
const results: SuiteResult[] = [];
for (const name of names) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown suite ${name}; known: ${Object.keys(suites).join(", ")}`);
    process.exit(2);
  }
  console.log(`\n# ${name}`);
  const r = await suite();
  results.push(r);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, `${name}.json`),
    `${JSON.stringify({ machine: machineInfo(), ...r }, null, 2)}\n`,
  );
}
const md = markdown(results);
writeFileSync(
  join(
    resultsDir,
    names.length === Object.keys(suites).length ? "REPORT.md" : `REPORT-${names.join("-")}.md`,
  ),
  md,
);
console.log(`\n${md}`);
