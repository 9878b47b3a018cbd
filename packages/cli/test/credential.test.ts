import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run.js";

describe("chronoseal credential", () => {
  it("incepts, issues a chain, validates as of T, revokes, and reports", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-cred-"));
    const store = join(dir, "evidence.db");
    const ids: Record<string, string> = {};
    for (const who of ["root", "qvi", "le"]) {
      const r = await runCli(["credential", "incept", "--out", join(dir, `${who}.json`), "--store", store]);
      expect(r.code).toBe(0);
      ids[who] = r.stdout.trim();
    }
    const q = await runCli([
      "credential",
      "issue",
      "--controller",
      join(dir, "root.json"),
      "--store",
      store,
      "--schema",
      "EQVI",
      "--issuee",
      ids.qvi!,
      "--dt",
      "2025-01-01T12:00:00Z",
      "--attr",
      "LEI=5493001KJTIIGC8Y1R12",
    ]);
    expect(q.code).toBe(0);
    const qvi = q.stdout.trim();
    const l = await runCli([
      "credential",
      "issue",
      "--controller",
      join(dir, "qvi.json"),
      "--store",
      store,
      "--schema",
      "ELE",
      "--issuee",
      ids.le!,
      "--dt",
      "2025-01-02T12:00:00Z",
      "--edge",
      `qvi=${qvi}:I2I`,
    ]);
    const le = l.stdout.trim();
    const v = await runCli([
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
      ids.root!,
    ]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^VALID/);
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
    expect(JSON.parse(early.stdout).status).toBe("not-yet-issued");
    await runCli([
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
    const r = await runCli([
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
    expect(r.code).toBe(0);
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
    expect((await runCli(["credential", "validate", le, "--store", store, "--valid-on", "x"])).code).toBe(1);
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
  });
});
