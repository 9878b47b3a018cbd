// `chronoseal checkpoint sign | verify | cosign | vkey` in-process (build core first: the CLI
// imports @chronoseal/core's dist). Exit codes: 0 ok, 1 bad input or no verifying signer, 2 usage.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatSignerKey, fromBase64, initKeys, keyPairFromSeed } from "@chronoseal/core";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "cli-checkpoint-"));
const at = (name: string) => join(dir, name);
const ROOT = Buffer.alloc(32, 7).toString("base64");

async function keygen(name: string, format = "base64"): Promise<string> {
  const r = await runCli(["keygen", "--format", format, "--out", at(name)]);
  if (r.code !== 0) throw new Error(r.stderr);
  return at(name);
}

const vkeyOf = (stderr: string) => /verifier key: (\S+)/.exec(stderr)![1]!;

let logKey: string;
let witnessKey: string;
let logVkey: string;
let witnessVkey: string;
let signed: string;
beforeAll(async () => {
  logKey = await keygen("log");
  witnessKey = await keygen("witness", "pem");
  const s = await runCli([
    "checkpoint",
    "sign",
    "--key",
    logKey,
    "--origin",
    "example.org/log",
    "--size",
    "10",
    "--root",
    ROOT,
    "--ext",
    "kind heartbeat",
  ]);
  if (s.code !== 0) throw new Error(s.stderr);
  signed = s.stdout;
  logVkey = vkeyOf(s.stderr);
  const w = await runCli(["checkpoint", "vkey", "--key", witnessKey, "--name", "witness.example"]);
  witnessVkey = w.stdout.trim();
});

const verify = (args: string[], stdin?: string | Uint8Array) =>
  runCli(["checkpoint", "verify", ...args], stdin);

describe("checkpoint sign", () => {
  it("prints a C2SP checkpoint note signed by the origin's key name", () => {
    const lines = signed.split("\n");
    expect(lines.slice(0, 5)).toEqual(["example.org/log", "10", ROOT, "kind heartbeat", ""]);
    expect(lines[5]).toMatch(/^— example\.org\/log [A-Za-z0-9+/]{91}=$/); // 4 + 64 bytes
    expect(lines[6]).toBe("");
    expect(logVkey).toMatch(/^example\.org\/log\+[0-9a-f]{8}\+A/);
    // The key id in the signature line is the verifier key's.
    const sigId = Buffer.from(fromBase64(lines[5]!.split(" ")[2]!).subarray(0, 4)).toString("hex");
    expect(sigId).toBe(logVkey.split("+")[1]);
  });

  it("rejects bad arguments with exit 2", async () => {
    const base = ["checkpoint", "sign", "--key", logKey, "--origin", "o", "--root", ROOT];
    expect((await runCli([...base])).code).toBe(2); // no --size
    for (const size of ["01", "-1", "1.5", "9007199254740992", "x"])
      expect((await runCli([...base, "--size", size])).code, size).toBe(2);
    const badRoot = await runCli([
      "checkpoint",
      "sign",
      "--key",
      logKey,
      "--origin",
      "o",
      "--size",
      "1",
      "--root",
      "AAAA",
    ]);
    expect(badRoot.code).toBe(2);
    expect(badRoot.stderr).toMatch(/--root: expected 32 bytes/);
    expect((await runCli([...base, "--size", "1", "extra"])).code).toBe(2);
    expect((await runCli([...base, "--size", "1", "--bogus"])).code).toBe(2);
    // A key name with a space cannot sign; a missing key file is an input error.
    expect((await runCli([...base, "--size", "1", "--name", "a b"])).code).toBe(1);
    expect(
      (
        await runCli([
          "checkpoint",
          "sign",
          "--key",
          at("nope"),
          "--origin",
          "o",
          "--size",
          "1",
          "--root",
          ROOT,
        ])
      ).code,
    ).toBe(1);
  });

  it("accepts a note signer key (PRIVATE+KEY+...) that names itself", async () => {
    await initKeys();
    const kp = keyPairFromSeed(new Uint8Array(32).fill(9));
    writeFileSync(at("signer.key"), `${formatSignerKey("log.example", kp)}\n`);
    const s = await runCli([
      "checkpoint",
      "sign",
      "--key",
      at("signer.key"),
      "--origin",
      "o",
      "--size",
      "0",
      "--root",
      ROOT,
    ]);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain("\n— log.example ");
    const v = await verify(["--vkey", vkeyOf(s.stderr)], s.stdout);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain("verified by: log.example");
    const other = await runCli([
      "checkpoint",
      "sign",
      "--key",
      at("signer.key"),
      "--origin",
      "o",
      "--size",
      "0",
      "--root",
      ROOT,
      "--name",
      "else",
    ]);
    expect(other.code).toBe(2);
  });
});

describe("checkpoint verify", () => {
  it("prints origin, size, root, extensions and the verified signer", async () => {
    const v = await verify(["--vkey", logVkey], signed);
    expect(v.code).toBe(0);
    expect(v.stdout).toBe(
      `origin: example.org/log\nsize: 10\nroot: ${ROOT}\nextension: kind heartbeat\nverified by: example.org/log\n`,
    );
    writeFileSync(at("cp.note"), signed);
    expect((await verify(["--vkey", logVkey, at("cp.note")])).stdout).toBe(v.stdout);
    const json = JSON.parse(
      (await verify(["--vkey", logVkey, "--json", "--origin", "example.org/log"], signed)).stdout,
    );
    expect(json).toEqual({
      origin: "example.org/log",
      size: 10,
      root: ROOT,
      extensions: ["kind heartbeat"],
      verified: ["example.org/log"],
      witnesses: [],
      invalid: [],
      unknown: [],
    });
  });

  it("exits 1 when no known key verifies, or the note is tampered with or malformed", async () => {
    const cases: [string, string | Uint8Array][] = [
      ["size changed", signed.replace("\n10\n", "\n11\n")],
      ["root changed", signed.replace(ROOT, Buffer.alloc(32, 8).toString("base64"))],
      ["no blank line", signed.replace("\n\n", "\n")],
      ["bad base64", signed.replace(/ [A-Za-z0-9+/]+=\n$/, " !!!!\n")],
      ["hyphen for em dash", signed.replace("— ", "- ")],
      [
        "invalid UTF-8",
        Buffer.concat([Buffer.from(signed.slice(0, 3)), Buffer.from([0xff]), Buffer.from(signed.slice(3))]),
      ],
      ["empty input", ""],
    ];
    for (const [what, note] of cases) {
      const r = await verify(["--vkey", logVkey], note);
      expect(r.code, what).toBe(1);
      expect(r.stdout, what).toBe("");
    }
    const unrelated = await verify(["--vkey", witnessVkey], signed);
    expect(unrelated.code).toBe(1);
    expect(unrelated.stderr).toMatch(/no signature by a log key verifies \(1 by unknown keys\)/);
    const origin = await verify(["--vkey", logVkey, "--origin", "other.org/log"], signed);
    expect(origin.code).toBe(1);
    expect(origin.stderr).toMatch(/origin/);
  });

  it("reads verifier keys inline, comma-separated, repeated, or from files with comments", async () => {
    writeFileSync(at("keys.txt"), `# trusted\n\n${witnessVkey}\n${logVkey}\n`);
    expect((await verify(["--vkey", at("keys.txt")], signed)).code).toBe(0);
    expect((await verify(["--vkey", `${witnessVkey},${logVkey}`], signed)).code).toBe(0);
    expect((await verify(["--vkey", witnessVkey, "--vkey", logVkey], signed)).code).toBe(0);
    // A key whose id does not match, a missing file, an empty list entry.
    const badId = logVkey.replace(/\+[0-9a-f]{8}\+/, "+00000000+");
    expect((await verify(["--vkey", badId], signed)).code).toBe(1);
    expect((await verify(["--vkey", at("missing.txt")], signed)).code).toBe(1);
    expect((await verify(["--vkey", `${logVkey},`], signed)).code).toBe(2);
    expect((await verify([], signed)).code).toBe(2);
    expect((await verify(["--vkey", logVkey, "a", "b"], signed)).code).toBe(2);
  });
});

describe("checkpoint cosign", () => {
  it("a witness cosigns after checking the log's signature; both verify", async () => {
    const c = await runCli(
      ["checkpoint", "cosign", "--key", witnessKey, "--name", "witness.example", "--vkey", logVkey],
      signed,
    );
    expect(c.code).toBe(0);
    expect(c.stdout.startsWith(signed)).toBe(true);
    expect(vkeyOf(c.stderr)).toBe(witnessVkey);
    const v = await verify(["--vkey", `${logVkey},${witnessVkey}`], c.stdout);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain("verified by: example.org/log, witness.example\n");
    const onlyLog = await verify(["--vkey", logVkey], c.stdout);
    expect(onlyLog.stdout).toMatch(/unknown signer: witness\.example\+[0-9a-f]{8}\n$/);
    // Cosigning twice with the same key is refused.
    const again = await runCli(
      ["checkpoint", "cosign", "--key", witnessKey, "--name", "witness.example"],
      c.stdout,
    );
    expect(again.code).toBe(1);
  });

  it("refuses notes that do not verify with --vkey, are not checkpoints, or are malformed", async () => {
    const cosign = (args: string[], stdin: string) =>
      runCli(["checkpoint", "cosign", "--key", witnessKey, "--name", "w", ...args], stdin);
    expect((await cosign(["--vkey", logVkey], signed.replace("\n10\n", "\n11\n"))).code).toBe(1);
    expect((await cosign(["--vkey", witnessVkey], signed)).code).toBe(1);
    const notCheckpoint = signed.replace("example.org/log\n10\n", "example.org/log\nten\n");
    expect((await cosign([], notCheckpoint)).code).toBe(1);
    expect((await cosign([], "just text\n")).code).toBe(1);
    expect((await runCli(["checkpoint", "cosign", "--key", witnessKey], signed)).code).toBe(2); // no --name
  });
});

describe("checkpoint vkey", () => {
  it("prints the same verifier key from the private key, the public key file and sign", async () => {
    const fromKey = await runCli(["checkpoint", "vkey", "--key", logKey, "--name", "example.org/log"]);
    expect(fromKey.stdout.trim()).toBe(logVkey);
    const fromPub = await runCli([
      "checkpoint",
      "vkey",
      "--pub",
      `${logKey}.pub`,
      "--name",
      "example.org/log",
    ]);
    expect(fromPub.code).toBe(0);
    expect(fromPub.stdout.trim()).toBe(logVkey);
    const inline = readFileSync(`${logKey}.pub`, "utf8").trim();
    expect(
      (await runCli(["checkpoint", "vkey", "--pub", inline, "--name", "example.org/log"])).stdout.trim(),
    ).toBe(logVkey);
    expect((await runCli(["checkpoint", "vkey", "--pub", inline])).code).toBe(2);
    expect((await runCli(["checkpoint", "vkey", "--name", "x"])).code).toBe(2);
    expect((await runCli(["checkpoint", "vkey", "--pub", inline, "--name", "a+b"])).code).toBe(1);
  });
});

describe("witness cosignatures (cosignature/v1) and k of n", () => {
  const T = 1_700_000_000;
  const v1 = async (key: string, name: string, note: string, extra: string[] = []) =>
    runCli(
      [
        "checkpoint",
        "cosign",
        "--key",
        key,
        "--name",
        name,
        "--type",
        "cosignature/v1",
        "--timestamp",
        String(T),
        ...extra,
      ],
      note,
    );

  it("vkey --type cosignature/v1 prints a type-4 key; cosign --type cosignature/v1 makes a timestamped line", async () => {
    const w = await runCli([
      "checkpoint",
      "vkey",
      "--key",
      witnessKey,
      "--name",
      "w1.example",
      "--type",
      "cosignature/v1",
    ]);
    expect(w.code).toBe(0);
    const vkey = w.stdout.trim();
    expect(Buffer.from(vkey.split("+")[2]!, "base64")[0]).toBe(0x04);
    const c = await v1(witnessKey, "w1.example", signed, ["--vkey", logVkey]);
    expect(c.code, c.stderr).toBe(0);
    expect(vkeyOf(c.stderr)).toBe(vkey);
    const line = c.stdout.trimEnd().split("\n").at(-1)!;
    expect(Buffer.from(line.split(" ")[2]!, "base64")).toHaveLength(4 + 8 + 64);
    const r = await verify(["--vkey", logVkey, "--witness", vkey, "--json"], c.stdout);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).witnesses).toEqual([
      {
        name: "w1.example",
        keyId: vkey.split("+")[1],
        type: "cosignature/v1",
        time: new Date(T * 1000).toISOString(),
      },
    ]);
    const text = await verify(["--vkey", logVkey, "--witness", vkey], c.stdout);
    expect(text.stdout).toContain(`witness: w1.example cosigned at ${new Date(T * 1000).toISOString()}`);
    expect(text.stdout).toContain("witnesses: 1 of 1 (1 required)");
  });

  it("--require K of the --witness keys: exit 1 when fewer cosigned, 2 when K exceeds the keys", async () => {
    const w2Key = await keygen("w2");
    const w3Key = await keygen("w3");
    const vk = async (key: string, name: string) =>
      (
        await runCli(["checkpoint", "vkey", "--key", key, "--name", name, "--type", "cosignature/v1"])
      ).stdout.trim();
    const [k1, k2, k3] = [
      await vk(witnessKey, "w1.example"),
      await vk(w2Key, "w2.example"),
      await vk(w3Key, "w3.example"),
    ];
    const one = (await v1(witnessKey, "w1.example", signed)).stdout;
    const two = (await v1(w2Key, "w2.example", one)).stdout;
    const all = `--witness=${k1},${k2},${k3}`;
    expect((await verify(["--vkey", logVkey, all, "--require", "2"], two)).code).toBe(0);
    const three = await verify(["--vkey", logVkey, all, "--require", "3"], two);
    expect(three.code).toBe(1);
    expect(three.stderr).toMatch(/2 of the 3 witnesses cosigned it, 3 required/);
    expect((await verify(["--vkey", logVkey, all], signed)).code).toBe(1); // default: 1 required
    expect((await verify(["--vkey", logVkey, all, "--require", "0"], signed)).code).toBe(0);
    expect((await verify(["--vkey", logVkey, all, "--require", "4"], two)).code).toBe(2);
    expect((await verify(["--vkey", logVkey, all, "--require", "x"], two)).code).toBe(2);
    // A cosignature dated in the future does not count.
    const future = (
      await runCli(
        [
          "checkpoint",
          "cosign",
          "--key",
          witnessKey,
          "--name",
          "w1.example",
          "--type",
          "cosignature/v1",
          "--timestamp",
          String(Math.floor(Date.now() / 1000) + 3600),
        ],
        signed,
      )
    ).stdout;
    const f = await verify(["--vkey", logVkey, "--witness", k1], future);
    expect(f.code).toBe(1);
    // Witness lines without the log's signature are not a checkpoint.
    const text = two.slice(0, two.indexOf("\n\n") + 2) + two.split("\n").slice(-3).join("\n");
    expect((await verify(["--vkey", logVkey, all, "--require", "0"], text)).code).toBe(1);
  });

  it("a witness's signer key (type 4) cosigns with its type; it cannot sign a checkpoint as a log", async () => {
    const { initKeys: init, keyPairFromSeed: fromSeed } = await import("@chronoseal/core");
    await init();
    writeFileSync(
      at("w.skey"),
      formatSignerKey("w9.example", fromSeed(new Uint8Array(32).fill(9)), "cosignature/v1"),
    );
    const c = await runCli(["checkpoint", "cosign", "--key", at("w.skey"), "--timestamp", String(T)], signed);
    expect(c.code, c.stderr).toBe(0);
    expect(Buffer.from(vkeyOf(c.stderr).split("+")[2]!, "base64")[0]).toBe(0x04);
    const s = await runCli([
      "checkpoint",
      "sign",
      "--key",
      at("w.skey"),
      "--origin",
      "o",
      "--size",
      "1",
      "--root",
      ROOT,
    ]);
    expect(s.code).toBe(2);
    expect(
      (await runCli(["checkpoint", "cosign", "--key", logKey, "--name", "x", "--timestamp", "5"], signed))
        .code,
    ).toBe(2);
    expect(
      (await runCli(["checkpoint", "cosign", "--key", logKey, "--name", "x", "--type", "ecdsa"], signed))
        .code,
    ).toBe(2);
  });
});
