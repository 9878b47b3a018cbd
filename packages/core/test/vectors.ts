// Locates the external test vectors (../shared/vectors beside the repository, or
// $CHRONOSEAL_VECTORS). Vector suites use describeVectors(), which skips with a one-line
// message when the folder is absent instead of failing or passing silently.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe } from "vitest";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export const vectorsDir: string | undefined = (() => {
  const candidates = [process.env.CHRONOSEAL_VECTORS, join(repoRoot, "..", "shared", "vectors")];
  for (const c of candidates) if (c && existsSync(c)) return c;
  return undefined;
})();

/** Absolute path of a file under the vectors folder (only call inside describeVectors). */
export function vectorPath(...parts: string[]): string {
  if (!vectorsDir) throw new Error("vectors folder is absent");
  return join(vectorsDir, ...parts);
}

export function readVectorJson<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(vectorPath(...parts), "utf8")) as T;
}

/** describe() that skips, with a message naming the folder, when ../shared/vectors is missing. */
export function describeVectors(name: string, fn: () => void): void {
  if (!vectorsDir) {
    console.warn(`[vectors] skipping "${name}": ../shared/vectors not found (set CHRONOSEAL_VECTORS)`);
  }
  describe.skipIf(!vectorsDir)(`${name} (external vectors)`, fn);
}
