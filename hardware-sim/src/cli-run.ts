// `chronoseal-sim run` (and `chronoseal sim run`, which delegates here): a simulated lock fleet
// against the whole system on loopback (three meshd processes with one attestor, a collector
// process on SQLite), with faults and a tampering collector on request; audits, checks the
// verdicts against the ground truth, and writes the report as JSON and HTML.
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import type { FaultOptions } from "./faults.js";
import { runSystemSim } from "./sim-run.js";
import { ADVERSARY_MODES, type AdversaryMode } from "./truth.js";

/** Exit codes: the audit agrees with the ground truth, it does not, bad usage, cannot run. */
export const EXIT_OK = 0;
export const EXIT_DISAGREES = 1;
export const EXIT_USAGE = 2;

/** Wrong flags or arguments: exit 2 with the verb's usage. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** What the command line gives a verb (the `chronoseal` CLI passes its own Io, which fits). */
export interface SimIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** True when stderr is a terminal (a progress bar only then). */
  isTTY: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The command's name in error lines (the `chronoseal` CLI: "chronoseal sim run"). */
  name?: string;
}

const FAULT_KEYS: Record<string, keyof FaultOptions> = {
  "power-cuts": "powerCuts",
  torn: "tornRate",
  "clock-jumps": "clockJumps",
  drift: "driftPpm",
  partitions: "partitions",
};

/** `--faults`: `none`, `some` (a few of each), or `power-cuts=3,torn=0.5,clock-jumps=2,partitions=1,drift=50`. */
export function parseFaults(spec: string, locks: number): FaultOptions | undefined {
  if (spec === "none") return undefined;
  if (spec === "some")
    return {
      powerCuts: Math.max(2, Math.round(locks / 5)),
      tornRate: 0.5,
      clockJumps: Math.max(1, Math.round(locks / 8)),
      partitions: Math.max(1, Math.round(locks / 10)),
    };
  const out: FaultOptions = {};
  for (const part of spec.split(",")) {
    const [k, v] = part.split("=");
    const key = FAULT_KEYS[k ?? ""];
    const n = Number(v);
    if (!key || v === undefined || v === "" || !Number.isFinite(n) || n < 0)
      throw new UsageError(
        `--faults: ${JSON.stringify(part)} is not one of ${Object.keys(FAULT_KEYS).join(", ")} = a number ≥ 0`,
      );
    if (key === "tornRate" && n > 1) throw new UsageError("--faults: torn is a share in 0..1");
    if (key !== "tornRate" && key !== "driftPpm" && !Number.isInteger(n))
      throw new UsageError(`--faults: ${k} is a count`);
    (out as Record<string, number>)[key] = n;
  }
  return out;
}

/** `--adversary`: `none`, `all`, or modes with optional counts: `drop,replay=2,fork`. */
export function parseAdversary(spec: string): { mode: AdversaryMode; count: number }[] {
  if (spec === "none") return [];
  if (spec === "all") return ADVERSARY_MODES.map((mode) => ({ mode, count: 1 }));
  return spec.split(",").map((part) => {
    const [m, c] = part.split("=");
    if (!ADVERSARY_MODES.includes(m as AdversaryMode))
      throw new UsageError(`--adversary: ${JSON.stringify(m)} is not one of ${ADVERSARY_MODES.join(", ")}`);
    const count = c === undefined ? 1 : Number(c);
    if (!Number.isInteger(count) || count < 1) throw new UsageError(`--adversary: ${part}: count ≥ 1`);
    return { mode: m as AdversaryMode, count };
  });
}

function int(v: string | undefined, name: string, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name}: an integer in ${min}..${max}`);
  return n;
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdir never returns on some file systems
 * (under /proc it retries ENOENT forever).
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !statSync(d, { throwIfNoEntry: false }); d = dirname(d)) missing.unshift(d);
  for (const d of missing) mkdirSync(d);
}

/**
 * Checks the report directory before any process is started: DIR is a directory or can be
 * created, a file can really be written in it (a probe, so a read-only file system or a root
 * squash is caught, not only permission bits), and it is empty unless `force` (then only
 * report.json and report.html are replaced). Returns what is wrong, or undefined.
 */
export function checkReportDir(dir: string, force: boolean): string | undefined {
  const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? String(e);
  try {
    const st = statSync(dir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) return `--out ${dir}: not a directory`;
    if (st && !force) {
      const inside = readdirSync(dir);
      if (inside.length)
        return `--out ${dir}: not empty (${inside.length} entr${inside.length === 1 ? "y" : "ies"}); use --force to replace its report.json and report.html`;
    }
    makeDirs(dir);
  } catch (e) {
    return `--out ${dir}: cannot create it: ${code(e)}`;
  }
  const probe = join(dir, `.chronoseal-sim-probe-${process.pid}`);
  try {
    writeFileSync(probe, "", { flag: "wx" });
    rmSync(probe, { force: true });
  } catch (e) {
    return `--out ${dir}: cannot write in it: ${code(e)}`;
  }
  return undefined;
}

export const RUN_USAGE = [
  "usage: chronoseal-sim run [--locks N] [--days D] [--seed S] [--faults SPEC] [--adversary SPEC] [--out DIR [--force]] [--json]",
  "",
  "Starts three meshd processes (one attestor) and a collector on SQLite on loopback, runs N",
  "simulated locks (default 10) for D days (default 7) from seed S (default 1) with real lock",
  "agents anchoring into the mesh, audits what the collector serves, checks every verdict",
  "against the simulator's ground truth, and writes DIR/report.json and DIR/report.html",
  "(default DIR: ./sim-report). DIR is checked before anything starts: a directory (created if",
  "missing), writable, and empty unless --force (which replaces report.json and report.html",
  "only); otherwise one line on stderr and exit 2. Every process it starts is stopped before it",
  "exits.",
  "  --faults none | some | power-cuts=N,torn=0..1,clock-jumps=N,partitions=N,drift=PPM",
  "  --adversary none | all | drop,reorder,alter,replay,fork (each optionally =COUNT)",
  "Exit code 0 when the audit agrees with the ground truth, 1 when it does not, 2 for a usage",
  "error or an output directory that cannot take the report.",
].join("\n");

export async function runCommand(argv: string[], io: SimIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      locks: { type: "string" },
      days: { type: "string" },
      seed: { type: "string" },
      faults: { type: "string", default: "none" },
      adversary: { type: "string", default: "none" },
      out: { type: "string", default: "sim-report" },
      force: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  const locks = int(values.locks, "locks", 1, 1000, 10);
  const days = int(values.days, "days", 1, 366, 7);
  const seed = int(values.seed, "seed", 0, 2 ** 31 - 1, 1);
  const faults = parseFaults(values.faults!, locks);
  const adversary = parseAdversary(values.adversary!);
  const outDir = resolve(io.cwd, values.out!);
  if (values.out === "-") throw new UsageError("--out names a directory (report.json and report.html)");
  const unusable = checkReportDir(outDir, values.force!);
  if (unusable) {
    io.stderr.write(`${io.name ?? "chronoseal-sim run"}: ${unusable}\n`);
    return EXIT_USAGE;
  }
  const bar = io.isTTY
    ? new SingleBar({
        format: "simulating [{bar}] {percentage}% {value}/{total} steps, eta {eta}s",
        stream: io.stderr as NodeJS.WriteStream,
        hideCursor: true,
        noTTYOutput: true,
        notTTYSchedule: 250,
      })
    : undefined;
  let started = false;
  const r = await runSystemSim({
    locks,
    days,
    seed,
    ...(faults ? { faults } : {}),
    adversary,
    outDir,
    say: (line) => {
      if (!values.json) io.stderr.write(`${line}\n`);
    },
    onProgress: (done, total) => {
      if (!bar) return;
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
  });
  bar?.stop();
  const s = r.report.summary;
  if (values.json)
    io.stdout.write(
      `${JSON.stringify({ summary: s, agrees: r.check.ok, problems: r.check.problems, meshAnchors: r.meshAnchors, report: r.json, html: r.html, wallMs: r.wallMs }, null, 2)}\n`,
    );
  else {
    io.stdout.write(
      `${s.doors} doors: ${s.verified} verified, ${s.tampered} tampered; ${s.physicalEvents} physical events, ${s.reconstructed} reconstructed, ${s.missing} missing\n`,
    );
    for (const [kind, n] of Object.entries(s.findings)) io.stdout.write(`  ${kind}: ${n}\n`);
    io.stdout.write(
      `mesh: ${r.meshAnchors.records} anchors in the lock-anchors section, ${r.meshAnchors.attested} attested\n`,
    );
    io.stdout.write(
      r.check.ok
        ? "the audit agrees with the ground truth\n"
        : `the audit DISAGREES with the ground truth:\n${r.check.problems.map((p) => `  ${p}`).join("\n")}\n`,
    );
    io.stdout.write(`report: ${r.json}\n        ${r.html}\nwall time: ${(r.wallMs / 1000).toFixed(1)} s\n`);
  }
  return r.check.ok ? EXIT_OK : EXIT_DISAGREES;
}
