// Locates ../shared/vectors (or $CHRONOSEAL_VECTORS); suites skip with a message without it.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe } from "vitest";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const vectorsDir = [process.env.CHRONOSEAL_VECTORS, join(repoRoot, "..", "shared", "vectors")].find(
  (c) => c && existsSync(c),
);

export function vectorPath(...parts: string[]): string {
  if (!vectorsDir) throw new Error("vectors folder is absent");
  return join(vectorsDir, ...parts);
}

export function describeVectors(name: string, fn: () => void): void {
  if (!vectorsDir)
    console.warn(`[vectors] skipping "${name}": ../shared/vectors not found (set CHRONOSEAL_VECTORS)`);
  describe.skipIf(!vectorsDir)(`${name} (external vectors)`, fn);
}
