#!/usr/bin/env node
// The `chronoseal` executable: wires the process to main().
import { main } from "./main.js";

const code = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: Boolean(process.stderr.isTTY),
  cwd: process.cwd(),
  env: process.env,
});
process.exitCode = code;
