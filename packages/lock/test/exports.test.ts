// The package's entry points as a user's process sees them: the root works without vitest;
// `@chronoseal/lock/testing` (the driver compliance suite) is a separate subpath that needs vitest,
// an optional peer dependency.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Runs an ES module script in a process where vitest cannot be resolved (when `hide`). */
function run(script: string, hide: boolean): string {
  const hook = `export async function resolve(s, c, next) {
      if (s === "vitest" || s.startsWith("vitest/"))
        throw Object.assign(new Error("Cannot find package '" + s + "' imported from " + c.parentURL), { code: "ERR_MODULE_NOT_FOUND" });
      return next(s, c);
    }`;
  const register = hide
    ? `import { register } from "node:module"; register("data:text/javascript," + encodeURIComponent(${JSON.stringify(hook)}));`
    : "";
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", `${register}\n${script}`], {
    encoding: "utf8",
    cwd: root,
  });
  expect(r.stderr).toBe("");
  return r.stdout.trim();
}

describe("entry points", () => {
  it("the package root imports without vitest", () => {
    expect(
      run(
        `const l = await import("@chronoseal/lock"); console.log(typeof l.LockAgent, "runDriverSuite" in l);`,
        true,
      ),
    ).toBe("function false");
  });

  it("@chronoseal/lock/testing exports the driver suite, and it is what needs vitest", () => {
    expect(run(`console.log(Object.keys(await import("@chronoseal/lock/testing")).join(","));`, false)).toBe(
      "runDriverSuite",
    );
    expect(
      run(
        `try { await import("@chronoseal/lock/testing"); console.log("loaded?!"); }
         catch (e) { console.log(e.code, e.message.includes("'vitest'")); }`,
        true,
      ),
    ).toBe("ERR_MODULE_NOT_FOUND true");
  });
});
