// pg is an optional peer dependency: @chronoseal/collector imports and serves SQLite without it,
// and opening a PostgreSQL store without it is a MissingDriverError saying what to install.
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { isMissingPackage, loadPg, MissingDriverError } from "../src/driver.js";

const dist = pathToFileURL(resolve(dirname(fileURLToPath(import.meta.url)), "..", "dist", "index.js")).href;

describe("the pg driver is optional", () => {
  it("loadPg: a package that is not installed is a MissingDriverError naming it", async () => {
    const err = await loadPg("pg-is-not-installed-here").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingDriverError);
    expect(err).toMatchObject({ code: "ERR_DRIVER_MISSING", driver: "pg-is-not-installed-here" });
    expect((err as Error).message).toBe(
      "PostgreSQL storage needs the pg-is-not-installed-here package: npm install pg-is-not-installed-here",
    );
  });

  it("loadPg: pg installed (a dev dependency here) loads once", async () => {
    const a = await loadPg();
    expect(typeof a.Pool).toBe("function");
    expect(await loadPg()).toBe(a);
  });

  it("only a missing package itself counts as missing, not a module it imports", () => {
    const err = (m: string) => Object.assign(new Error(m), { code: "ERR_MODULE_NOT_FOUND" });
    expect(isMissingPackage(err("Cannot find package 'pg' imported from /x/driver.js"), "pg")).toBe(true);
    expect(isMissingPackage(err("Cannot find package 'pg-pool' imported from /x/pg/index.js"), "pg")).toBe(
      false,
    );
    expect(isMissingPackage(new Error("Cannot find package 'pg'"), "pg")).toBe(false);
  });

  it("in a process where pg cannot be resolved: the package imports, SQLite works, PostgreSQL names pg", () => {
    // A resolve hook makes `pg` unresolvable, as in an install without it.
    const hook = `export async function resolve(s, c, next) {
      if (s === "pg" || s.startsWith("pg/"))
        throw Object.assign(new Error("Cannot find package 'pg' imported from " + c.parentURL), { code: "ERR_MODULE_NOT_FOUND" });
      return next(s, c);
    }`;
    const script = `
      import { register } from "node:module";
      register("data:text/javascript," + encodeURIComponent(${JSON.stringify(hook)}));
      const c = await import(${JSON.stringify(dist)});
      const store = new c.SqliteStore(":memory:");
      console.log("sqlite entries", await store.count());
      await store.close();
      try {
        await c.PostgresStore.connect("postgres://nobody@127.0.0.1:1/none");
        console.log("connected?!");
      } catch (e) {
        console.log(e.name, e.code, e instanceof c.MissingDriverError, e.message);
      }
    `;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      cwd: join(dirname(fileURLToPath(import.meta.url)), ".."),
    });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim().split("\n")).toEqual([
      "sqlite entries 0",
      "MissingDriverError ERR_DRIVER_MISSING true PostgreSQL storage needs the pg package: npm install pg",
    ]);
  });
});
