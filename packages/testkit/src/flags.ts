// The command-line contract every daemon keeps, as a vitest suite run against the real
// executable: --help and -h print the usage on stdout and exit 0, --version prints the package
// version and exits 0 (nothing on stderr, nothing started), and an unknown option is one line on
// stderr naming it, with exit 2.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

export interface FlagsSuite {
  /** The command's name as its usage line prints it ("meshd"). */
  command: string;
  /** Path of the built executable (dist/main.js). */
  main: string;
  /** Path of the package.json whose version --version prints. */
  packageJson: string;
}

export function describeDaemonFlags({ command, main, packageJson }: FlagsSuite): void {
  const { version } = JSON.parse(readFileSync(packageJson, "utf8")) as { version: string };
  const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: "utf8" });

  describe(`${command} flags`, () => {
    it("--help and -h print the usage and exit 0", () => {
      for (const flag of ["--help", "-h"]) {
        const r = run(flag);
        expect(r.status).toBe(0);
        expect(r.stdout.startsWith(`usage: ${command} --config FILE`)).toBe(true);
        expect(r.stdout).toContain("--version");
        expect(r.stderr).toBe("");
      }
    });

    it("--version prints the package version and exits 0", () => {
      const r = run("--version");
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
      expect(r.stderr).toBe("");
    });

    it("an unknown option is one line on stderr and exit 2", () => {
      const r = run("--frobnicate");
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain("--frobnicate");
    });
  });
}
