// chronoseal keygen / sign / verify, run in-process: every format end to end, interop with keys
// from ssh-keygen and node:crypto, file modes, overwrite protection, and exit codes.
import { execFileSync } from "node:child_process";
import { createPrivateKey, createPublicKey, generateKeyPairSync, verify as nodeVerify } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  decodePrivateKey,
  decodePublicKey,
  generateKeyPair,
  initKeys,
  sign,
  toBase64,
} from "@chronoseal/core";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run.js";

beforeAll(() => initKeys());
const dir = mkdtempSync(join(tmpdir(), "cli-keys-"));
const at = (name: string) => join(dir, name);
const hasSshKeygen = (() => {
  try {
    execFileSync("ssh-keygen", ["-?"], { stdio: "ignore" });
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ENOENT";
  }
})();
writeFileSync(at("msg"), "attack at dawn");

describe("chronoseal keygen", () => {
  for (const format of ["base64", "ssh", "pem", "raw"] as const) {
    it(`--format ${format} --out writes a 0600 private key and a .pub that sign and verify`, async () => {
      const key = at(`k-${format}`);
      const g = await runCli(["keygen", "--format", format, "--out", key]);
      expect(g.code).toBe(0);
      expect(statSync(key).mode & 0o777).toBe(0o600);
      expect(statSync(`${key}.pub`).mode & 0o777).toBe(0o644);
      const kp = decodePrivateKey(new Uint8Array(readFileSync(key)));
      expect(decodePublicKey(new Uint8Array(readFileSync(`${key}.pub`)))).toEqual(kp.publicKey);
      expect(g.stdout).toContain(`public key (base64): ${toBase64(kp.publicKey)}`);
      if (format === "raw") {
        expect(readFileSync(key).length).toBe(32);
        expect(readFileSync(`${key}.pub`).length).toBe(32);
      }
      const s = await runCli(["sign", "--key", key, at("msg")]);
      expect(s.code).toBe(0);
      const sig = s.stdout.trim();
      expect(sig).toBe(toBase64(sign(new TextEncoder().encode("attack at dawn"), kp.secretKey)));
      expect(await runCli(["verify", "--pub", `${key}.pub`, "--sig", sig, at("msg")])).toEqual({
        code: 0,
        stdout: "valid\n",
        stderr: "",
      });
      expect(await runCli(["verify", "--pub", `${key}.pub`, "--sig", sig], "attack at dusk")).toMatchObject({
        code: 1,
        stdout: "invalid\n",
      });
    });
  }

  it("--format ssh: ssh-keygen -y reads the private key and prints the .pub line with the comment", async () => {
    const key = at("ssh-commented");
    expect((await runCli(["keygen", "--format", "ssh", "--comment", "door-7@site", "--out", key])).code).toBe(
      0,
    );
    const pub = readFileSync(`${key}.pub`, "utf8");
    expect(pub).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI\S+ door-7@site\n$/);
    if (hasSshKeygen || process.env.CI) {
      expect(execFileSync("ssh-keygen", ["-y", "-f", key], { encoding: "utf8" })).toBe(pub);
    }
  });

  it("--format pem: node:crypto reads both files", async () => {
    const key = at("node-pem");
    await runCli(["keygen", "--format", "pem", "--out", key]);
    const priv = createPrivateKey(readFileSync(key, "utf8"));
    const pub = createPublicKey(readFileSync(`${key}.pub`, "utf8"));
    const sig = (await runCli(["sign", "--key", key, at("msg")])).stdout.trim();
    expect(nodeVerify(null, readFileSync(at("msg")), pub, Buffer.from(sig, "base64"))).toBe(true);
    expect(createPublicKey(priv).export({ type: "spki", format: "pem" })).toBe(
      readFileSync(`${key}.pub`, "utf8"),
    );
  });

  for (const format of ["base64", "ssh", "pem"] as const) {
    it(`without --out prints both ${format} keys, labelled, and they belong together`, async () => {
      const r = await runCli(["keygen", "--format", format]);
      expect(r.code).toBe(0);
      const m = /^# private key \(\w+\) — keep secret\n([\s\S]+?)# public key \(\w+\)\n([\s\S]+)$/.exec(
        r.stdout,
      );
      expect(m, r.stdout).not.toBeNull();
      const kp = decodePrivateKey(m![1]!);
      expect(decodePublicKey(m![2]!)).toEqual(kp.publicKey);
    });
  }

  it("keeps existing files unless --force, and --force still leaves the private key at 0600", async () => {
    const key = at("existing");
    writeFileSync(key, "precious", { mode: 0o644 });
    const r = await runCli(["keygen", "--out", key]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/exists; use --force/);
    expect(readFileSync(key, "utf8")).toBe("precious");
    const f = await runCli(["keygen", "--out", key, "--force"]);
    expect(f.code).toBe(0);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(decodePrivateKey(readFileSync(key, "utf8")).publicKey).toEqual(
      decodePublicKey(readFileSync(`${key}.pub`, "utf8")),
    );
    // an existing .pub alone also blocks, and nothing is written
    writeFileSync(at("half.pub"), "old");
    expect((await runCli(["keygen", "--out", at("half")])).stderr).toMatch(/half.pub exists/);
    expect(() => statSync(at("half"))).toThrow(/ENOENT/);
    expect(readFileSync(at("half.pub"), "utf8")).toBe("old");
  });

  it("usage errors exit 2", async () => {
    for (const argv of [
      ["keygen", "--format", "rsa"],
      ["keygen", "--format", "raw"],
      ["keygen", "--comment", "x"],
      ["keygen", "--format", "ssh", "--comment", "a\nb"],
      ["keygen", "--force"],
      ["keygen", "extra"],
      ["keygen", "--bogus"],
    ]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/usage: chronoseal keygen/);
    }
  });

  it("cannot write into a missing directory: exit 1", async () => {
    const r = await runCli(["keygen", "--out", at("no/such/dir/key")]);
    expect(r).toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot write .*ENOENT/) });
  });
});

describe("chronoseal sign", () => {
  it.skipIf(!hasSshKeygen && !process.env.CI)("signs with a key made by ssh-keygen", async () => {
    const key = at("id_ed25519");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", key]);
    const s = await runCli(["sign", "--key", key], "from stdin");
    expect(s.code).toBe(0);
    const v = await runCli(["verify", "--pub", `${key}.pub`, "--sig", s.stdout.trim(), "-"], "from stdin");
    expect(v).toMatchObject({ code: 0, stdout: "valid\n" });
    const inline = readFileSync(`${key}.pub`, "utf8").trim();
    expect((await runCli(["verify", "--pub", inline, "--sig", s.stdout.trim()], "from stdin")).code).toBe(0);

    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "pw", "-f", at("locked")]);
    const locked = await runCli(["sign", "--key", at("locked")], "x");
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/passphrase-protected .*ssh-keygen -p/);
  });

  it("signs with PKCS#8 DER and PEM keys from node:crypto", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    writeFileSync(at("node.der"), privateKey.export({ type: "pkcs8", format: "der" }));
    writeFileSync(at("node.pem"), privateKey.export({ type: "pkcs8", format: "pem" }));
    for (const f of ["node.der", "node.pem"]) {
      const s = await runCli(["sign", "--key", at(f), at("msg")]);
      expect(
        nodeVerify(null, readFileSync(at("msg")), publicKey, Buffer.from(s.stdout.trim(), "base64")),
      ).toBe(true);
    }
  });

  it("reports unreadable, malformed and wrong-kind keys (exit 1) and usage errors (exit 2)", async () => {
    writeFileSync(at("garbage.key"), "not a key");
    // Public keys under names that do not say so: their content gives them away.
    copyFileSync(at("k-pem.pub"), at("k-pem.looks-private"));
    copyFileSync(at("k-ssh.pub"), at("k-ssh.looks-private"));
    const cases: [string[], number, RegExp][] = [
      [["sign", "--key", at("missing")], 1, /--key .*missing: cannot read it: ENOENT/],
      [["sign", "--key", at("garbage.key")], 1, /--key .*garbage.key: base64 private key: invalid base64/],
      [["sign", "--key", at("k-pem.looks-private")], 1, /--key .*: .*this is a public key/],
      [["sign", "--key", at("k-ssh.looks-private")], 1, /--key .*: .*OpenSSH public key line/],
      [
        ["sign", "--key", at("k-base64.pub")],
        1,
        /--key .*k-base64\.pub: a public key file \(\.pub\) where a private key belongs/,
      ],
      [["sign", "--key", at("k-pem.pub")], 1, /--key .*: a public key file/],
      [["sign", "--key", at("k-base64"), at("missing-input")], 1, /cannot read .*missing-input: ENOENT/],
      [["sign"], 2, /--key is required/],
      [["sign", "--key", at("k-base64"), "a", "b"], 2, /at most one FILE/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await runCli(argv, "x");
      expect({ code: r.code, stderr: r.stderr }, argv.join(" ")).toEqual({
        code,
        stderr: expect.stringMatching(message),
      });
    }
  });
});

describe("chronoseal verify", () => {
  let kp: ReturnType<typeof generateKeyPair>;
  let sig: Uint8Array;
  const msg = new TextEncoder().encode("attack at dawn");
  beforeAll(() => {
    kp = generateKeyPair();
    sig = sign(msg, kp.secretKey);
    writeFileSync(at("sig.b64"), `${toBase64(sig)}\n`);
    writeFileSync(at("sig.bin"), sig);
    writeFileSync(at("v.pub"), `${toBase64(kp.publicKey)}\n`);
  });

  it("takes the key inline or as a file, and the signature inline, as base64 file or raw file", async () => {
    const pems = [
      "-----BEGIN PUBLIC KEY-----",
      Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), kp.publicKey]).toString("base64"),
      "-----END PUBLIC KEY-----",
    ].join("\n");
    for (const pub of [at("v.pub"), toBase64(kp.publicKey), pems]) {
      for (const s of [toBase64(sig), at("sig.b64"), at("sig.bin")]) {
        // a PEM starts with "-": parseArgs needs it attached, --pub=KEY
        expect(await runCli(["verify", `--pub=${pub}`, "--sig", s, at("msg")])).toEqual({
          code: 0,
          stdout: "valid\n",
          stderr: "",
        });
      }
    }
    const bad = sig.slice();
    bad[0]! ^= 1;
    expect(await runCli(["verify", "--pub", at("v.pub"), "--sig", toBase64(bad), at("msg")])).toMatchObject({
      code: 1,
      stdout: "invalid\n",
    });
    const other = toBase64(generateKeyPair().publicKey);
    expect((await runCli(["verify", "--pub", other, "--sig", toBase64(sig), at("msg")])).stdout).toBe(
      "invalid\n",
    );
  });

  it("--mode strict rejects a small-order key that ZIP-215 accepts", async () => {
    // A = R = the identity point, S = 0: [8]SB = [8]R + [8]kA holds for every message.
    const identity = new Uint8Array(32);
    identity[0] = 1;
    const weak = toBase64(Uint8Array.from([...identity, ...new Uint8Array(32)]));
    const args = ["verify", "--pub", toBase64(identity), "--sig", weak, at("msg")];
    expect((await runCli(args)).stdout).toBe("valid\n");
    expect(await runCli([...args, "--mode", "strict"])).toMatchObject({ code: 1, stdout: "invalid\n" });
    expect(
      (await runCli(["verify", "--pub", at("v.pub"), "--sig", toBase64(sig), "--mode", "strict", at("msg")]))
        .code,
    ).toBe(0);
  });

  it("bad keys and signatures exit 1 naming the problem; usage errors exit 2", async () => {
    const cases: [string[], number, RegExp][] = [
      [
        ["verify", "--pub", "no-such.pub", "--sig", toBase64(sig)],
        1,
        /public key "no-such.pub" \(no such file; inline key\): base64 public key: invalid base64/,
      ],
      [["verify", "--pub", "AAAA", "--sig", toBase64(sig)], 1, /expected 32 bytes, got 3/],
      [
        ["verify", "--pub", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB", "--sig", toBase64(sig)],
        1,
        /"ssh-rsa" is not ssh-ed25519/,
      ],
      [["verify", "--pub", at("garbage.key"), "--sig", toBase64(sig)], 1, /public key file .*garbage.key: /],
      [
        ["verify", "--pub", at("v.pub"), "--sig", "AAAA"],
        1,
        /signature \(no such file; inline base64\): signature: expected 64 bytes, got 3/,
      ],
      [["verify", "--pub", at("v.pub"), "--sig", "not base64!"], 1, /invalid base64/],
      [["verify", "--pub", at("v.pub"), "--sig", at("msg")], 1, /signature file .*msg: /],
      [
        ["verify", "--pub", at("v.pub"), "--sig", toBase64(sig), at("nothing")],
        1,
        /cannot read .*nothing: ENOENT/,
      ],
      [["verify", "--pub", at("v.pub")], 2, /--pub and --sig are required/],
      [
        ["verify", "--pub", at("v.pub"), "--sig", toBase64(sig), "--mode", "lax"],
        2,
        /--mode must be zip215 or strict/,
      ],
      [["verify", "--pub", at("v.pub"), "--sig", toBase64(sig), "a", "b"], 2, /at most one FILE/],
      [["verify", "--pub", at("v.pub"), "--sig", toBase64(sig), "--chunk", "3"], 2, /--chunk needs --batch/],
      [["verify", "--batch", "x.ndjson", "--pub", at("v.pub")], 2, /--batch takes no --pub/],
      [["verify", "--batch", "x.ndjson", "--chunk", "0"], 2, /--chunk must be an integer/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await runCli(argv, "attack at dawn");
      expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }, argv.join(" ")).toEqual({
        code,
        stderr: expect.stringMatching(message),
        stdout: "",
      });
    }
  });
});
