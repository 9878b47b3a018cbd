#!/usr/bin/env node
// Smoke test of the single-file executables (run by .ci/run after `pnpm build:bin`). The
// executables listed in dist-bin/manifest.json are copied into an empty temporary directory (no
// node_modules anywhere above it) and run there with a minimal environment (PATH=/usr/bin:/bin,
// HOME inside the directory, nothing else):
//   1. `--version` (the manifest's version) and `--help` of each;
//   2. a sign/verify round trip with `chronoseal` (keygen, sign, verify; a changed file is invalid);
//   3. a network made with `chronoseal mesh init` and `mesh settings set`; three meshd (node 0 the
//      attestor, 1 and 2 bootstrapping from it) until node 2 lists all three attested names;
//   4. a collector (SQLite) and one lock agent publishing its anchors to node 1 and uploading to
//      the collector; everything the lock wrote reaches the collector; the anchors reach node 2
//      attested;
//   5. `chronoseal lock audit` against the collector and the anchors read from node 2 (through
//      `--mesh` when the CLI has it, else an anchors file made from node 2's section): the chain
//      verifies (only an unanchored tail allowed) — and a wrong device key does not; then a
//      lock agent whose driver is a module file on disk (an ES module) writes entries;
//   6. the SQLite addon's private cache (smoke-addon.mjs): a replaced cached copy is replaced
//      back; a symlinked or foreign directory and a damaged executable are refused; a loose
//      directory is tightened to 0700;
//   7. with CHRONOSEAL_PG_URL, the collector on PostgreSQL (a database made and dropped here);
//   8. every daemon stops on SIGTERM with exit 0.
// Ends with "N passed, N failed"; exit 1 on a failure.
//   node scripts/bin/smoke.mjs [--bin DIR] [--keep]
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { addonCacheStep } from "./smoke-addon.mjs";
import { Bins, check, Steps, waitFor } from "./smoke-lib.mjs";
import { auditStep, lockStep, meshStep } from "./smoke-mesh.mjs";
import { postgresStep } from "./smoke-pg.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values } = parseArgs({ options: { bin: { type: "string" }, keep: { type: "boolean" } } });
const binDir = resolve(values.bin ?? join(ROOT, "dist-bin"));
const manifest = JSON.parse(readFileSync(join(binDir, "manifest.json"), "utf8"));
const names = Object.keys(manifest.executables);
for (const need of ["chronoseal", "meshd", "chronoseal-collector", "chronoseal-lock-agent"])
  if (!names.includes(need)) throw new Error(`${need} is not in ${binDir}/manifest.json: run pnpm build:bin`);

const dir = mkdtempSync(join(tmpdir(), "chronoseal-bin-smoke-"));
for (let p = dir; p !== dirname(p); p = dirname(p))
  if (existsSync(join(p, "node_modules")))
    throw new Error(`${p}/node_modules exists: not an empty place to test in`);
const bin = join(dir, "bin");
const work = join(dir, "work");
mkdirSync(bin);
mkdirSync(work);
for (const n of names) copyFileSync(join(binDir, n), join(bin, n));
for (const n of names) chmodSync(join(bin, n), 0o755);
const env = { PATH: "/usr/bin:/bin", HOME: join(dir, "home") };
const bins = new Bins(bin, work, env);
process.on("exit", () => bins.killAll());
const steps = new Steps();
console.log(`smoke: ${names.join(", ")} (Node ${manifest.node}) in ${dir}`);

await steps.run("--version and --help of every executable", () => {
  for (const n of names) {
    const v = bins.ok(n, ["--version"]).trim();
    check(v === manifest.executables[n].version, `${n} --version printed ${JSON.stringify(v)}`);
    check(/^usage: /m.test(bins.ok(n, ["--help"])), `${n} --help printed no usage`);
  }
});

await steps.run("chronoseal keygen, sign, verify", () => {
  bins.ok("chronoseal", ["keygen", "--out", "signer.key"]);
  writeFileSync(join(work, "message.txt"), "who signed what, and what came first\n");
  const sig = bins.ok("chronoseal", ["sign", "--key", "signer.key", "message.txt"]).trim();
  check(/^[A-Za-z0-9+/]{86}==$/.test(sig), `sign printed ${sig}`);
  const good = bins.run("chronoseal", ["verify", "--pub", "signer.key.pub", "--sig", sig, "message.txt"]);
  check(
    good.status === 0 && good.stdout.trim() === "valid",
    `verify: ${good.status} ${good.stdout}${good.stderr}`,
  );
  writeFileSync(join(work, "message.txt"), "who signed what, and what came second\n");
  const bad = bins.run("chronoseal", ["verify", "--pub", "signer.key.pub", "--sig", sig, "message.txt"]);
  check(
    bad.status === 1 && bad.stdout.trim() === "invalid",
    `verify of a changed file: ${bad.status} ${bad.stdout}`,
  );
});

const mesh = await steps.run("three meshd (one attestor) agree on three attested names", () =>
  meshStep(bins, work),
);
const lock = await steps.run(
  "a collector and a lock agent: entries delivered, anchors attested on node 2",
  () => lockStep(bins, work, mesh),
);
await steps.run("chronoseal lock audit: verified; a wrong device key is not", () =>
  auditStep(bins, work, mesh, lock),
);

await steps.run("chronoseal-lock-agent with a hardware driver module (an ES module file)", async () => {
  const d = join(work, "hw-lock");
  mkdirSync(d);
  // A driver from outside the executable: loaded by path, it badges once per step.
  writeFileSync(
    join(d, "driver.mjs"),
    `export function createDriver(options) {
  let inputs;
  return {
    now: () => Date.now(),
    attach(i) { inputs = i; },
    detach() { inputs = undefined; },
    async step() { await inputs?.badge(options.badge); },
  };
}
`,
  );
  bins.ok("chronoseal", ["keygen", "--out", join(d, "device.key")]);
  writeFileSync(
    join(d, "lock.json"),
    JSON.stringify({
      dir: "device",
      door: "door-hw",
      keyFile: "device.key",
      collector: "http://127.0.0.1:9", // nothing listens: entries stay buffered on disk
      anchorsFile: "anchors.ndjson",
      tickMs: 20,
      driver: { type: "module", path: "driver.mjs", options: { badge: "04A2B3" } },
    }),
  );
  const agent = bins.start("chronoseal-lock-agent", ["--config", "lock.json"], { cwd: d });
  await waitFor(
    "5 durable entries from the driver module",
    () => agent.lines.some((l) => l.msg === "entry durable" && l.seq >= 5),
    { daemons: [agent] },
  );
  check((await agent.stop()) === 0, `lock agent with a driver module: no clean stop\n${agent.stderr}`);
  check(!/Warning/.test(agent.stderr), `lock agent stderr: ${agent.stderr}`);
});

await steps.run("the SQLite addon's private cache", () => addonCacheStep(bins, dir, work, env.HOME));

if (process.env.CHRONOSEAL_PG_URL)
  await steps.run("the collector on PostgreSQL", () =>
    postgresStep(bins, work, process.env.CHRONOSEAL_PG_URL),
  );
else console.log("skip  the collector on PostgreSQL: CHRONOSEAL_PG_URL is not set");

await steps.run("every daemon stops on SIGTERM with exit 0", async () => {
  for (const d of [...bins.daemons]) {
    const code = await d.stop("SIGTERM");
    check(code === 0, `${d.name}: exit ${code} on SIGTERM\n${d.stderr}`);
  }
});

bins.killAll();
if (!values.keep && steps.failed === 0) rmSync(dir, { recursive: true, force: true });
else console.log(`smoke: files kept in ${dir}`);
console.log(`${steps.passed} passed, ${steps.failed} failed`);
process.exitCode = steps.failed ? 1 : 0;
