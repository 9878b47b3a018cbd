// One signing rule, one place (issue 11): the signed string `chronoseal-v1:<context>:…` is built
// only by packages/core/src/attest (rawSigningString in signing.ts). Every other package gets it
// from core — signingString / signingMessage for a checked string, signatureBatchItem,
// verifySigners, verifySignatureMaps, signHash / signPayload / signDocument for the rest — so a
// copy can never drift from the rule. This test reads every `src/` directory of the repository
// (packages/*, apps/*, hardware-sim, bench) and fails on any occurrence of the prefix outside
// packages/core/src/attest. The one allowed spelling elsewhere is the placeholder form
// `chronoseal-v1:<…` (help text describing the rule: `chronoseal-v1:<CTX>:<signed_at>:…`), which
// no context can produce (contexts are [a-z0-9-]).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const HOME = "packages/core/src/attest";
const PREFIX = /chronoseal-v1(?!:<)/g;

function srcDirs(): string[] {
  const dirs: string[] = [];
  for (const group of ["packages", "apps"]) {
    const base = join(ROOT, group);
    for (const name of readdirSync(base)) {
      const src = join(base, name, "src");
      if (existsSync(src)) dirs.push(src);
    }
  }
  for (const name of ["hardware-sim", "bench"]) {
    const src = join(ROOT, name, "src");
    if (existsSync(src)) dirs.push(src);
  }
  return dirs;
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path));
    else out.push(path);
  }
  return out;
}

/** Every occurrence of the prefix (not in placeholder form): "path:line: text". */
function occurrences(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const dir of srcDirs())
    for (const file of files(dir)) {
      const path = relative(ROOT, file).split(sep).join("/");
      const lines = readFileSync(file, "utf8").split("\n");
      lines.forEach((line, i) => {
        if (!line.match(PREFIX)) return;
        const list = found.get(path) ?? [];
        list.push(`${path}:${i + 1}: ${line.trim()}`);
        found.set(path, list);
      });
    }
  return found;
}

describe("one signing rule, one place", () => {
  const found = occurrences();

  it("scans every src directory, and finds the rule where it lives", () => {
    const dirs = srcDirs().map((d) => relative(ROOT, d).split(sep).join("/"));
    for (const d of [
      "packages/core/src",
      "packages/lock/src",
      "packages/collector/src",
      "packages/mesh/src",
      "packages/cli/src",
      "hardware-sim/src",
      "bench/src",
    ])
      expect(dirs).toContain(d);
    // the scanner sees the rule itself (so a broken scan cannot pass)
    expect(found.get(`${HOME}/signing.ts`)?.some((l) => /`chronoseal-v1:\$\{context\}:/.test(l))).toBe(true);
  });

  it("no file outside packages/core/src/attest spells the prefix (placeholders `chronoseal-v1:<…` aside)", () => {
    const outside = [...found].filter(([path]) => !path.startsWith(`${HOME}/`)).flatMap(([, lines]) => lines);
    expect(outside).toEqual([]);
  });

  it("inside core, only signing.ts builds the string", () => {
    const builders = [...found]
      .filter(([path]) => path.startsWith(`${HOME}/`))
      .flatMap(([, lines]) => lines)
      .filter((l) => /chronoseal-v1:\$\{/.test(l));
    expect(builders).toEqual([
      expect.stringMatching(
        /^packages\/core\/src\/attest\/signing\.ts:\d+: return `chronoseal-v1:\$\{context\}:/,
      ),
    ]);
  });
});
