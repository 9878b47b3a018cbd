// --json on every verb (the real executable): the output parses and carries the documented key
// fields. Verbs that need a running daemon are checked where one runs: mesh claim, status, dns
// and settings set in mesh.test.ts, lock audit, export and verify-file in lock.test.ts, the mesh
// admin verbs in mesh-admin.e2e.test.ts, keri parse and kel in keri.test.ts.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { commands } from "../src/commands/index.js";
import { runBin } from "./bin.js";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cli-json-"));
});

/** Runs a verb with --json in `dir`; expects `code` and returns the parsed standard output. */
async function json(argv: string[], code = 0, stdin?: string): Promise<Record<string, unknown>> {
  const r = await runBin([...argv, "--json"], { cwd: dir, ...(stdin === undefined ? {} : { stdin }) });
  expect(r.code, `${argv.join(" ")}: ${r.stderr}`).toBe(code);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe("--json", () => {
  it("every verb accepts --json (its usage says so)", () => {
    const without = commands.filter((c) => !c.usage.includes("--json")).map((c) => c.name.join(" "));
    // demo narrates a run for people; its report is JSON already (DIR/report.json).
    expect(without).toEqual(["demo"]);
  });

  it("keys, hashing and JSON signatures", async () => {
    writeFileSync(join(dir, "doc.json"), '{"b":1,"a":[true,null]}');
    expect(await json(["canonicalize", "doc.json"])).toEqual({ canonical: '{"a":[true,null],"b":1}' });
    const h = await json(["hash", "--canonical", "doc.json"]);
    expect(h).toMatchObject({ alg: "sha256", encoding: "hex", canonical: true });
    expect(h.digest).toMatch(/^[0-9a-f]{64}$/);
    const k = await json(["keygen", "--out", "k"]);
    expect(k).toMatchObject({ format: "base64", privateKeyFile: "k", publicKeyFile: "k.pub" });
    const s = await json(["sign", "--key", "k", "doc.json"]);
    expect(s.publicKey).toBe(k.publicKey);
    expect(await json(["verify", "--pub", "k.pub", "--sig", s.signature as string, "doc.json"])).toEqual({
      valid: true,
    });
    expect(await json(["verify", "--pub", "k.pub", "--sig", s.signature as string, "k"], 1)).toEqual({
      valid: false,
    });
    const line = JSON.stringify({
      publicKey: k.publicKey,
      message: readFileSync(join(dir, "doc.json")).toString("base64"),
      signature: s.signature,
    });
    const batch = await runBin(["verify", "--batch", "-", "--json"], { cwd: dir, stdin: `${line}\nnope\n` });
    expect(batch.code).toBe(1);
    expect(
      batch.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { line: 1, verdict: "valid" },
      { line: 2, verdict: "malformed", reason: expect.stringContaining("not JSON") },
      { summary: { lines: 2, valid: 1, invalid: 0, malformed: 1 } },
    ]);
    const signed = await json(["sign-json", "--key", "k", "--context", "test", "doc.json"]);
    expect(Object.keys(signed.signatures as object)).toEqual([k.publicKey]);
    writeFileSync(join(dir, "signed.json"), JSON.stringify(signed));
    const v = await json(["verify-json", "--trusted", "k.pub", "--context", "test", "signed.json"]);
    expect(v).toMatchObject({ valid: [expect.objectContaining({ key: k.publicKey })] });
  });

  it("checkpoints", async () => {
    const root = Buffer.alloc(32, 7).toString("base64");
    const cp = await json([
      "checkpoint",
      "sign",
      "--key",
      "k",
      "--origin",
      "example.org/log",
      "--size",
      "5",
      "--root",
      root,
    ]);
    expect(cp.note).toMatch(/^example\.org\/log\n5\n/);
    writeFileSync(join(dir, "cp.note"), cp.note as string);
    const vk = await json(["checkpoint", "vkey", "--key", "k", "--name", "example.org/log"]);
    expect(vk).toEqual({ name: "example.org/log", type: "ed25519", verifierKey: cp.verifierKey });
    await runBin(["keygen", "--out", "w"], { cwd: dir });
    const co = await json([
      "checkpoint",
      "cosign",
      "--key",
      "w",
      "--name",
      "w1",
      "--type",
      "cosignature/v1",
      "cp.note",
    ]);
    writeFileSync(join(dir, "cp.cosigned"), co.note as string);
    const ver = await json([
      "checkpoint",
      "verify",
      "--vkey",
      cp.verifierKey as string,
      "--witness",
      co.verifierKey as string,
      "cp.cosigned",
    ]);
    expect(ver).toMatchObject({ origin: "example.org/log", size: 5, root, verified: ["example.org/log"] });
    expect((ver.witnesses as unknown[]).length).toBe(1);
  });

  it("mesh init and the credential verbs", async () => {
    const net = await json(["mesh", "init", "--out", "net", "--tld", "nether"]);
    expect(net).toMatchObject({ tld: "nether", attestors: [], admin: "net/admin.pem" });
    const root = await json(["credential", "incept", "--out", "root.json", "--store", "ev.db"]);
    const qvi = await json([
      "credential",
      "incept",
      "--out",
      "qvi.json",
      "--store",
      "ev.db",
      "--delegator",
      root.prefix as string,
    ]);
    expect(
      await json([
        "credential",
        "approve",
        "--controller",
        "root.json",
        "--store",
        "ev.db",
        "--delegate",
        qvi.prefix as string,
      ]),
    ).toMatchObject({
      delegator: root.prefix,
      delegate: qvi.prefix,
    });
    expect(
      await json(["credential", "rotate", "--controller", "root.json", "--store", "ev.db"]),
    ).toMatchObject({
      prefix: root.prefix,
      sn: "2",
    });
    writeFileSync(join(dir, "s.json"), JSON.stringify({ $id: "", type: "object" }));
    const schema = await json(["credential", "schema", "s.json", "--store", "ev.db"]);
    expect(schema.said).toMatch(/^E/);
    const cred = await json([
      "credential",
      "issue",
      "--controller",
      "root.json",
      "--store",
      "ev.db",
      "--schema",
      schema.said as string,
      "--issuee",
      qvi.prefix as string,
      "--dt",
      "2025-01-01T00:00:00Z",
    ]);
    const said = cred.said as string;
    expect(await json(["credential", "status", said, "--store", "ev.db"])).toMatchObject({ state: "issued" });
    const verdict = await json([
      "credential",
      "validate",
      said,
      "--store",
      "ev.db",
      "--valid-on",
      "2025-06-01T00:00:00Z",
    ]);
    expect(verdict).toMatchObject({ valid: true });
    const reply = await json([
      "credential",
      "reply",
      "--controller",
      "root.json",
      "--store",
      "ev.db",
      "--credential",
      said,
    ]);
    expect(reply.credential).toBe(said);
    writeFileSync(join(dir, "reply.cesr"), reply.reply as string);
    const imported = await runBin(["credential", "import", "--store", "other.db", "reply.cesr", "--json"], {
      cwd: dir,
    });
    expect(JSON.parse(imported.stdout)[0]).toMatchObject({ file: "reply.cesr" });
    const rev = await json([
      "credential",
      "revoke",
      "--controller",
      "root.json",
      "--store",
      "ev.db",
      "--credential",
      said,
    ]);
    expect(rev.credential).toBe(said);
    const escrow = await runBin(["credential", "escrow", "--store", "ev.db", "--json"], { cwd: dir });
    expect(Array.isArray(JSON.parse(escrow.stdout))).toBe(true);
  });

  it("lock badge-hash", async () => {
    const r = await runBin(["lock", "badge-hash", "--json", "a", "b"], { cwd: dir });
    expect(JSON.parse(r.stdout)).toEqual([
      "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb",
      "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d",
    ]);
    const none = await runBin(["lock", "badge-hash", "-", "--json"], { cwd: dir, stdin: "" });
    expect(none.code).toBe(1);
  });
});
