// chronoseal verify --batch: a 10,000-line NDJSON file with invalid and malformed lines gives
// exactly the expected verdict per line whatever the chunk size; stdin, empty files, long lines,
// slow stdout and the terminal progress bar.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import { generateKeyPair, initKeys, sign, toBase64 } from "@chronoseal/core";
import { beforeAll, describe, expect, it } from "vitest";
import type { Io } from "../src/command.js";
import { verifyNdjson } from "../src/commands/keys-batch.js";
import { runCli } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "cli-batch-"));
const at = (name: string) => join(dir, name);

interface Fixture {
  text: string;
  expected: string[];
}

/** Builds an NDJSON batch of `n` lines from several signers with planted bad lines. */
function buildBatch(n: number): Fixture {
  const signers = [generateKeyPair(), generateKeyPair(), generateKeyPair()];
  const line = (publicKey: string, message: string, signature: string) =>
    JSON.stringify({ publicKey, message, signature });
  const lines: string[] = [];
  const expected: string[] = [];
  const special: Record<number, [string, string]> = {
    100: ["{not json", "malformed: not JSON"],
    200: [line("AAAA", "", toBase64(new Uint8Array(64))), "malformed: publicKey: expected 32 bytes, got 3"],
    300: ["[1,2,3]", "malformed: not a JSON object"],
    400: [JSON.stringify({ publicKey: "x", message: "" }), 'malformed: missing "signature"'],
    500: [
      JSON.stringify({ publicKey: 5, message: "", signature: "" }),
      'malformed: "publicKey" must be a base64 string',
    ],
    600: [
      line(toBase64(new Uint8Array(32)), "not base64!", toBase64(new Uint8Array(64))),
      "malformed: message: invalid base64",
    ],
    700: [
      line(toBase64(new Uint8Array(32)), "", toBase64(new Uint8Array(63))),
      "malformed: signature: expected 64 bytes, got 63",
    ],
    800: ['{"publicKey":"a","publicKey":"b","message":"","signature":""}', "malformed: not JSON"],
    900: ["", ""],
    901: ["   ", ""],
  };
  for (let i = 1; i <= n; i++) {
    const s = special[i];
    if (s) {
      lines.push(s[0]);
      if (s[1]) expected.push(`line ${i}: ${s[1]}`);
      continue;
    }
    const signer = signers[i % signers.length]!;
    const message = new TextEncoder().encode(`message ${i}`);
    const signature = sign(message, signer.secretKey);
    let verdict = "valid";
    if (i === 17 || i === 4242 || i === n) {
      signature[3]! ^= 1; // tampered signature
      verdict = "invalid";
    } else if (i === 5000) {
      verdict = "invalid"; // signed by another key
      lines.push(line(toBase64(signers[(i + 1) % 3]!.publicKey), toBase64(message), toBase64(signature)));
      expected.push(`line ${i}: ${verdict}`);
      continue;
    }
    lines.push(line(toBase64(signer.publicKey), toBase64(message), toBase64(signature)));
    expected.push(`line ${i}: ${verdict}`);
  }
  lines[1233] = `${lines[1233]}\r`; // a CRLF line
  return { text: `${lines.join("\n")}\n`, expected };
}

/** Compares the per-line verdicts; malformed reasons are matched by prefix. */
function expectVerdicts(stdout: string, expected: string[]): void {
  const got = stdout.trimEnd().split("\n");
  const summary = got.pop();
  expect(got.length).toBe(expected.length);
  got.forEach((g, i) => {
    const e = expected[i]!;
    if (e.includes("malformed")) expect(g.startsWith(e), `${g} vs ${e}`).toBe(true);
    else if (g !== e) expect(g).toBe(e);
  });
  const count = (w: string) => expected.filter((e) => e.split(": ")[1] === w).length;
  expect(summary).toBe(
    `summary: ${expected.length} lines, ${count("valid")} valid, ${count("invalid")} invalid, ${count("malformed")} malformed`,
  );
}

function testIo(overrides: Partial<Io> = {}): { io: Io; out: () => string; err: () => string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on("data", (c: Buffer) => out.push(c));
  stderr.on("data", (c: Buffer) => err.push(c));
  return {
    io: { stdin: Readable.from([]), stdout, stderr, isTTY: false, cwd: dir, env: {}, ...overrides },
    out: () => Buffer.concat(out).toString(),
    err: () => Buffer.concat(err).toString(),
  };
}

let batch: Fixture;
beforeAll(async () => {
  await initKeys();
  batch = buildBatch(10_000);
  writeFileSync(at("batch.ndjson"), batch.text);
});

describe("chronoseal verify --batch", () => {
  it("verifies a 10,000-line file: one verdict per line, in order, and a summary; exit 1", async () => {
    const r = await runCli(["verify", "--batch", at("batch.ndjson")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expectVerdicts(r.stdout, batch.expected);
    expect(r.stdout).toContain("line 17: invalid\n");
    expect(r.stdout).toContain("line 1234: valid\n");
    expect(r.stdout).not.toContain("line 900:");
    expect(r.stdout).toMatch(/summary: 9998 lines, 9986 valid, 4 invalid, 8 malformed\n$/);
  });

  it("gives the same output for any chunk size, in strict mode too", async () => {
    const base = (await runCli(["verify", "--batch", at("batch.ndjson")])).stdout;
    for (const chunk of ["1", "7", "20000"]) {
      expect((await runCli(["verify", "--batch", at("batch.ndjson"), "--chunk", chunk])).stdout, chunk).toBe(
        base,
      );
    }
    expect((await runCli(["verify", "--batch", at("batch.ndjson"), "--mode", "strict"])).stdout).toBe(base);
  });

  it("exits 0 when every line is valid, reading from a file without a final newline or from stdin", async () => {
    const good = buildBatch(50);
    const lines = good.text.trimEnd().split("\n");
    const ok = lines.filter((_, i) => good.expected.includes(`line ${i + 1}: valid`));
    writeFileSync(at("good.ndjson"), ok.join("\n"));
    const r = await runCli(["verify", "--batch", at("good.ndjson")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`summary: ${ok.length} lines, ${ok.length} valid, 0 invalid, 0 malformed\\n$`),
    );
    const s = await runCli(["verify", "--batch", "-"], `${ok.join("\r\n")}\r\n`);
    expect(s.stdout).toBe(r.stdout);
    expect(s.code).toBe(0);
  });

  it("an empty batch verifies nothing: exit 1 with a note", async () => {
    writeFileSync(at("empty.ndjson"), "\n\n");
    const r = await runCli(["verify", "--batch", at("empty.ndjson")]);
    expect(r).toEqual({
      code: 1,
      stdout: "summary: 0 lines, 0 valid, 0 invalid, 0 malformed\n",
      stderr: "chronoseal verify: no signatures to verify (empty batch)\n",
    });
  });

  it("unreadable inputs exit 1", async () => {
    expect(await runCli(["verify", "--batch", at("missing.ndjson")])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/cannot read .*missing.ndjson: ENOENT/),
    });
    expect(await runCli(["verify", "--batch", dir])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/is not a file/),
    });
  });

  it("reports over-long lines without buffering them and keeps counting lines", async () => {
    const good = buildBatch(4).text.trimEnd().split("\n");
    writeFileSync(
      at("long.ndjson"),
      [good[0], `{"publicKey":"${"A".repeat(5000)}"}`, good[1], good[2]].join("\n"),
    );
    const t = testIo();
    const code = await verifyNdjson(at("long.ndjson"), { mode: "zip215", maxLineBytes: 1000 }, t.io);
    expect(code).toBe(1);
    expect(t.out()).toBe(
      [
        "line 1: valid",
        "line 2: malformed: line longer than 1000 bytes",
        "line 3: valid",
        "line 4: valid",
        "summary: 4 lines, 3 valid, 0 invalid, 1 malformed",
        "",
      ].join("\n"),
    );
  });

  it("waits for a slow stdout instead of buffering without bound", async () => {
    const chunks: string[] = [];
    let maxPending = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString());
        maxPending = Math.max(maxPending, slow.writableLength);
        setImmediate(done); // a consumer that finishes each write asynchronously, one at a time
      },
    });
    const t = testIo({ stdout: slow });
    const code = await verifyNdjson(at("batch.ndjson"), { mode: "zip215", chunkSize: 100 }, t.io);
    expect(code).toBe(1);
    expectVerdicts(chunks.join(""), batch.expected);
    // one queued chunk of output at most (100 lines of ~20 bytes), never the whole report
    expect(maxPending).toBeLessThan(64 * 1024);
  });

  it("draws a progress bar on stderr only when it is a terminal", async () => {
    const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
    const err: Buffer[] = [];
    stderr.on("data", (c: Buffer) => err.push(c));
    const tty = testIo({ isTTY: true, stderr });
    await verifyNdjson(at("batch.ndjson"), { mode: "zip215", progressMinBytes: 0 }, tty.io);
    expect(Buffer.concat(err).toString()).toMatch(/verifying \[.*\] \d+% \| \d+ lines/);
    expectVerdicts(tty.out(), batch.expected);

    const plain = testIo({ isTTY: false });
    await verifyNdjson(at("batch.ndjson"), { mode: "zip215", progressMinBytes: 0 }, plain.io);
    expect(plain.err()).toBe("");
  });
});
