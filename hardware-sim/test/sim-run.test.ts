// `chronoseal-sim run` and the whole-system run behind it (and behind the demo): real meshd
// processes (anchors in the mesh, one attestor), a real collector process on SQLite, real lock
// agents from the hardware simulator, a tampering collector proxy; the audit must agree with the
// ground truth, every process must be gone afterwards.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main, parseAdversary, parseFaults } from "../src/cli.js";
import { runSystemSim } from "../src/sim-run.js";

/** Runs `chronoseal-sim <argv…>` in this process with captured output. */
async function runSim(
  argv: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  out.on("data", (c: Buffer) => o.push(c));
  err.on("data", (c: Buffer) => e.push(c));
  const code = await main(argv, { stdout: out, stderr: err, isTTY: false, cwd, env: {} });
  return { code, stdout: Buffer.concat(o).toString(), stderr: Buffer.concat(e).toString() };
}

describe("sim run options", () => {
  it("parses fault and adversary specs, naming what is wrong", () => {
    expect(parseFaults("none", 10)).toBeUndefined();
    expect(parseFaults("power-cuts=3,torn=0.5,clock-jumps=2,partitions=1,drift=20", 10)).toEqual({
      powerCuts: 3,
      tornRate: 0.5,
      clockJumps: 2,
      partitions: 1,
      driftPpm: 20,
    });
    expect(parseFaults("some", 20)).toMatchObject({ powerCuts: 4, partitions: 2 });
    expect(() => parseFaults("power-cuts=x", 1)).toThrow(/power-cuts/);
    expect(() => parseFaults("torn=2", 1)).toThrow(/0\.\.1/);
    expect(() => parseFaults("lightning=1", 1)).toThrow(/lightning/);
    expect(parseAdversary("all").map((a) => a.mode)).toEqual(["drop", "reorder", "alter", "replay", "fork"]);
    expect(parseAdversary("drop,replay=2")).toEqual([
      { mode: "drop", count: 1 },
      { mode: "replay", count: 2 },
    ]);
    expect(() => parseAdversary("steal")).toThrow(/steal/);
  });

  it("refuses bad numbers with exit 2", async () => {
    const r = await runSim(["run", "--locks", "0"], mkdtempSync(join(tmpdir(), "cli-sim-")));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--locks: an integer in 1\.\.1000/);
  });

  it("refuses an unusable report directory before starting anything (exit 2, one line)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-sim-"));
    writeFileSync(join(dir, "file"), "");
    const cases: [string[], RegExp][] = [
      [["--out", "file/report"], /--out .*file\/report: cannot create it: ENOTDIR/],
      [["--out", "file"], /--out .*file: not a directory/],
      [["--out", "."], /--out .*: not empty \(1 entry\); use --force/],
      [["--out", "/proc/chronoseal-sim"], /--out \/proc\/chronoseal-sim: cannot create it: ENOENT/],
    ];
    for (const [args, message] of cases) {
      const r = await runSim(["run", ...args], dir);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1); // no usage, no stack, no daemon narration
    }
    expect(readFileSync(join(dir, "file"), "utf8")).toBe(""); // untouched
  });

  it("the chronoseal-sim executable (a real process): usage on stdout, exit 2 without a verb", () => {
    const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "bin.js");
    const r = spawnSync(process.execPath, [bin], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^usage: chronoseal-sim <run\|demo>/);
    const help = spawnSync(process.execPath, [bin, "run", "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--adversary none \| all/);
  });

  it("prints usage for --help, an unknown verb is exit 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-sim-"));
    expect((await runSim(["run", "--help"], dir)).stdout).toMatch(/^usage: chronoseal-sim run/);
    expect((await runSim(["demo", "--help"], dir)).stdout).toMatch(/^usage: chronoseal-sim demo/);
    const bad = await runSim(["fly"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown verb 'fly'/);
  });
});

// 120 s per test, not the default 30 s: each run starts three meshd processes and a collector,
// simulates days of a fleet in real lock agents (fsync per entry) and waits for the mesh to carry
// and attest every anchor: 8-15 s on an idle 2-core machine, several times that under CI load.
describe("the whole system, simulated", () => {
  it("6 locks, 2 days, faults and every adversary mode: the audit agrees with the ground truth", async () => {
    const out = mkdtempSync(join(tmpdir(), "cli-sim-report-"));
    const r = await runSystemSim({
      locks: 6,
      days: 2,
      seed: 3,
      faults: { powerCuts: 2, tornRate: 1, clockJumps: 1, partitions: 1 },
      adversary: parseAdversary("all"),
      outDir: out,
    });
    expect(r.check.problems).toEqual([]);
    expect(r.check.ok).toBe(true);
    // every adversary mode acted and was located
    expect(new Set(r.run.truth.adversary.map((a) => a.mode))).toEqual(
      new Set(["drop", "reorder", "alter", "replay", "fork"]),
    );
    expect(r.check.totals.detected).toBe(r.check.totals.actions);
    expect(r.report.summary.tampered).toBeGreaterThan(0);
    // the anchors came from the mesh, attested by the attestor node
    expect(r.meshAnchors.records).toBe(r.run.anchors.length);
    expect(r.meshAnchors.attested).toBe(r.meshAnchors.records);
    expect(r.meshAnchors.records).toBeGreaterThan(6);
    // the report files
    expect(JSON.parse(readFileSync(r.json, "utf8")).doors).toHaveLength(6);
    expect(readFileSync(r.html, "utf8")).toContain('data-door="door-006"');
    // every process stopped: nothing answers on the mesh's or collector's ports any more
    for (const url of r.urls)
      await expect(fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).rejects.toThrow();
    expect(existsSync(out)).toBe(true);
  }, 120_000);

  it("chronoseal-sim run --json: a small quiet run, exit 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-sim-json-"));
    const r = await runSim(
      ["run", "--locks", "3", "--days", "1", "--seed", "5", "--json", "--out", "rep"],
      dir,
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.agrees).toBe(true);
    expect(j.summary.doors).toBe(3);
    expect(existsSync(join(dir, "rep", "report.html"))).toBe(true);
  }, 120_000);
});
