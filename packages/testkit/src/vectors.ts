// Locates the external test vectors (../shared/vectors beside the repository, or
// $CHRONOSEAL_VECTORS). Vector suites use describeVectors(), which skips with a one-line message
// naming the folder when it is absent, instead of failing or passing silently.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe } from "vitest";

// this file is packages/testkit/dist/vectors.js (or src/vectors.ts): three levels below the root
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export const vectorsDir: string | undefined = [
  process.env.CHRONOSEAL_VECTORS,
  join(repoRoot, "..", "shared", "vectors"),
].find((c): c is string => !!c && existsSync(c));

/** Absolute path of a file under the vectors folder (only call inside describeVectors). */
export function vectorPath(...parts: string[]): string {
  if (!vectorsDir) throw new Error("vectors folder is absent");
  return join(vectorsDir, ...parts);
}

export function readVector(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(vectorPath(...parts)));
}

export function readVectorJson<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(vectorPath(...parts), "utf8")) as T;
}

/** describe() that skips, with a message naming the folder, when ../shared/vectors is missing. */
export function describeVectors(name: string, fn: () => void): void {
  if (!vectorsDir)
    console.warn(`[vectors] skipping "${name}": ../shared/vectors not found (set CHRONOSEAL_VECTORS)`);
  describe.skipIf(!vectorsDir)(`${name} (external vectors)`, fn);
}

/** The vLEI sample credential streams (CESR) that the KERI and validity suites read. */
export const VLEI_STREAMS = [
  "EBzltAGk2r2ztLpT7bqWln_Btb_pVowElbKxvqbG4_n4-acdc.cesr",
  "Eg8ERvoA7nYOxFIN8WC0JGSF0HNoNzVldT2TR92YuAY0-acdc.cesr",
] as const;

export function vleiStream(name: (typeof VLEI_STREAMS)[number]): Uint8Array {
  return readVector("acdc", "vLEI", "samples-acdc", name);
}
