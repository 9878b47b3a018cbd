#!/usr/bin/env node
// The `chronoseal-sim` executable: wires the process to main() in cli.ts.
import { main } from "./cli.js";

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: Boolean(process.stderr.isTTY),
  cwd: process.cwd(),
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
