#!/usr/bin/env node
// `prepack` of every public package: copies the repository's LICENSE into the package being
// packed (the current directory, as npm and pnpm run lifecycle scripts), so each tarball carries
// it. The copies are gitignored; the root LICENSE is the one that is edited.
import { copyFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
copyFileSync(join(root, "LICENSE"), join(process.cwd(), "LICENSE"));
