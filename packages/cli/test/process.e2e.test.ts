// The executable as a shell sees it: a reader that goes away (EPIPE) ends it quietly with 141,
// `chronoseal <group> --help` for every group, unknown verbs are usage on stderr with exit 2,
// and an error is one line on stderr, once, prefixed with the command's name.
import { spawn } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { commands } from "../src/commands/index.js";
import { BIN, runBin } from "./bin.js";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cli-process-"));
});

/** Starts the executable with its stdout on a pipe; closes the pipe after the first line. */
function firstLineThenClose(
  argv: string[],
): Promise<{ first: string; code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let first = "";
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.stdout.on("data", (c: Buffer) => {
      if (first.includes("\n")) return;
      first += c.toString();
      if (first.includes("\n")) child.stdout.destroy(); // like `| head -1`: the reader is gone
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ first: first.split("\n")[0]!, code, signal, stderr }));
  });
}

describe("standard output closed early", () => {
  it("verify --batch big.ndjson | head -1: the first verdict, then exit 141 without a word", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const pk = publicKey.export({ format: "der", type: "spki" }).subarray(12).toString("base64");
    const lines: string[] = [];
    // ~1 MB of verdicts: far more than a pipe holds, so the writer meets the closed pipe.
    for (let i = 0; i < 40_000; i++) {
      const m = Buffer.from(`m${i}`);
      lines.push(
        JSON.stringify({
          publicKey: pk,
          message: m.toString("base64"),
          signature: sign(null, m, privateKey).toString("base64"),
        }),
      );
    }
    writeFileSync(join(dir, "big.ndjson"), `${lines.join("\n")}\n`);
    for (const json of [[], ["--json"]]) {
      const r = await firstLineThenClose(["verify", "--batch", "big.ndjson", ...json]);
      expect(r.first).toBe(json.length ? '{"line":1,"verdict":"valid"}' : "line 1: valid");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(141);
    }
  });

  it("any verb that prints a lot: badge-hash of many ids", async () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => `badge-${i}`);
    writeFileSync(join(dir, "ids.txt"), `${ids.join("\n")}\n`);
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, "lock", "badge-hash", "-"], {
        cwd: dir,
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
      });
      child.stdout.once("data", () => child.stdout.destroy());
      child.on("close", (code) => resolve({ code, stderr }));
      child.stdin.end(`${ids.join("\n")}\n`);
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(141);
  });
});

const groups = [...new Set(commands.filter((c) => c.name.length > 1).map((c) => c.name[0]!))];

describe("help and usage", () => {
  it("has the groups the issue names", () => {
    expect(groups).toEqual(
      expect.arrayContaining(["mesh", "lock", "credential", "checkpoint", "keri", "sim"]),
    );
  });

  it.each(groups)("chronoseal %s --help lists its verbs on stdout, exit 0", async (group) => {
    const r = await runBin([group, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(new RegExp(`^usage: chronoseal ${group} <`));
    for (const c of commands.filter((c) => c.name[0] === group))
      expect(r.stdout).toContain(c.name.slice(1).join(" "));
  });

  it("nested groups, `help GROUP`, and a verb's own --help", async () => {
    for (const argv of [
      ["mesh", "node", "--help"],
      ["mesh", "override", "-h"],
      ["help", "credential"],
    ]) {
      const r = await runBin(argv);
      expect(r.code, argv.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/^usage: chronoseal /);
    }
    const verb = await runBin(["mesh", "node", "add", "--help"]);
    expect(verb.stdout).toMatch(/^usage: chronoseal mesh node add KEY/);
  });

  it("an unknown or missing verb is usage on stderr, exit 2", async () => {
    for (const [argv, message] of [
      [["mesh", "frob"], "chronoseal mesh: unknown verb 'frob'"],
      [["lock"], "chronoseal lock: expected a verb"],
      [["mesh", "node", "frob"], "chronoseal mesh node: unknown verb 'frob'"],
      [["credential", "frob", "--help"], "chronoseal credential: unknown verb 'frob'"],
    ] as const) {
      const r = await runBin([...argv]);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n")[0]).toBe(message);
      expect(r.stderr).toContain(`usage: chronoseal ${argv[0]}`);
    }
    const top = await runBin(["frobnicate"]);
    expect(top.code).toBe(2);
    expect(top.stderr).toMatch(/^chronoseal: unknown command 'frobnicate'\n/);
  });
});

describe("errors: stderr, once, with the command's name", () => {
  it("a refused mesh claim: the node's answer on stderr, not stdout", async () => {
    // A server that refuses every entry, as a node does a claim it will not take.
    const { createServer } = await import("node:http");
    const server = createServer((_req, res) => {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "not admitted" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      await runBin(["keygen", "--out", "node.key"], { cwd: dir });
      const admin = await runBin(["keygen", "--out", "-", "--json"], { cwd: dir });
      const network = JSON.parse(admin.stdout).publicKey as string;
      const r = await runBin(
        [
          "mesh",
          "claim",
          "mors",
          "--key",
          "node.key",
          "--network",
          network,
          "--node",
          `http://127.0.0.1:${port}`,
        ],
        { cwd: dir },
      );
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(
        `chronoseal mesh claim: meshd http://127.0.0.1:${port} refused the claim (HTTP 403): {"error":"not admitted"}\n`,
      );
    } finally {
      server.close();
    }
  });

  it("input errors of many verbs: exactly one line, prefixed, no stack trace", async () => {
    for (const argv of [
      ["sign", "--key", "missing.key", "x"],
      ["mesh", "status", "--node", "http://127.0.0.1:1"],
      ["lock", "audit", "--collector", "http://127.0.0.1:1", "--anchors", "missing.ndjson"],
      ["credential", "status", "EBzltAGk2r2ztLpT7bqWln_Btb_pVowElbKxvqbG4_n4", "--store", "/proc/no/such.db"],
      ["keri", "parse", "missing.cesr"],
      ["checkpoint", "verify", "--vkey", "missing.vkey"],
    ]) {
      const r = await runBin(argv, { cwd: dir });
      const name = `chronoseal ${argv.slice(0, argv[0] === "sign" ? 1 : 2).join(" ")}: `;
      expect(r.code, `${argv.join(" ")}: ${r.stderr}`).toBe(1);
      expect(r.stderr.startsWith(name), r.stderr).toBe(true);
      expect(r.stderr.split("\n").filter(Boolean), r.stderr).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
