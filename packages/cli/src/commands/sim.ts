// `chronoseal sim run` and `chronoseal demo`: the simulator's verbs. They live in
// @chronoseal/hardware-sim (its own `chronoseal-sim` command), which brings the daemons, a
// simulated lock fleet and their storage drivers; the CLI does not depend on it, so installing
// the CLI never pulls them in. When the simulator is installed beside the CLI these verbs run it
// in this process; otherwise they say how to get it and exit 2.
import { type Command, EXIT_USAGE, type Io } from "../command.js";

const SIM_PACKAGE = "@chronoseal/hardware-sim";

interface SimCli {
  /** `name`: the command's name in the simulator's error lines. */
  main(argv: string[], io: Io & { name?: string }): Promise<number>;
}

/** True when `err` says that `pkg` itself (not something it imports) cannot be found. */
export function isMissingPackage(err: unknown, pkg: string): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (e?.code !== "ERR_MODULE_NOT_FOUND" || typeof e.message !== "string") return false;
  // Node: "Cannot find package '@scope/name' imported from …"; Vite (tests) names the subpath:
  // "Cannot find package '@scope/name/cli' …". A package it imports names itself instead.
  return e.message.includes(`'${pkg}'`) || e.message.includes(`'${pkg}/`);
}

/** Where the simulator's command line comes from (tests pass a package that is not installed). */
export interface SimSource {
  pkg: string;
  load(): Promise<SimCli>;
}

const installed: SimSource = { pkg: SIM_PACKAGE, load: () => import("@chronoseal/hardware-sim/cli") };

/**
 * Runs the simulator's command line with `argv`; when its package is not installed, prints how
 * to install it and returns 2. Other load errors propagate.
 */
export async function delegate(
  verb: string,
  argv: string[],
  io: Io,
  source: SimSource = installed,
): Promise<number> {
  let sim: SimCli;
  try {
    sim = await source.load();
  } catch (err) {
    if (!isMissingPackage(err, source.pkg)) throw err;
    io.stderr.write(
      [
        `chronoseal ${verb}: the simulator is not installed.`,
        `  npm install ${SIM_PACKAGE}      (beside the CLI; it also provides the chronoseal-sim command)`,
        `  in this repository: pnpm build && node hardware-sim/dist/bin.js ${argv[0] ?? ""}`.trimEnd(),
        "",
      ].join("\n"),
    );
    return EXIT_USAGE;
  }
  return sim.main(argv, { ...io, name: `chronoseal ${verb}` });
}

const simRun: Command = {
  name: ["sim", "run"],
  summary:
    "simulate a lock fleet against a real mesh and collector, audit it (needs @chronoseal/hardware-sim)",
  usage: [
    "usage: chronoseal sim run [--locks N] [--days D] [--seed S] [--faults SPEC] [--adversary SPEC] [--out DIR [--force]] [--json]",
    "",
    "Runs `chronoseal-sim run` of the simulator, @chronoseal/hardware-sim, which is installed",
    "separately (npm install @chronoseal/hardware-sim): three meshd processes and a collector on",
    "loopback, N simulated locks for D days with faults and a tampering collector, the audit",
    "checked against the ground truth, the report in DIR (checked before anything starts: a",
    "writable directory, empty unless --force; else one line on stderr, exit 2).",
    "`chronoseal-sim run --help` lists every option. Without the simulator: a message saying how",
    "to install it, exit 2.",
  ].join("\n"),
  run: (argv, io) => delegate("sim run", ["run", ...argv], io),
};

const demo: Command = {
  name: ["demo"],
  summary: "the chronoseal demo: a mesh, a collector and 20 simulated locks (needs @chronoseal/hardware-sim)",
  usage: [
    "usage: chronoseal demo [--out DIR [--force]] [--vectors DIR]",
    "",
    "Runs `chronoseal-sim demo` of the simulator, @chronoseal/hardware-sim (installed",
    "separately): canonical JSON in WebAssembly, then the whole system for a simulated week,",
    "audited against the ground truth; the report goes to DIR (default ./.demo; empty, or --force",
    "to replace its report.json and report.html).",
    "Without the simulator: a message saying how to install it, exit 2.",
  ].join("\n"),
  run: (argv, io) => delegate("demo", ["demo", ...argv], io),
};

export const simCommands: Command[] = [simRun, demo];
