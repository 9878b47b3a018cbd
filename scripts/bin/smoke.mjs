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
//      verifies (only an unanchored tail allowed) — and a wrong device key does not;
//   6. the SQLite addon's private cache: a damaged cached copy is replaced; a symlinked or foreign
//      directory is refused; a loose one is tightened to 0700;
//   7. with CHRONOSEAL_PG_URL, the collector on PostgreSQL (a database made and dropped here);
//   8. every daemon stops on SIGTERM with exit 0.
// Ends with "N passed, N failed"; exit 1 on a failure.
//   node scripts/bin/smoke.mjs [--bin DIR] [--keep]
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Bins, check, freePort, getJson, Steps, waitFor } from "./smoke-lib.mjs";
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

await steps.run("the SQLite addon's private cache", async () => {
  const cache = join(env.HOME, ".cache", "chronoseal", "native");
  check((statSync(cache).mode & 0o777) === 0o700, `${cache} is not 0700`);
  const [file] = readdirSync(cache);
  const path = join(cache, file);
  const digest = /^better_sqlite3-([0-9a-f]{64})\.node$/.exec(file)?.[1];
  const hash = () => createHash("sha256").update(readFileSync(path)).digest("hex");
  check(digest && hash() === digest, `cached addon ${file} does not hash to its name`);
  const collector = async (name, extraEnv) => {
    const port = await freePort();
    const d = join(work, name);
    mkdirSync(d);
    writeFileSync(
      join(d, "collector.json"),
      JSON.stringify({ listen: `127.0.0.1:${port}`, storage: { type: "sqlite", path: "c.db" }, devices: {} }),
    );
    const c = bins.start("chronoseal-collector", ["--config", "collector.json", "--exit-with-parent"], {
      cwd: d,
      env: extraEnv,
    });
    const started = await Promise.race([
      waitFor(`${name} /healthz`, () => getJson(`http://127.0.0.1:${port}/healthz`), { daemons: [c] }).then(
        () => "up",
      ),
      c.exited.then(() => "exited"),
    ]).catch(() => "exited");
    if (started === "up") check((await c.stop()) === 0, `${name}: SIGTERM did not exit 0`);
    else await c.exited;
    return { status: c.exitCode, stderr: c.stderr };
  };
  // Replaced, not overwritten in place: the running collector has the file mapped (truncating a
  // loaded shared library under a process kills it with SIGBUS; the loader itself only renames).
  writeFileSync(`${path}.other`, "not an ELF file");
  renameSync(`${path}.other`, path);
  check((await collector("damaged", {})).status === 0, "a damaged cached addon stopped the collector");
  check(hash() === digest, "the damaged cached addon was not replaced");
  const real = join(dir, "real-native");
  mkdirSync(real, { mode: 0o700 });
  symlinkSync(real, join(dir, "link-native"));
  const linked = await collector("symlinked", { CHRONOSEAL_NATIVE_DIR: join(dir, "link-native") });
  check(
    linked.status === 2 && /link-native is not a directory/.test(linked.stderr),
    `symlinked cache: ${linked.status} ${linked.stderr}`,
  );
  const loose = join(dir, "loose-native");
  mkdirSync(loose);
  chmodSync(loose, 0o777);
  check(
    (await collector("loose", { CHRONOSEAL_NATIVE_DIR: loose })).status === 0,
    "a loose cache dir stopped the collector",
  );
  check((statSync(loose).mode & 0o777) === 0o700, "the loose cache dir was not tightened to 0700");
  if (process.getuid() === 0) {
    const foreign = join(dir, "foreign-native");
    mkdirSync(foreign, { mode: 0o700 });
    chownSync(foreign, 65534, 65534);
    const r = await collector("foreign", { CHRONOSEAL_NATIVE_DIR: foreign });
    check(
      r.status === 2 && /belongs to uid 65534/.test(r.stderr),
      `foreign cache dir: ${r.status} ${r.stderr}`,
    );
  }
});

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
