// No verb replaces a file without --force (the real executable, files on disk): for every verb
// that writes files, an existing output is left byte for byte and the command exits 1 naming it;
// --force replaces it; `--out -` writes to standard output and creates no file named "-".
// (lock export: lock.test.ts, against a real collector.)
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodePrivateKey, initKeys } from "@chronoseal/core";
import { beforeAll, describe, expect, it } from "vitest";
import { runBin } from "./bin.js";

const PRECIOUS = "precious bytes: the only copy of a key\n";

let dir = "";
beforeAll(async () => {
  await initKeys();
  dir = mkdtempSync(join(tmpdir(), "cli-outputs-"));
});

/** Writes PRECIOUS to each file (creating a fresh directory), returns the directory. */
function seeded(files: string[]): string {
  const d = mkdtempSync(join(dir, "case-"));
  for (const f of files) writeFileSync(join(d, f), PRECIOUS);
  return d;
}

/**
 * The shared check: without --force exit 1, one line on stderr naming `file` and --force, every
 * seeded file unchanged; with --force exit 0 and every seeded file replaced.
 */
async function refusesThenForces(argv: string[], files: string[], named: string) {
  const d = seeded(files);
  const r = await runBin(argv, { cwd: d });
  expect(r.code, `${argv.join(" ")}: ${r.stderr}`).toBe(1);
  expect(r.stderr).toBe(
    `chronoseal ${argv.slice(0, argv[0] === "keygen" ? 1 : 2).join(" ")}: ${named} exists; use --force to overwrite it\n`,
  );
  expect(r.stdout).toBe("");
  for (const f of files) expect(readFileSync(join(d, f), "utf8"), f).toBe(PRECIOUS);
  expect(readdirSync(d).filter((f) => f.endsWith(".tmp"))).toEqual([]); // no temporary left
  const forced = await runBin([...argv, "--force"], { cwd: d });
  expect(forced.code, forced.stderr).toBe(0);
  for (const f of files) expect(readFileSync(join(d, f), "utf8"), f).not.toBe(PRECIOUS);
  return d;
}

describe("outputs are never replaced without --force (the real executable)", () => {
  it("keygen: FILE or FILE.pub existing keeps both; --force replaces both, the key at 0600", async () => {
    await refusesThenForces(["keygen", "--out", "k"], ["k"], "k");
    const d = await refusesThenForces(["keygen", "--out", "k"], ["k.pub"], "k.pub");
    expect(statSync(join(d, "k")).mode & 0o777).toBe(0o600);
    expect(decodePrivateKey(readFileSync(join(d, "k"))).publicKey).toHaveLength(32);
  });

  it("keygen --out - prints both keys and writes no file", async () => {
    const d = seeded([]);
    const r = await runBin(["keygen", "--out", "-", "--json"], { cwd: d });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { privateKey: string; publicKey: string };
    expect(Buffer.from(decodePrivateKey(j.privateKey).publicKey).toString("base64")).toBe(j.publicKey);
    expect(readdirSync(d)).toEqual([]);
  });

  it("mesh init: an existing admin.pem or settings.json keeps the running network's key", async () => {
    for (const f of ["admin.pem", "settings.json"]) {
      const d = seeded([]);
      (await import("node:fs")).mkdirSync(join(d, "net"));
      writeFileSync(join(d, "net", f), PRECIOUS);
      const r = await runBin(["mesh", "init", "--out", "net"], { cwd: d });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`chronoseal mesh init: net/${f} exists; use --force to overwrite it\n`);
      expect(readFileSync(join(d, "net", f), "utf8")).toBe(PRECIOUS);
      expect(readdirSync(join(d, "net"))).toEqual([f]); // the other file was not written either
      const forced = await runBin(["mesh", "init", "--out", "net", "--force"], { cwd: d });
      expect(forced.code).toBe(0);
      const network = forced.stdout.trim();
      expect(JSON.parse(readFileSync(join(d, "net", "settings.json"), "utf8")).network).toBe(network);
      expect(
        Buffer.from(decodePrivateKey(readFileSync(join(d, "net", "admin.pem"), "utf8")).publicKey).toString(
          "base64",
        ),
      ).toBe(network);
      expect(statSync(join(d, "net", "admin.pem")).mode & 0o777).toBe(0o600);
    }
    const d = seeded([]);
    const dash = await runBin(["mesh", "init", "--out", "-"], { cwd: d });
    expect(dash.code).toBe(2);
    expect(existsSync(join(d, "-"))).toBe(false);
  });

  it("credential incept: an existing controller file keeps its keys, and nothing reaches the store", async () => {
    const d = seeded(["me.json"]);
    const r = await runBin(["credential", "incept", "--out", "me.json", "--store", "ev.db"], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("chronoseal credential incept: me.json exists; use --force to overwrite it\n");
    expect(readFileSync(join(d, "me.json"), "utf8")).toBe(PRECIOUS);
    expect(existsSync(join(d, "ev.db"))).toBe(false); // refused before anything was made
    const forced = await runBin(["credential", "incept", "--out", "me.json", "--store", "ev.db", "--force"], {
      cwd: d,
    });
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(join(d, "me.json"), "utf8")).prefix).toBe(forced.stdout.trim());
    expect(statSync(join(d, "me.json")).mode & 0o777).toBe(0o600);
    const dash = await runBin(["credential", "incept", "--out", "-", "--store", "ev.db"], { cwd: d });
    expect(dash.code).toBe(0);
    expect(JSON.parse(dash.stdout).prefix).toBe(dash.stderr.trim());
    expect(existsSync(join(d, "-"))).toBe(false);
  });

  it("credential schema --out: an existing file is kept; --out - prints the schema", async () => {
    const schema = JSON.stringify({ $id: "", type: "object", properties: { a: { type: "string" } } });
    const d = seeded(["out.json"]);
    writeFileSync(join(d, "schema.json"), schema);
    const args = ["credential", "schema", "schema.json", "--store", "ev.db", "--out", "out.json"];
    const r = await runBin(args, { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("chronoseal credential schema: out.json exists; use --force to overwrite it\n");
    expect(readFileSync(join(d, "out.json"), "utf8")).toBe(PRECIOUS);
    const forced = await runBin([...args, "--force"], { cwd: d });
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(join(d, "out.json"), "utf8")).$id).toBe(forced.stdout.trim());
    const dash = await runBin(["credential", "schema", "schema.json", "--store", "ev.db", "--out", "-"], {
      cwd: d,
    });
    expect(JSON.parse(dash.stdout).$id).toBe(dash.stderr.trim());
    expect(existsSync(join(d, "-"))).toBe(false);
  });

  it.each([{ verb: ["sim", "run"] }, { verb: ["demo"] }])(
    "$verb: a report directory that is not empty is refused before any daemon starts",
    async ({ verb }) => {
      const d = seeded(["report.html"]);
      // Every process the command starts inherits this marker: none may be left running.
      const marker = `CLIHYG_${process.pid}_${Date.now()}`;
      const r = await runBin([...verb, "--out", "."], { cwd: d, env: { CHRONOSEAL_TEST_MARK: marker } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(
          `^chronoseal ${verb.join(" ")}: --out .*: not empty \\(1 entry\\); use --force[^\\n]*\\n$`,
        ),
      );
      expect(readFileSync(join(d, "report.html"), "utf8")).toBe(PRECIOUS);
      const left = readdirSync("/proc").filter((p) => {
        try {
          return /^\d+$/.test(p) && readFileSync(`/proc/${p}/environ`, "latin1").includes(marker);
        } catch {
          return false;
        }
      });
      expect(left).toEqual([]);
    },
  );
});
