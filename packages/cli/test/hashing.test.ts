import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "./run.js";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "bin.js");

describe("chronoseal canonicalize", () => {
  it("prints the canonical form without a trailing newline", async () => {
    const r = await runCli(["canonicalize"], '{ "b": [1e2, "\\u00e9"], "a": {"z": null, "y": -0} }');
    expect(r).toMatchObject({ code: 0, stdout: '{"a":{"y":0,"z":null},"b":[100,"é"]}' });
  });

  it("reports invalid JSON with line and column (exit 1)", async () => {
    const r = await runCli(["canonicalize", "-"], '{\n  "a": 1,\n  "b": }\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("line 3, column 8");
  });

  it("names the path of a duplicate key (exit 1)", async () => {
    const r = await runCli(["canonicalize"], '{"a":[{"k":1,"k":2}]}');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("$.a[0].k");
  });

  it("reports a missing file as invalid input and bad flags as usage", async () => {
    expect((await runCli(["canonicalize", "/nonexistent/x.json"])).code).toBe(1);
    expect((await runCli(["canonicalize", "--bogus"])).code).toBe(2);
    expect((await runCli(["canonicalize", "a", "b"])).code).toBe(2);
  });
});

describe("chronoseal hash", () => {
  it("hashes raw bytes with sha256 and sha512, hex and base64", async () => {
    const data = "hello\n";
    const r1 = await runCli(["hash"], data);
    expect(r1.stdout).toBe(`${createHash("sha256").update(data).digest("hex")}\n`);
    const r2 = await runCli(["hash", "--alg", "sha512", "--encoding", "base64"], data);
    expect(r2.stdout).toBe(`${createHash("sha512").update(data).digest("base64")}\n`);
  });

  it("hashes the canonical form with --canonical", async () => {
    const want = createHash("sha256").update('{"a":1,"b":2}').digest("hex");
    expect((await runCli(["hash", "--canonical"], '{"b":2,\n "a":1}')).stdout).toBe(`${want}\n`);
    const want512 = createHash("sha512").update('{"a":1,"b":2}').digest("hex");
    expect((await runCli(["hash", "--canonical", "--alg", "sha512"], '{"b":2,"a":1}')).stdout).toBe(
      `${want512}\n`,
    );
  });

  it("rejects bad options with exit 2", async () => {
    expect((await runCli(["hash", "--alg", "md5"])).code).toBe(2);
    expect((await runCli(["hash", "--encoding", "base32"])).code).toBe(2);
  });

  it("the built binary reads files and returns documented exit codes", () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-hash-"));
    writeFileSync(join(dir, "ok.json"), '{"x":[3,2,1]}');
    writeFileSync(join(dir, "bad.json"), '{"x":[3,2,1}');
    const out = execFileSync(process.execPath, [bin, "hash", "--canonical", join(dir, "ok.json")], {
      encoding: "utf8",
    });
    expect(out).toBe(`${createHash("sha256").update('{"x":[3,2,1]}').digest("hex")}\n`);
    const bad = spawnSync(process.execPath, [bin, "canonicalize", join(dir, "bad.json")], {
      encoding: "utf8",
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("line 1, column 12");
    expect(spawnSync(process.execPath, [bin, "hash", "--nope"]).status).toBe(2);
  });
});
