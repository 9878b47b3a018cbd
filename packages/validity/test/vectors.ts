// Locates ../shared/vectors (or $CHRONOSEAL_VECTORS); suites skip with a message without it.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe } from "vitest";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const vectorsDir = [process.env.CHRONOSEAL_VECTORS, join(repoRoot, "..", "shared", "vectors")].find(
  (c) => c && existsSync(c),
);

export function vectorPath(...parts: string[]): string {
  if (!vectorsDir) throw new Error("vectors folder is absent");
  return join(vectorsDir, ...parts);
}

function readVector(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(vectorPath(...parts)));
}

export function describeVectors(name: string, fn: () => void): void {
  if (!vectorsDir)
    console.warn(`[vectors] skipping "${name}": ../shared/vectors not found (set CHRONOSEAL_VECTORS)`);
  describe.skipIf(!vectorsDir)(`${name} (external vectors)`, fn);
}

export const VLEI_STREAMS = [
  "EBzltAGk2r2ztLpT7bqWln_Btb_pVowElbKxvqbG4_n4-acdc.cesr",
  "Eg8ERvoA7nYOxFIN8WC0JGSF0HNoNzVldT2TR92YuAY0-acdc.cesr",
] as const;

export function vleiStream(name: (typeof VLEI_STREAMS)[number]): Uint8Array {
  return readVector("acdc", "vLEI", "samples-acdc", name);
}
