#!/usr/bin/env node
// The `chronoseal` executable: wires the process to main(). No top-level await: the entry bundles
// into the single executable (a CommonJS script, see scripts/bin).
import { main } from "./main.js";

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
