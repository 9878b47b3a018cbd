// `chronoseal sim run` and `chronoseal demo` delegate to the simulator (@chronoseal/hardware-sim)
// when it is installed, and say how to get it when it is not; the CLI itself does not depend on it.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { delegate, isMissingPackage } from "../src/commands/sim.js";
import { runCli } from "./run.js";

const pkg = JSON.parse(
  readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), "..", "package.json"), "utf8"),
) as { dependencies: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }> };

function io() {
  const err = new PassThrough();
  const chunks: Buffer[] = [];
  err.on("data", (c: Buffer) => chunks.push(c));
  return {
    io: {
      stdin: Readable.from([]),
      stdout: new PassThrough(),
      stderr: err,
      isTTY: false,
      cwd: process.cwd(),
      env: {},
    },
    stderr: () => Buffer.concat(chunks).toString(),
  };
}

describe("simulator verbs", () => {
  it("the CLI does not depend on the simulator, the daemons or pg (an optional peer only)", () => {
    for (const name of ["@chronoseal/hardware-sim", "@chronoseal/meshd", "@chronoseal/collector-app", "pg"])
      expect(pkg.dependencies[name], name).toBeUndefined();
    expect(pkg.peerDependenciesMeta?.["@chronoseal/hardware-sim"]?.optional).toBe(true);
  });

  it("delegates to chronoseal-sim when it is installed: its own usage errors come back (exit 2)", async () => {
    const r = await runCli(["sim", "run", "--locks", "0"], "", mkdtempSync(join(tmpdir(), "cli-sim-")));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^chronoseal sim run: --locks: an integer in 1\.\.1000/);
  });

  it("without the simulator: says how to install it, exit 2 (a package that really is not there)", async () => {
    const t = io();
    const missing = "@chronoseal/not-installed-simulator";
    const code = await delegate("sim run", ["run"], t.io, {
      pkg: missing,
      load: () => import(`${missing}/cli`),
    });
    expect(code).toBe(2);
    expect(t.stderr()).toMatch(/chronoseal sim run: the simulator is not installed/);
    expect(t.stderr()).toMatch(/npm install @chronoseal\/hardware-sim/);
  });

  it("a simulator that fails to load for another reason is not reported as missing", () => {
    const inner = Object.assign(new Error("Cannot find package 'cli-progress' imported from /x/cli.js"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    expect(isMissingPackage(inner, "@chronoseal/hardware-sim")).toBe(false);
    const outer = Object.assign(
      new Error("Cannot find package '@chronoseal/hardware-sim' imported from /x/sim.js"),
      { code: "ERR_MODULE_NOT_FOUND" },
    );
    expect(isMissingPackage(outer, "@chronoseal/hardware-sim")).toBe(true);
    const subpath = Object.assign(
      new Error("Cannot find package '@chronoseal/hardware-sim/cli' imported from /x/sim.js"),
      { code: "ERR_MODULE_NOT_FOUND" },
    );
    expect(isMissingPackage(subpath, "@chronoseal/hardware-sim")).toBe(true);
    expect(isMissingPackage(outer, "@chronoseal/hardware")).toBe(false);
    expect(isMissingPackage(new Error("boom"), "@chronoseal/hardware-sim")).toBe(false);
  });

  it("chronoseal demo --help and chronoseal sim run --help name the simulator package", async () => {
    expect((await runCli(["demo", "--help"])).stdout).toMatch(/@chronoseal\/hardware-sim/);
    expect((await runCli(["sim", "run", "--help"])).stdout).toMatch(/chronoseal-sim run --help/);
  });
});
