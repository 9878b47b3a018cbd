// `chronoseal-sim`, the simulator's command line: `run` (a simulated fleet against real daemons,
// audited against the ground truth) and `demo` (the project's demo). The `chronoseal` CLI's
// `sim run` and `demo` verbs call main() here when this package is installed, so the CLI itself
// does not pull the simulator, the daemons and their storage drivers into every install.
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  checkReportDir,
  EXIT_DISAGREES,
  EXIT_OK,
  EXIT_USAGE,
  RUN_USAGE,
  runCommand,
  type SimIo,
  UsageError,
} from "./cli-run.js";
import { runDemo } from "./demo.js";

export { parseAdversary, parseFaults, type SimIo } from "./cli-run.js";

/** Anything else escaping a verb is a bug. */
export const EXIT_BUG = 70;

const DEMO_USAGE = [
  "usage: chronoseal-sim demo [--out DIR [--force]] [--vectors DIR]",
  "",
  "The chronoseal demo: canonical JSON and SHA-256 in WebAssembly on the RFC 8785 samples, then",
  "the whole system on loopback (three meshd nodes, one of them the attestor, a collector on",
  "SQLite) with 20 simulated locks living through a simulated week of faults and a tampering",
  "collector; the audit is checked against the ground truth and the report is written to",
  "DIR/report.json and DIR/report.html (default DIR: ./.demo; checked before anything starts: a",
  "writable directory, empty unless --force, which replaces the two reports; else exit 2).",
  "  --vectors DIR   the shared test vectors (default: $CHRONOSEAL_VECTORS or ../shared/vectors)",
  "Exit code 0 when the audit agrees with the ground truth, 1 when it does not.",
].join("\n");

const USAGE = [
  "usage: chronoseal-sim <run|demo> [options]",
  "",
  "  run    simulate a lock fleet against a real mesh and collector, audit it, write the report",
  "  demo   the chronoseal demo (canonical JSON, then the whole system for a simulated week)",
  "",
  "run `chronoseal-sim <verb> --help` for a verb's options",
].join("\n");

async function demoCommand(argv: string[], io: SimIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      out: { type: "string", default: ".demo" },
      force: { type: "boolean", default: false },
      vectors: { type: "string" },
    },
  });
  const outDir = resolve(io.cwd, values.out!);
  const unusable = checkReportDir(outDir, values.force!);
  if (unusable) {
    io.stderr.write(`${io.name ?? "chronoseal-sim demo"}: ${unusable}\n`);
    return EXIT_USAGE;
  }
  const vectors = resolve(
    io.cwd,
    values.vectors ?? io.env.CHRONOSEAL_VECTORS ?? join("..", "shared", "vectors"),
  );
  const ok = await runDemo({
    outDir,
    vectors,
    say: (line) => io.stdout.write(`${line}\n`),
  });
  return ok ? EXIT_OK : EXIT_DISAGREES;
}

const verbs: Record<string, { usage: string; run: (argv: string[], io: SimIo) => Promise<number> }> = {
  run: { usage: RUN_USAGE, run: runCommand },
  demo: { usage: DEMO_USAGE, run: demoCommand },
};

/** Runs `chronoseal-sim <argv…>`; resolves with the exit code. */
export async function main(argv: string[], io: SimIo): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === "--help" || verb === "-h" || verb === "help") {
    io.stdout.write(`${USAGE}\n`);
    return verb === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const v = verbs[verb];
  if (!v) {
    io.stderr.write(`chronoseal-sim: unknown verb '${verb}'\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(`${v.usage}\n`);
    return EXIT_OK;
  }
  const who = io.name ?? `chronoseal-sim ${verb}`;
  try {
    return await v.run(rest, { ...io, name: who });
  } catch (err) {
    const code = (err as { code?: unknown })?.code;
    if (err instanceof UsageError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))) {
      io.stderr.write(`${who}: ${(err as Error).message}\n\n${v.usage}\n`);
      return EXIT_USAGE;
    }
    // Typed errors (a daemon that would not start, a bad state directory) are one line.
    if (err instanceof Error && typeof code === "string" && err.name !== "Error") {
      io.stderr.write(`${who}: ${err.name}: ${err.message}\n`);
      return EXIT_DISAGREES;
    }
    io.stderr.write(`${who}: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT_BUG;
  }
}
