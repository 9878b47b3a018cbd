// chronoseal-lock-agent --help and --version, as a real process: usage or the package version on stdout, exit 0,
// nothing on stderr, nothing started; an unknown option is one line on stderr and exit 2.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: "utf8" });

describe("chronoseal-lock-agent flags", () => {
  it("--help and -h print the usage and exit 0", () => {
    for (const flag of ["--help", "-h"]) {
      const r = run(flag);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^usage: chronoseal-lock-agent --config FILE/);
      expect(r.stdout).toContain("--version");
      expect(r.stderr).toBe("");
    }
  });

  it("--version prints the package version and exits 0", () => {
    const r = run("--version");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
    expect(r.stderr).toBe("");
  });

  it("an unknown option is one line on stderr and exit 2", () => {
    const r = run("--frobnicate");
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("--frobnicate");
  });
});
