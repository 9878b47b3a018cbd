// `chronoseal --version`: the version of this package (read from its package.json when run from
// dist/; the single-file executable has it embedded at build time, checked by scripts/bin/smoke.mjs).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "./run.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

describe("chronoseal --version", () => {
  it("prints the package version and exits 0", async () => {
    for (const flag of ["--version", "-V"]) {
      const r = await runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${pkg.version}\n`);
      expect(r.stderr).toBe("");
    }
  });

  it("is not taken as a command's option", async () => {
    const r = await runCli(["--version", "extra"]);
    expect(r.code).toBe(2);
  });
});
