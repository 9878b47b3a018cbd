// Runs the CLI in-process with captured streams, for tests.
import { PassThrough, Readable } from "node:stream";
import { main } from "../src/main.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  argv: string[],
  stdin: string | Uint8Array = "",
  cwd = process.cwd(),
): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on("data", (c: Buffer) => chunks.out.push(c));
  err.on("data", (c: Buffer) => chunks.err.push(c));
  const code = await main(argv, {
    stdin: Readable.from([typeof stdin === "string" ? Buffer.from(stdin) : Buffer.from(stdin)]),
    stdout: out,
    stderr: err,
    isTTY: false,
    cwd,
    env: {},
  });
  return { code, stdout: Buffer.concat(chunks.out).toString(), stderr: Buffer.concat(chunks.err).toString() };
}
