// The package's entry points as a user's process sees them: the root works without vitest (and
// without pg); `@chronoseal/collector/testing` (the compliance suite) is a separate subpath that
// needs vitest, an optional peer dependency.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Runs an ES module script in a process where the named packages cannot be resolved. */
function withoutPackages(hidden: string[], script: string): { stdout: string; stderr: string } {
  const hook = `const hidden = ${JSON.stringify(hidden)};
    export async function resolve(s, c, next) {
      if (hidden.some((h) => s === h || s.startsWith(h + "/")))
        throw Object.assign(new Error("Cannot find package '" + s + "' imported from " + c.parentURL), { code: "ERR_MODULE_NOT_FOUND" });
      return next(s, c);
    }`;
  const r = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { register } from "node:module";
       register("data:text/javascript," + encodeURIComponent(${JSON.stringify(hook)}));
       ${script}`,
    ],
    { encoding: "utf8", cwd: root },
  );
  return { stdout: r.stdout.trim(), stderr: r.stderr };
}

describe("entry points", () => {
  it("the package root imports without vitest and without pg", () => {
    const r = withoutPackages(
      ["vitest", "pg"],
      `const c = await import("@chronoseal/collector");
       console.log(typeof c.SqliteStore, typeof c.ingest, "runStorageSuite" in c);`,
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("function function false");
  });

  it("@chronoseal/collector/testing exports the suite, and it is what needs vitest", () => {
    const ok = withoutPackages(
      [],
      `const t = await import("@chronoseal/collector/testing");
       console.log(Object.keys(t).sort().join(","));`,
    );
    expect(ok.stdout).toBe("chain,device,runStorageSuite,unsigned");
    const missing = withoutPackages(
      ["vitest"],
      `try { await import("@chronoseal/collector/testing"); console.log("loaded?!"); }
       catch (e) { console.log(e.code, e.message.includes("'vitest'")); }`,
    );
    expect(missing.stdout).toBe("ERR_MODULE_NOT_FOUND true");
  });
});
