// `chronoseal credential …` end to end through the CLI: controllers make real KERI/ACDC
// evidence into a SQLite store, a chain validates as of T, a backdated revocation after a
// signed reply is duplicity, the real vLEI samples import and are pending on exactly what
// they lack, and no controller file is overwritten without --force.
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "./run.js";

const vectors = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "shared", "vectors");

async function ok(argv: string[]): Promise<string> {
  const r = await runCli(argv);
  if (r.code !== 0) throw new Error(`${argv.slice(0, 2).join(" ")} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout.trim();
}

describe("chronoseal credential", () => {
  it("incepts, issues a chain, validates as of T, revokes, replies, and proves duplicity", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-cred-"));
    const store = join(dir, "evidence.db");
    const ids: Record<string, string> = {};
    for (const who of ["root", "qvi", "le"])
      ids[who] = await ok(["credential", "incept", "--out", join(dir, `${who}.json`), "--store", store]);
    expect(statSync(join(dir, "root.json")).mode & 0o777).toBe(0o600);
    const schemaFile = join(dir, "schema.json");
    writeFileSync(
      schemaFile,
      JSON.stringify({ $schema: "http://json-schema.org/draft-07/schema#", type: "object", required: ["a"] }),
    );
    const schema = await ok(["credential", "schema", schemaFile, "--store", store]);
    expect(schema).toMatch(/^E[A-Za-z0-9_-]{43}$/);
    const qvi = await ok([
      "credential",
      "issue",
      "--controller",
      join(dir, "root.json"),
      "--store",
      store,
      "--schema",
      schema,
      "--issuee",
      ids.qvi as string,
      "--dt",
      "2025-01-01T12:00:00Z",
      "--attr",
      "LEI=5493001KJTIIGC8Y1R12",
      "--attr-json",
      "gracePeriod=30",
    ]);
    const le = await ok([
      "credential",
      "issue",
      "--controller",
      join(dir, "qvi.json"),
      "--store",
      store,
      "--schema",
      schema,
      "--issuee",
      ids.le as string,
      "--dt",
      "2025-01-02T12:00:00Z",
      "--edge",
      `qvi=${qvi}:I2I:s=${schema}`,
    ]);
    const valid = await runCli([
      "credential",
      "validate",
      le,
      "--store",
      store,
      "--valid-on",
      "2025-01-05T00:00:00Z",
      "--resolution",
      "1d",
      "--trusted-root",
      ids.root as string,
    ]);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toMatch(/^VALID/);
    expect(valid.stdout).toContain(`edge ${le}.e.qvi I2I → ${qvi}: holds`);
    const early = await runCli([
      "credential",
      "validate",
      le,
      "--store",
      store,
      "--valid-on",
      "2025-01-01T20:00:00Z",
      "--json",
    ]);
    expect(early.code).toBe(1);
    expect(JSON.parse(early.stdout)).toMatchObject({ status: "not-yet-issued", valid: false });
    // A signed "not revoked as of Jan 10", then a revocation dated Jan 8: duplicity.
    const reply = await ok([
      "credential",
      "reply",
      "--controller",
      join(dir, "qvi.json"),
      "--store",
      store,
      "--credential",
      le,
      "--as-of",
      "2025-01-10T00:00:00Z",
    ]);
    expect(reply).toMatch(/^\{"v":"KERI10JSON[0-9a-f]{6}_","t":"rpy"/);
    await ok([
      "credential",
      "revoke",
      "--controller",
      join(dir, "qvi.json"),
      "--store",
      store,
      "--credential",
      le,
      "--dt",
      "2025-01-08T00:00:00Z",
    ]);
    const after = await runCli([
      "credential",
      "validate",
      le,
      "--store",
      store,
      "--valid-on",
      "2025-01-09T00:00:00Z",
    ]);
    expect(after.code).toBe(1);
    expect(after.stdout).toMatch(/^DUPLICITY/);
    expect(after.stdout).toMatch(/duplicity \(backdated-revocation\)/);
    const status = await runCli(["credential", "status", le, "--store", store, "--json"]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      state: "revoked",
      revocation: { dt: "2025-01-08T00:00:00.000000+00:00" },
    });
    // Revoking twice is an input error, not a second revocation.
    const again = await runCli([
      "credential",
      "revoke",
      "--controller",
      join(dir, "qvi.json"),
      "--store",
      store,
      "--credential",
      le,
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already revoked/);
    // Bad options: typed, exit codes 2 (usage) and 1 (input).
    expect((await runCli(["credential", "validate", le, "--store", store, "--valid-on", "x"])).code).toBe(2);
    expect(
      (
        await runCli([
          "credential",
          "validate",
          le,
          "--store",
          store,
          "--valid-on",
          "2025-01-09T00:00:00Z",
          "--resolution",
          "1y",
        ])
      ).code,
    ).toBe(2);
    expect(
      (
        await runCli([
          "credential",
          "issue",
          "--controller",
          join(dir, "qvi.json"),
          "--store",
          store,
          "--schema",
          schema,
          "--edge",
          `q=${qvi}:grace=90`,
        ])
      ).code,
    ).toBe(2);
  });

  it("never overwrites a controller file without --force", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-cred-"));
    const store = join(dir, "evidence.db");
    const file = join(dir, "me.json");
    const first = await ok(["credential", "incept", "--out", file, "--store", store]);
    const before = readFileSync(file, "utf8");
    const r = await runCli(["credential", "incept", "--out", file, "--store", store]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/me\.json exists; use --force to overwrite it/);
    expect(readFileSync(file, "utf8")).toBe(before);
    const second = await ok(["credential", "incept", "--out", file, "--store", store, "--force"]);
    expect(second).not.toBe(first);
    expect(JSON.parse(readFileSync(file, "utf8")).prefix).toBe(second);
  });

  it("a delegate counts once its delegator approves it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-cred-"));
    const store = join(dir, "evidence.db");
    const boss = await ok(["credential", "incept", "--out", join(dir, "boss.json"), "--store", store]);
    const dele = await ok([
      "credential",
      "incept",
      "--out",
      join(dir, "d.json"),
      "--store",
      store,
      "--delegator",
      boss,
    ]);
    const esc = await runCli(["credential", "escrow", "--store", store, "--json"]);
    expect(esc.code).toBe(1);
    expect(JSON.parse(esc.stdout)).toEqual([expect.objectContaining({ said: dele, what: "dip" })]);
    await ok([
      "credential",
      "approve",
      "--controller",
      join(dir, "boss.json"),
      "--store",
      store,
      "--delegate",
      dele,
    ]);
    expect((await runCli(["credential", "escrow", "--store", store])).code).toBe(0);
  });

  it.skipIf(!existsSync(vectors))(
    "imports the real vLEI samples: pending on exactly what they lack",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "cli-cred-"));
      const store = join(dir, "evidence.db");
      const samples = join(vectors, "acdc", "vLEI", "samples-acdc");
      const imported = await runCli([
        "credential",
        "import",
        "--store",
        store,
        join(samples, "EBzltAGk2r2ztLpT7bqWln_Btb_pVowElbKxvqbG4_n4-acdc.cesr"),
        join(samples, "Eg8ERvoA7nYOxFIN8WC0JGSF0HNoNzVldT2TR92YuAY0-acdc.cesr"),
      ]);
      expect(imported.code).toBe(0);
      expect(imported.stdout).toMatch(/stored 22, duplicates 12, refused 0/);
      const v = await runCli([
        "credential",
        "validate",
        "EgXJmyk8mdxuAUtYwj59LPYQ-K92i2Gs1Js93a0FcJ8A",
        "--store",
        store,
        "--valid-on",
        "2022-06-27T00:00:00Z",
        "--resolution",
        "1d",
        "--trusted-root",
        "EC1m0ZF6ez1xoM8-jQsIbT5I3GpYnX4Zzh4om8_V1bnU",
      ]);
      expect(v.code).toBe(1);
      expect(v.stdout).toMatch(/^PENDING/);
      expect(v.stdout).toContain("missing kel EC1m0ZF6ez1xoM8-jQsIbT5I3GpYnX4Zzh4om8_V1bnU");
      expect(v.stdout).toMatch(/provisional \(if the missing evidence arrives and checks out\): VALID/);
      const junk = join(dir, "junk.json");
      writeFileSync(junk, JSON.stringify([{ hello: 1 }]));
      const bad = await runCli(["credential", "import", "--store", store, junk, join(dir, "absent.cesr")]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/refused 1/);
      expect(bad.stdout).toMatch(/absent\.cesr: REFUSED: cannot read/);
    },
  );
});
