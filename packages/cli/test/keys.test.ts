import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair, initKeys, sign } from "@chronoseal/core";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run.js";

beforeAll(() => initKeys());
const dir = mkdtempSync(join(tmpdir(), "cli-keys-"));

describe("chronoseal keygen / sign / verify", () => {
  for (const format of ["base64", "ssh", "pem", "raw"]) {
    it(`round-trips a ${format} key through sign and verify`, async () => {
      const key = join(dir, `k-${format}`);
      const g = await runCli(["keygen", "--format", format, "--out", key]);
      expect(g.code).toBe(0);
      expect(statSync(key).mode & 0o777).toBe(0o600);
      writeFileSync(join(dir, "msg"), "attack at dawn");
      const s = await runCli(["sign", "--key", key, join(dir, "msg")]);
      expect(s.code).toBe(0);
      const sig = s.stdout.trim();
      expect(Buffer.from(sig, "base64").length).toBe(64);
      const v = await runCli(["verify", "--pub", `${key}.pub`, "--sig", sig, join(dir, "msg")]);
      expect(v).toMatchObject({ code: 0, stdout: "valid\n" });
      const w = await runCli(["verify", "--pub", `${key}.pub`, "--sig", sig], "attack at dusk");
      expect(w).toMatchObject({ code: 1, stdout: "invalid\n" });
    });
  }

  it("prints both keys without --out, and validates flags", async () => {
    const r = await runCli(["keygen", "--format", "ssh"]);
    expect(r.stdout).toContain("-----BEGIN OPENSSH PRIVATE KEY-----");
    expect(r.stdout).toContain("ssh-ed25519 AAAA");
    expect((await runCli(["keygen", "--format", "rsa"])).code).toBe(2);
    expect((await runCli(["sign"])).code).toBe(2);
    expect((await runCli(["verify", "--pub", "x"])).code).toBe(2);
    expect((await runCli(["sign", "--key", join(dir, "missing")], "x")).code).toBe(1);
    writeFileSync(join(dir, "garbage.key"), "not a key");
    expect((await runCli(["sign", "--key", join(dir, "garbage.key")], "x")).stderr).toMatch(/invalid base64/);
  });

  it("verifies a 10,000-line NDJSON batch with bad and malformed lines", async () => {
    const kp = generateKeyPair();
    const lines: string[] = [];
    const bad = new Set([17, 4242, 9999]);
    for (let i = 1; i <= 10_000; i++) {
      const message = Buffer.from(`message ${i}`);
      const signature = Buffer.from(sign(message, kp.secretKey));
      if (bad.has(i)) signature[3]! ^= 1;
      lines.push(
        JSON.stringify({
          publicKey: Buffer.from(kp.publicKey).toString("base64"),
          message: message.toString("base64"),
          signature: signature.toString("base64"),
        }),
      );
    }
    lines[99] = "{not json";
    lines[199] = JSON.stringify({ publicKey: "AAAA", message: "", signature: "" });
    const file = join(dir, "batch.ndjson");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const r = await runCli(["verify", "--batch", file]);
    expect(r.code).toBe(1);
    const out = r.stdout.split("\n");
    expect(out).toContain("line 17: invalid");
    expect(out).toContain("line 4242: invalid");
    expect(out).toContain("line 1: valid");
    expect(out.find((l) => l.startsWith("line 100:"))).toMatch(/malformed: not JSON/);
    expect(out.find((l) => l.startsWith("line 200:"))).toMatch(/malformed: publicKey: expected 32 bytes/);
    expect(r.stdout).toContain("summary: 10000 lines, 9995 valid, 3 invalid, 2 malformed");
  });
});
