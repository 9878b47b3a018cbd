// The version `chronoseal-collector --version` prints: the single-executable build (scripts/bin) puts the
// package.json version in CHRONOSEAL_VERSION at build time; run from dist/, it is read from
// this package's package.json.
import { readFileSync } from "node:fs";

declare const CHRONOSEAL_VERSION: string | undefined;

export function version(): string {
  if (typeof CHRONOSEAL_VERSION === "string") return CHRONOSEAL_VERSION;
  const manifest = readFileSync(new URL("../package.json", import.meta.url), "utf8");
  return (JSON.parse(manifest) as { version: string }).version;
}
