#!/usr/bin/env node
// Smoke test of the npm packages (run by .ci/run as `pnpm smoke:pack`). Every public workspace
// package (not "private") is packed with `pnpm pack` into a temporary directory, and then:
//   1. each manifest and tarball is checked: a real version and no `workspace:` anywhere, the
//      license, `repository` with its `directory`, keywords, publishConfig.access = public,
//      LICENSE (the root's, byte for byte) and README.md inside, no tests, no source maps;
//   2. the CLI's tarball and exactly the @chronoseal tarballs it depends on are installed with npm
//      into an empty project (third-party packages come from the registry, ours only from the
//      tarballs); the install time, the packages installed and node_modules' size are printed;
//      one better-sqlite3 (one native build), no simulator, daemons, collector or pg;
//   3. `npx chronoseal --version`, a keygen/sign/verify round trip, and an import of
//      @chronoseal/core that hashes (checked against node:crypto).
// Ends with "N passed, N failed"; exit 1 on a failure.
//   node scripts/pack/smoke.mjs [--keep] [--report FILE (the install figures as JSON)]
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { check, Steps } from "../bin/smoke-lib.mjs";
import { installedPackages, publicPackages, tarballFiles } from "./workspace.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values } = parseArgs({ options: { keep: { type: "boolean" }, report: { type: "string" } } });
const rootPkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const license = readFileSync(join(ROOT, "LICENSE"));
const dir = mkdtempSync(join(tmpdir(), "chronoseal-pack-smoke-"));
const tarballs = join(dir, "tarballs");
const project = join(dir, "project");
mkdirSync(tarballs);
mkdirSync(project);
const steps = new Steps();
const packs = publicPackages(ROOT);
console.log(`smoke:pack: ${packs.length} public packages in ${dir}`);

/** pnpm as it runs this script (npm_execpath), else from PATH. */
function pnpm(args, cwd) {
  const exec = process.env.npm_execpath;
  const [cmd, pre] = exec && /pnpm/.test(exec) ? [process.execPath, [exec]] : ["pnpm", []];
  return execFileSync(cmd, [...pre, ...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

await steps.run("pnpm pack of every public package", () => {
  for (const p of packs) {
    pnpm(["pack", "--pack-destination", tarballs], join(ROOT, p.dir));
    p.tarball = join(tarballs, `${p.name.replace(/^@/, "").replace("/", "-")}-${p.version}.tgz`);
    check(existsSync(p.tarball), `${p.name}: ${p.tarball} was not written`);
  }
});

await steps.run(
  "manifests and tarballs: versions, LICENSE, repository, keywords, publishConfig, files",
  () => {
    const versions = new Map(packs.map((p) => [p.name, p.version]));
    for (const p of packs) {
      const files = tarballFiles(p.tarball);
      const m = JSON.parse(files.read("package/package.json"));
      const where = `${p.name} (${p.dir})`;
      check(/^\d+\.\d+\.\d+/.test(m.version) && m.version !== "0.0.0", `${where}: version ${m.version}`);
      check(!JSON.stringify(m).includes("workspace:"), `${where}: packed manifest still says workspace:`);
      for (const field of ["dependencies", "peerDependencies", "optionalDependencies"])
        for (const [dep, range] of Object.entries(m[field] ?? {}))
          if (versions.has(dep))
            check(
              range === versions.get(dep),
              `${where}: ${field}.${dep} is ${range}, packed is ${versions.get(dep)}`,
            );
      check(m.license === rootPkg.license, `${where}: license ${m.license}`);
      check(
        m.repository?.url === rootPkg.repository.url && m.repository?.directory === p.dir,
        `${where}: repository ${JSON.stringify(m.repository)}`,
      );
      check(Array.isArray(m.keywords) && m.keywords.length >= 3, `${where}: keywords`);
      check(m.publishConfig?.access === "public", `${where}: publishConfig.access`);
      check(typeof m.description === "string" && m.description.length > 0, `${where}: description`);
      check(files.read("package/LICENSE").equals(license), `${where}: LICENSE missing or not the root's`);
      check(files.names.includes("package/README.md"), `${where}: README.md missing`);
      const stray = files.names.filter((f) =>
        /(^package\/test\/|\.test\.[cm]?[jt]s$|\.map$|\.tsbuildinfo$|\/src\/)/.test(f),
      );
      check(stray.length === 0, `${where}: ships ${stray.slice(0, 5).join(", ")}`);
      check(
        files.names.some((f) => f.startsWith("package/dist/")),
        `${where}: no dist/`,
      );
    }
  },
);

const cli = packs.find((p) => p.name === "@chronoseal/cli");
const byName = new Map(packs.map((p) => [p.name, p]));
/** The CLI and the @chronoseal packages it needs (dependencies, transitively; not optional peers). */
function closure(p, seen = new Set()) {
  if (seen.has(p.name)) return seen;
  seen.add(p.name);
  for (const dep of Object.keys(p.manifest.dependencies ?? {}))
    if (byName.has(dep)) closure(byName.get(dep), seen);
  return seen;
}
let install;

await steps.run("npm install of the CLI and its @chronoseal tarballs into an empty project", () => {
  const needed = [...closure(cli)].map((n) => byName.get(n));
  writeFileSync(
    join(project, "package.json"),
    `${JSON.stringify({ name: "pack-smoke", private: true }, null, 2)}\n`,
  );
  const t0 = process.hrtime.bigint();
  // Native builds (better-sqlite3 when no prebuilt addon can be fetched) use this Node's own
  // headers when it has them, instead of downloading them.
  const nodedir = dirname(dirname(process.execPath));
  const headers = existsSync(join(nodedir, "include", "node", "node.h"))
    ? { npm_config_nodedir: nodedir }
    : {};
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund", ...needed.map((p) => p.tarball)], {
    cwd: project,
    encoding: "utf8",
    env: { ...process.env, ...headers },
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  check(r.status === 0, `npm install: exit ${r.status}\n${r.stderr}`);
  const installed = installedPackages(join(project, "node_modules"));
  const ours = installed
    .filter((p) => p.name.startsWith("@chronoseal/"))
    .map((p) => p.name)
    .sort();
  check(
    ours.join() ===
      needed
        .map((p) => p.name)
        .sort()
        .join(),
    `installed @chronoseal packages: ${ours}`,
  );
  const sqlite = installed.filter((p) => p.name === "better-sqlite3");
  check(sqlite.length <= 1, `better-sqlite3 installed ${sqlite.length} times: ${sqlite.map((p) => p.path)}`);
  for (const absent of ["pg", "vitest", "playwright-core"])
    check(!installed.some((p) => p.name === absent), `${absent} was installed`);
  const du = execFileSync("du", ["-sk", join(project, "node_modules")], { encoding: "utf8" });
  install = {
    seconds,
    packages: installed.length,
    kib: Number(du.split("\t")[0]),
    ours,
    sqlite: sqlite.length,
  };
  console.log(
    `      ${needed.map((p) => p.name).join(", ")}: npm install ${seconds.toFixed(1)} s, ` +
      `${installed.length} packages, node_modules ${(install.kib / 1024).toFixed(1)} MiB, ` +
      `better-sqlite3 ${sqlite.length}× (${sqlite.length ? "compiled or prebuilt once" : "absent"})`,
  );
});

await steps.run("npx chronoseal --version, keygen, sign, verify", () => {
  const run = (args) =>
    spawnSync("npx", ["--no-install", "chronoseal", ...args], { cwd: project, encoding: "utf8" });
  const v = run(["--version"]);
  check(
    v.status === 0 && v.stdout.trim() === cli.version,
    `chronoseal --version: ${v.status} ${v.stdout}${v.stderr}`,
  );
  check(run(["keygen", "--out", "k.key"]).status === 0, "keygen failed");
  writeFileSync(join(project, "m.txt"), "installed from the tarballs\n");
  const sig = run(["sign", "--key", "k.key", "m.txt"]).stdout.trim();
  const ok = run(["verify", "--pub", "k.key.pub", "--sig", sig, "m.txt"]);
  check(ok.status === 0 && ok.stdout.trim() === "valid", `verify: ${ok.status} ${ok.stdout}${ok.stderr}`);
  writeFileSync(join(project, "m.txt"), "changed\n");
  const bad = run(["verify", "--pub", "k.key.pub", "--sig", sig, "m.txt"]);
  check(
    bad.status === 1 && bad.stdout.trim() === "invalid",
    `verify of a changed file: ${bad.status} ${bad.stdout}`,
  );
});

await steps.run("import('@chronoseal/core') hashes like node:crypto", () => {
  const code = `import("@chronoseal/core").then(async (c) => {
  await c.init();
  const hex = (b) => Buffer.from(b).toString("hex");
  console.log(JSON.stringify({ sha256: hex(c.sha256(new TextEncoder().encode("abc"))), jcs: hex(c.canonicalHash({ b: 1, a: [1, "x"] })) }));
});`;
  const out = JSON.parse(execFileSync(process.execPath, ["-e", code], { cwd: project, encoding: "utf8" }));
  const sha = (s) => createHash("sha256").update(s).digest("hex");
  check(out.sha256 === sha("abc"), `sha256("abc") = ${out.sha256}`);
  check(out.jcs === sha('{"a":[1,"x"],"b":1}'), `canonicalHash = ${out.jcs}`);
});

if (!values.keep && steps.failed === 0) rmSync(dir, { recursive: true, force: true });
else console.log(`smoke:pack: files kept in ${dir}`);
if (values.report && install) writeFileSync(values.report, `${JSON.stringify(install, null, 2)}\n`);
console.log(`${steps.passed} passed, ${steps.failed} failed`);
process.exitCode = steps.failed ? 1 : 0;
