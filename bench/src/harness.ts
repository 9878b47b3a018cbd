// Shared benchmark plumbing: measure a task with tinybench, record ratios between tasks measured
// in the same run, and describe the machine and library versions next to the numbers.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, totalmem } from "node:os";
import { Bench } from "tinybench";

export interface Measurement {
  /** What was measured, e.g. "sha256 ×1e6 messages of 100 B". */
  task: string;
  /** Who did the work, e.g. "chronoseal (batch)", "node:crypto hash". */
  library: string;
  /** Operations (calls of the measured function) per second. */
  opsPerSec: number;
  /** Mean time of one operation, milliseconds. */
  meanMs: number;
  /** Relative margin of error of the mean, percent. */
  rme: number;
  samples: number;
  /** How many units (messages, signatures, leaves...) one operation processes. */
  unitsPerOp: number;
  unit: string;
  /** unitsPerOp × opsPerSec. */
  unitsPerSec: number;
}

export interface Ratio {
  /** e.g. "sha256 batch vs crypto.hash". */
  name: string;
  /** ours / theirs, in units per second (higher is better for us). */
  value: number;
  /** The target from the issue, when it names one. */
  target?: number;
}

export interface SuiteResult {
  suite: string;
  measurements: Measurement[];
  ratios: Ratio[];
  notes: string[];
}

export interface MeasureOptions {
  unitsPerOp?: number;
  unit?: string;
  /** Milliseconds of sampling (default 1000, or 200 with --quick). */
  time?: number;
  /** Minimum iterations (default 5). */
  iterations?: number;
}

export const quick = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";

/** Measures one function with tinybench and returns the statistics we report. */
export async function measure(
  task: string,
  library: string,
  fn: () => unknown | Promise<unknown>,
  opts: MeasureOptions = {},
): Promise<Measurement> {
  const time = opts.time ?? (quick ? 200 : 1000);
  const bench = new Bench({ time, iterations: opts.iterations ?? 5, warmupTime: Math.min(200, time / 2) });
  bench.add(`${library}: ${task}`, fn);
  await bench.run();
  const t = bench.tasks[0];
  const r = t?.result;
  if (!r || (r.state !== "completed" && r.state !== "aborted-with-statistics")) {
    const error = r && "error" in r ? String((r as { error: unknown }).error) : r?.state;
    throw new Error(`benchmark ${library}: ${task} failed: ${error}`);
  }
  const unitsPerOp = opts.unitsPerOp ?? 1;
  const opsPerSec = 1000 / r.period;
  const m: Measurement = {
    task,
    library,
    opsPerSec,
    meanMs: r.period,
    rme: r.latency.rme,
    samples: r.latency.samplesCount,
    unitsPerOp,
    unit: opts.unit ?? "op",
    unitsPerSec: opsPerSec * unitsPerOp,
  };
  const rate =
    m.unitsPerSec >= 1000 ? `${Math.round(m.unitsPerSec).toLocaleString("en-US")}` : m.unitsPerSec.toFixed(2);
  console.log(
    `  ${library.padEnd(34)} ${task.padEnd(44)} ${rate.padStart(14)} ${m.unit}/s  ±${m.rme.toFixed(1)}%`,
  );
  return m;
}

/**
 * CPU time of the calling thread, in µs: on Linux from /proc/thread-self/schedstat (nanoseconds
 * the thread ran), elsewhere the process's user + system time. The main thread's own time leaves
 * out V8's helper threads (concurrent marking and sweeping on the other core), which
 * process.cpuUsage() counts although they do not slow the measured code.
 */
export function threadCpuMicros(): number {
  if (schedstat === undefined) schedstat = probeSchedstat();
  if (schedstat) return readSchedstat();
  const u = process.cpuUsage();
  return u.user + u.system;
}
let schedstat: boolean | undefined;

function readSchedstat(): number {
  return Number(readFileSync("/proc/thread-self/schedstat", "latin1").split(" ", 1)[0]) / 1000;
}

/** True when the thread's schedstat exists and advances (kernels without schedstats show 0). */
function probeSchedstat(): boolean {
  if (process.platform !== "linux") return false;
  try {
    const before = readSchedstat();
    const until = Date.now() + 5;
    while (Date.now() < until) {}
    return Number.isFinite(before) && readSchedstat() > before;
  } catch {
    return false;
  }
}

/** Whether threadCpuMicros() measures the thread (Linux) or the whole process. */
export function cpuClock(): string {
  threadCpuMicros();
  return schedstat ? "CPU time of the main thread" : "CPU time of the process";
}

/** Rounds of inRounds(). */
export const ROUNDS = 3;

/**
 * Measures the contenders in ROUNDS alternating rounds (A B C, A B C, ...) and keeps each one's
 * median round, so a burst of load on a shared machine cannot land on one side of a ratio only.
 */
export async function inRounds<const T extends readonly (readonly [library: string, fn: () => unknown])[]>(
  task: string,
  opts: MeasureOptions,
  contenders: T,
): Promise<{ [K in keyof T]: Measurement }> {
  const runs: Measurement[][] = contenders.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (let c = 0; c < contenders.length; c++) {
      const [library, fn] = contenders[c]!;
      runs[c]!.push(await measure(task, library, fn, opts));
    }
  }
  return runs.map((ms) => [...ms].sort((x, y) => x.unitsPerSec - y.unitsPerSec)[ms.length >> 1]!) as {
    [K in keyof T]: Measurement;
  };
}

/** ours / theirs in units per second. */
export function ratio(name: string, ours: Measurement, theirs: Measurement, target?: number): Ratio {
  const r: Ratio = { name, value: ours.unitsPerSec / theirs.unitsPerSec };
  if (target !== undefined) r.target = target;
  const mark =
    target === undefined
      ? ""
      : r.value >= target
        ? `  (target ≥ ${target}× met)`
        : `  (target ≥ ${target}× NOT met)`;
  console.log(`  ratio ${name}: ${r.value.toFixed(2)}×${mark}`);
  return r;
}

const require = createRequire(import.meta.url);

/** The installed version of a package (as resolved from bench/). */
export function versionOf(pkg: string): string {
  try {
    const path = require.resolve(`${pkg}/package.json`);
    return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
  } catch {
    try {
      // Packages whose exports map hides package.json: walk up from the entry point.
      let dir = require.resolve(pkg);
      for (let i = 0; i < 6; i++) {
        dir = dir.slice(0, dir.lastIndexOf("/"));
        try {
          const p = JSON.parse(readFileSync(`${dir}/package.json`, "utf8")) as {
            name?: string;
            version: string;
          };
          if (p.name === pkg) return p.version;
        } catch {}
      }
    } catch {}
    return "unknown";
  }
}

export interface MachineInfo {
  node: string;
  v8: string;
  openssl: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  platform: string;
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    openssl: process.versions.openssl ?? "unknown",
    cpu: c[0]?.model ?? "unknown",
    cores: c.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform}-${process.arch}`,
  };
}
