#!/usr/bin/env node
// The `chronoseal` executable: wires the process to main(). No top-level await: the entry bundles
// into the single executable (a CommonJS script, see scripts/bin).
//
// A reader that goes away (`chronoseal verify --batch big.ndjson | head -1`) ends the command at
// once and quietly with exit 141 (128 + SIGPIPE, what a shell shows for a program SIGPIPE killed):
// its output was cut short, so it is not a success. Every verb writes files before it prints, so
// no file is left half-written by this. Any other failure to write standard output is one line
// on stderr and exit 1; standard error going away is ignored.
import { EXIT_INVALID, EXIT_PIPE } from "./command.js";
import { main } from "./main.js";

process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(EXIT_PIPE);
  process.stderr.write(`chronoseal: cannot write standard output: ${e.code ?? e.message}\n`);
  process.exit(EXIT_INVALID);
});
process.stderr.on("error", () => {});

void main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: Boolean(process.stderr.isTTY),
  cwd: process.cwd(),
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
