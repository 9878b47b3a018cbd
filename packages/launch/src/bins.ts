// Where the daemons' executables are: the `bin` entries of the installed app packages
// (@chronoseal/meshd, @chronoseal/collector-app), found through their package.json the way npm
// links them. Only their files are used; no app code is imported into this process.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { LaunchError } from "./daemon.js";

const require = createRequire(import.meta.url);

/** The installed apps' package.json files (literal specifiers, so dependency checkers see them). */
const APP_MANIFESTS: Record<string, () => string> = {
  "@chronoseal/meshd": () => require.resolve("@chronoseal/meshd/package.json"),
  "@chronoseal/collector-app": () => require.resolve("@chronoseal/collector-app/package.json"),
};

/** Absolute path of the executable `bin` of the app package `pkg`. */
export function appExecutable(pkg: string, bin: string): string {
  let manifest: string;
  try {
    manifest = (APP_MANIFESTS[pkg] ?? (() => require.resolve(`${pkg}/package.json`)))();
  } catch {
    throw new LaunchError(`${pkg} is not installed (it provides the ${bin} executable)`);
  }
  const bins = (JSON.parse(readFileSync(manifest, "utf8")) as { bin?: string | Record<string, string> }).bin;
  const rel = typeof bins === "string" ? bins : bins?.[bin];
  if (!rel) throw new LaunchError(`${pkg} has no ${bin} executable in its package.json`);
  const path = resolve(dirname(manifest), rel);
  if (!existsSync(path)) throw new LaunchError(`${path} is missing: build ${pkg} first (pnpm build)`);
  return path;
}
