import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "cli-json-"));

async function keygen(name: string): Promise<{ key: string; pub: string }> {
  const key = join(dir, name);
  await runCli(["keygen", "--out", key]);
  return { key, pub: `${key}.pub` };
}

describe("chronoseal sign-json / verify-json", () => {
  it("signs, then reports time, pending and every ignored signature", async () => {
    const att = await keygen("attestor");
    const other = await keygen("other");
    writeFileSync(join(dir, "doc.json"), '{"hostname":"mors.nether","ip":"fdcc::1"}');
    const s1 = await runCli([
      "sign-json",
      "--key",
      att.key,
      "--context",
      "host-claim",
      "--signed-at",
      "2025-02-18T17:01:27.880Z",
      join(dir, "doc.json"),
    ]);
    expect(s1.code).toBe(0);
    writeFileSync(join(dir, "signed1.json"), s1.stdout);
    const s2 = await runCli([
      "sign-json",
      "--key",
      other.key,
      "--context",
      "host-claim",
      "--signed-at",
      "2025-02-18T17:00:00.000Z",
      join(dir, "signed1.json"),
    ]);
    writeFileSync(join(dir, "signed.json"), s2.stdout);
    writeFileSync(
      join(dir, "trusted.txt"),
      `# attestors\n${(await import("node:fs")).readFileSync(att.pub, "utf8")}`,
    );
    const v = await runCli([
      "verify-json",
      "--trusted",
      join(dir, "trusted.txt"),
      "--context",
      "host-claim",
      "--now",
      "2025-02-18T18:00:00Z",
      join(dir, "signed.json"),
    ]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain("time: 2025-02-18T17:01:27.880Z");
    expect(v.stdout).toMatch(/ignored .* untrusted: valid, but not by a trusted key/);
    const j = await runCli([
      "verify-json",
      "--json",
      "--trusted",
      join(dir, "trusted.txt"),
      "--context",
      "settings",
      "--now",
      "2025-02-18T18:00:00Z",
      join(dir, "signed.json"),
    ]);
    expect(j.code).toBe(1);
    const parsed = JSON.parse(j.stdout);
    expect(parsed.time).toBe("pending");
    expect(parsed.ignored.map((i: { reason: string }) => i.reason)).toEqual([
      "wrong-context",
      "wrong-context",
    ]);
    const early = await runCli([
      "verify-json",
      "--trusted",
      join(dir, "trusted.txt"),
      "--context",
      "host-claim",
      "--now",
      "2025-02-18T16:00:00Z",
      join(dir, "signed.json"),
    ]);
    expect(early.stdout).toContain("future");
    expect(early.code).toBe(1);
  });

  it("refuses bad input with exit codes 1 and 2", async () => {
    const att = await keygen("a2");
    expect((await runCli(["sign-json", "--key", att.key], "{}")).code).toBe(2);
    expect((await runCli(["sign-json", "--key", att.key, "--context", "Bad Ctx"], "{}")).code).toBe(1);
    expect((await runCli(["sign-json", "--key", att.key, "--context", "x"], "[1]")).code).toBe(1);
    expect(
      (await runCli(["sign-json", "--key", att.key, "--context", "x", "--signed-at", "yesterday"], "{}"))
        .code,
    ).toBe(2);
    writeFileSync(join(dir, "bad-trusted.txt"), "not a key\n");
    expect(
      (await runCli(["verify-json", "--trusted", join(dir, "bad-trusted.txt"), "--context", "x"], "{}")).code,
    ).toBe(1);
  });
});

describe("chronoseal checkpoint", () => {
  it("signs, cosigns and verifies", async () => {
    const log = await keygen("log");
    const wit = await keygen("witness");
    const root = Buffer.alloc(32, 7).toString("base64");
    const s = await runCli([
      "checkpoint",
      "sign",
      "--key",
      log.key,
      "--origin",
      "example.org/log",
      "--size",
      "10",
      "--root",
      root,
      "--name",
      "log",
    ]);
    expect(s.code).toBe(0);
    const logVkey = s.stderr.match(/verifier key: (\S+)/)![1]!;
    const c = await runCli(["checkpoint", "cosign", "--key", wit.key, "--name", "witness"], s.stdout);
    const witVkey = c.stderr.match(/verifier key: (\S+)/)![1]!;
    const v = await runCli(["checkpoint", "verify", "--vkey", `${logVkey},${witVkey}`], c.stdout);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain("size: 10");
    expect(v.stdout).toContain("verified by: log, witness");
    const bad = await runCli(
      ["checkpoint", "verify", "--vkey", logVkey],
      c.stdout.replace("\n10\n", "\n11\n"),
    );
    expect(bad.code).toBe(1);
    expect((await runCli(["checkpoint", "sign", "--key", log.key])).code).toBe(2);
  });
});
