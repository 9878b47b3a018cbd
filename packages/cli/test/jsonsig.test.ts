// sign-json / verify-json in-process (build core first: the CLI imports @chronoseal/core's dist).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "cli-json-"));
const at = (name: string) => join(dir, name);

async function keygen(name: string, format = "base64"): Promise<{ key: string; pub: string }> {
  const key = at(name);
  const r = await runCli(["keygen", "--format", format, "--out", key]);
  if (r.code !== 0) throw new Error(r.stderr);
  return { key, pub: `${key}.pub` };
}

async function signJson(
  key: string,
  signedAt: string,
  input: string,
  context = "host-claim",
): Promise<string> {
  const r = await runCli(["sign-json", "--key", key, "--context", context, "--signed-at", signedAt], input);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return r.stdout;
}

let att: { key: string; pub: string };
let other: { key: string; pub: string };
let signed: string;
beforeAll(async () => {
  att = await keygen("attestor");
  other = await keygen("other", "ssh");
  const once = await signJson(
    att.key,
    "2025-02-18T17:01:27.880Z",
    '{"hostname":"mors.nether","ip":"fdcc::1"}',
  );
  signed = await signJson(other.key, "2025-02-18T17:00:00.000Z", once);
  writeFileSync(at("signed.json"), signed);
  writeFileSync(at("trusted.txt"), `# attestors\n\n${readFileSync(att.pub, "utf8")}`);
});

const verify = (extra: string[], stdin?: string) =>
  runCli(
    [
      "verify-json",
      "--trusted",
      at("trusted.txt"),
      "--context",
      "host-claim",
      "--now",
      "2025-02-18T18:00:00Z",
      ...extra,
    ],
    stdin,
  );

describe("chronoseal sign-json", () => {
  it("adds { signed_at, signature, context } under the signer's base64 key, from a file or stdin", async () => {
    writeFileSync(at("doc.json"), '{"b":1,"a":[true,null]}');
    const fromFile = await runCli([
      "sign-json",
      "--key",
      att.key,
      "--context",
      "x",
      "--signed-at",
      "0",
      at("doc.json"),
    ]);
    const fromStdin = await runCli(
      ["sign-json", "--key", att.key, "--context", "x", "--signed-at", "0", "-"],
      '{"a":[true,null],"b":1}',
    );
    expect(fromFile.code).toBe(0);
    const doc = JSON.parse(fromFile.stdout);
    expect(doc.a).toEqual([true, null]);
    const [key, entry] = Object.entries(doc.signatures)[0] as [string, Record<string, string>];
    expect(key).toBe(readFileSync(att.pub, "utf8").trim());
    expect(entry).toEqual({
      signed_at: "1970-01-01T00:00:00.000Z",
      signature: expect.any(String),
      context: "x",
    });
    // same payload (key order does not matter to JCS), same signature (Ed25519 is deterministic)
    expect(JSON.parse(fromStdin.stdout).signatures).toEqual(doc.signatures);
  });

  it("signs with keys in other formats (OpenSSH private key)", () => {
    expect(Object.keys(JSON.parse(signed).signatures).length).toBe(2);
  });

  it("exit 2 for usage errors, 1 for unacceptable input", async () => {
    expect((await runCli(["sign-json", "--key", att.key], "{}")).code).toBe(2);
    expect((await runCli(["sign-json", "--context", "x"], "{}")).code).toBe(2);
    expect((await runCli(["sign-json", "--key", att.key, "--context", "Bad Ctx"], "{}")).code).toBe(2);
    expect(
      (await runCli(["sign-json", "--key", att.key, "--context", "x", "--signed-at", "yesterday"], "{}"))
        .code,
    ).toBe(2);
    expect((await runCli(["sign-json", "--key", att.key, "--context", "x", "a", "b"], "{}")).code).toBe(2);
    expect((await runCli(["sign-json", "--key", att.key, "--context", "x"], "[1]")).code).toBe(1);
    expect((await runCli(["sign-json", "--key", att.key, "--context", "x"], '{"a":1,"a":2}')).code).toBe(1);
    expect((await runCli(["sign-json", "--key", att.key, "--context", "x"], '{"signatures":5}')).code).toBe(
      1,
    );
    expect((await runCli(["sign-json", "--key", at("nope"), "--context", "x"], "{}")).code).toBe(1);
  });
});

describe("chronoseal verify-json", () => {
  it("prints the trusted time and every ignored signature; exit 0", async () => {
    const v = await verify([at("signed.json")]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^time: 2025-02-18T17:01:27.880Z\nhash: \S{44}\n/);
    expect(v.stdout).toMatch(/valid {4}\S+ {2}2025-02-18T17:01:27.880Z/);
    expect(v.stdout).toMatch(/ignored {2}\S+ {2}untrusted: valid, but not by a trusted key/);
  });

  it("--json: pending with wrong-context reasons, exit 1", async () => {
    const j = await runCli(
      [
        "verify-json",
        "--json",
        "--trusted",
        at("trusted.txt"),
        "--context",
        "settings",
        "--now",
        "2025-02-18T18:00:00Z",
      ],
      signed,
    );
    expect(j.code).toBe(1);
    const parsed = JSON.parse(j.stdout);
    expect(parsed.time).toBe("pending");
    expect(parsed.valid).toEqual([]);
    expect(parsed.ignored.map((i: { reason: string }) => i.reason)).toEqual([
      "wrong-context",
      "wrong-context",
    ]);
  });

  it("future, invalid and malformed signatures leave the document pending", async () => {
    const early = await verify(["--now", "2025-02-18T16:00:00Z", at("signed.json")]);
    expect(early.code).toBe(1);
    expect(early.stdout).toMatch(/^time: pending/);
    expect(early.stdout).toContain("future: dated 2025-02-18T17:01:27.880Z");
    const tolerant = await verify([
      "--now",
      "2025-02-18T17:00:00Z",
      "--tolerance",
      "120000",
      at("signed.json"),
    ]);
    expect(tolerant.code).toBe(0);
    const edited = JSON.stringify({ ...JSON.parse(signed), ip: "fdcc::2" });
    const bad = await verify([], edited);
    expect(bad.code).toBe(1);
    expect(bad.stdout.match(/invalid: signature does not verify/g)?.length).toBe(2);
    const doc = JSON.parse(signed);
    for (const e of Object.values(doc.signatures) as { signed_at: string }[])
      e.signed_at = "2025-02-18T17:01:27Z";
    const malformed = await verify(["--json"], JSON.stringify(doc));
    expect(JSON.parse(malformed.stdout).ignored.map((i: { reason: string }) => i.reason)).toEqual([
      "malformed",
      "malformed",
    ]);
  });

  it("reads trusted keys as a JSON array, PEM blocks, or ssh-ed25519 lines", async () => {
    const pem = await keygen("pem-attestor", "pem");
    const doc = await signJson(pem.key, "2025-02-18T17:30:00.000Z", signed);
    const pemPub = readFileSync(pem.pub, "utf8");
    expect(pemPub).toContain("-----BEGIN PUBLIC KEY-----");
    const otherPub = readFileSync(other.pub, "utf8");
    expect(otherPub).toMatch(/^ssh-ed25519 /);
    writeFileSync(at("mixed.txt"), `${pemPub}\n# and an ssh key\n${otherPub}`);
    const v = await runCli(
      [
        "verify-json",
        "--json",
        "--trusted",
        at("mixed.txt"),
        "--context",
        "host-claim",
        "--now",
        "2025-02-18T18:00:00Z",
      ],
      doc,
    );
    expect(v.code).toBe(0);
    const r = JSON.parse(v.stdout);
    expect(r.time).toBe("2025-02-18T17:00:00.000Z");
    expect(r.valid.length).toBe(2);
    writeFileSync(at("array.json"), JSON.stringify([readFileSync(att.pub, "utf8").trim()]));
    const a = await runCli(
      [
        "verify-json",
        "--trusted",
        at("array.json"),
        "--context",
        "host-claim",
        "--now",
        "2025-02-18T18:00:00Z",
      ],
      doc,
    );
    expect(a.code).toBe(0);
    expect(a.stdout).toContain("time: 2025-02-18T17:01:27.880Z");
  });

  it("exit 2 for usage errors, 1 for unacceptable input", async () => {
    writeFileSync(at("bad-trusted.txt"), "not a key\n");
    expect(
      (await runCli(["verify-json", "--trusted", at("bad-trusted.txt"), "--context", "x"], "{}")).code,
    ).toBe(1);
    writeFileSync(at("torn.pem"), "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n");
    const torn = await runCli(["verify-json", "--trusted", at("torn.pem"), "--context", "x"], "{}");
    expect(torn.code).toBe(1);
    expect(torn.stderr).toMatch(/PEM block without an END line/);
    writeFileSync(at("array-bad.json"), "[5]");
    expect(
      (await runCli(["verify-json", "--trusted", at("array-bad.json"), "--context", "x"], "{}")).code,
    ).toBe(1);
    expect((await runCli(["verify-json", "--trusted", at("missing.txt"), "--context", "x"], "{}")).code).toBe(
      1,
    );
    expect((await runCli(["verify-json", "--context", "x"], "{}")).code).toBe(2);
    expect((await runCli(["verify-json", "--trusted", at("trusted.txt")], "{}")).code).toBe(2);
    expect((await verify(["--tolerance", "-5"], "{}")).code).toBe(2);
    expect((await verify(["--now", "later"], "{}")).code).toBe(2);
    expect((await verify([], "not json")).code).toBe(1);
    expect((await verify([], "[]")).code).toBe(1);
    const deep = `${"[".repeat(200)}${"]".repeat(200)}`;
    const r = await verify([], `{"a":${deep}}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/payload is not canonical JSON/);
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
