#!/usr/bin/env node
// `pnpm build:bin`: single-file executables of the chronoseal commands with Node's
// single-executable-application mechanism (SEA), using only tools from the npm registry (esbuild,
// postject) and the running Node binary. Each `bin` of packages/cli and apps/* (read from their
// package.json, so a new app or command is picked up) is
//   1. bundled by esbuild from its built entry (dist/, so run `pnpm build` first) into one
//      CommonJS script (SEA on Node 20 runs CommonJS only): `import()` lowered to `require()`,
//      the prelude (sea-prelude.cjs) first, the package version in CHRONOSEAL_VERSION, better-sqlite3's
//      `bindings` resolved to sea-addon.cjs, the simulator left out (it runs daemons as Node
//      scripts; use the npm packages for it);
//   2. turned into a preparation blob by `node --experimental-sea-config` (code cache on; the SQLite
//      addon, when the bundle contains better-sqlite3, as the asset "better_sqlite3.node");
//   3. injected with postject into a copy of this Node binary (debug symbols stripped first when
//      `strip` is on PATH).
// Output: dist-bin/<name> and dist-bin/manifest.json (name, version, bytes, sha256); the
// intermediate files stay in dist-bin/.build.
//   node scripts/bin/build.mjs [--only NAME,NAME] [--no-strip] [--no-code-cache] [--out DIR]
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { inject } from "postject";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..", "..");
/** Output directory (--out, default dist-bin/) and its .build/ for intermediate files. */
let OUT = join(ROOT, "dist-bin");
let WORK = join(OUT, ".build");
/** The fuse Node looks for to know a blob was injected (documented in Node's SEA docs). */
const FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
const ADDON = "better_sqlite3.node";

/** Packages left out of every executable, with the reason their import fails with. */
const EXCLUDED = {
  "@chronoseal/hardware-sim":
    "the simulator is not part of the single executables (it runs the daemons as Node scripts): install the npm packages",
};
/** Modules the apps load by a computed specifier (invisible to the bundler), bundled per executable. */
const BY_SPECIFIER = {
  "chronoseal-collector": { pg: "packages/collector" }, // PostgreSQL storage, an optional peer of the collector
};

/** Every `bin` of the CLI and the apps: { name, entry, version, dir }. */
function targets() {
  const dirs = ["packages/cli", ...readdirSync(join(ROOT, "apps")).map((d) => `apps/${d}`)];
  const out = [];
  for (const dir of dirs) {
    const manifest = join(ROOT, dir, "package.json");
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, "utf8"));
    const bins = typeof pkg.bin === "string" ? { [pkg.name.split("/").pop()]: pkg.bin } : (pkg.bin ?? {});
    for (const [name, rel] of Object.entries(bins))
      out.push({ name, entry: join(ROOT, dir, rel), version: pkg.version, dir });
  }
  return out;
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

function hasStrip() {
  try {
    execFileSync("strip", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** esbuild plugin: `bindings` → sea-addon.cjs; excluded packages → a module whose import fails. */
function seaPlugin() {
  const excluded = Object.keys(EXCLUDED);
  return {
    name: "chronoseal-sea",
    setup(b) {
      b.onResolve({ filter: /^bindings$/ }, () => ({ path: join(HERE, "sea-addon.cjs") }));
      b.onResolve({ filter: /^@chronoseal\// }, (args) => {
        const pkg = excluded.find((p) => args.path === p || args.path.startsWith(`${p}/`));
        return pkg ? { path: pkg, namespace: "sea-excluded" } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: "sea-excluded" }, (args) => ({
        // The code and message of a missing package, so callers that offer to install it still do.
        contents: `const e = new Error(${JSON.stringify(`Cannot find package '${args.path}': ${EXCLUDED[args.path]}`)});
e.code = "ERR_MODULE_NOT_FOUND";
throw e;`,
        loader: "js",
      }));
    },
  };
}

/** The better-sqlite3 package directory the bundle uses (at most one), from esbuild's metafile. */
function sqlitePackage(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /^(.*node_modules\/better-sqlite3)\/lib\//.exec(input);
    if (m) dirs.add(resolve(ROOT, m[1]));
  }
  if (dirs.size > 1) throw new Error(`more than one better-sqlite3 in one bundle: ${[...dirs].join(", ")}`);
  return [...dirs][0];
}

async function bundle(t, addonDigest) {
  const extra = BY_SPECIFIER[t.name] ?? {};
  const register = Object.entries(extra).map(([id, from]) => {
    const path = createRequire(join(ROOT, from, "package.json")).resolve(id);
    return `__chronosealModules[${JSON.stringify(id)}] = () => require(${JSON.stringify(path)});`;
  });
  const outfile = join(WORK, `${t.name}.cjs`);
  const result = await build({
    stdin: {
      contents: [...register, `require(${JSON.stringify(t.entry)});`].join("\n"),
      resolveDir: dirname(t.entry),
      sourcefile: `${t.name}-entry.cjs`,
      loader: "js",
    },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    outfile,
    metafile: true,
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    legalComments: "eof",
    supported: { "dynamic-import": false },
    external: ["pg-native"], // pg's optional native client; pg works without it
    define: {
      CHRONOSEAL_VERSION: JSON.stringify(t.version),
      CHRONOSEAL_ADDON_SHA256: JSON.stringify(addonDigest ?? ""),
      "import.meta.url": "__chronosealImportMetaUrl",
    },
    banner: { js: readFileSync(join(HERE, "sea-prelude.cjs"), "utf8") },
    plugins: [seaPlugin()],
    logLevel: "warning",
  });
  return { outfile, metafile: result.metafile };
}

async function buildOne(t, strip, codeCache) {
  if (!existsSync(t.entry)) throw new Error(`${relative(ROOT, t.entry)} is missing: run pnpm build first`);
  // First pass finds out whether the bundle contains better-sqlite3 (and which copy); the second
  // records that addon's digest in the bundle.
  let { outfile, metafile } = await bundle(t);
  const sqlite = sqlitePackage(metafile);
  const addon = sqlite ? join(sqlite, "build", "Release", ADDON) : undefined;
  if (addon) {
    if (!existsSync(addon)) throw new Error(`${addon} is missing: better-sqlite3 was not built`);
    ({ outfile, metafile } = await bundle(t, sha256(readFileSync(addon))));
  }
  const blob = join(WORK, `${t.name}.blob`);
  const config = join(WORK, `${t.name}.sea.json`);
  writeFileSync(
    config,
    `${JSON.stringify(
      {
        main: outfile,
        output: blob,
        disableExperimentalSEAWarning: true,
        useCodeCache: codeCache,
        ...(addon ? { assets: { [ADDON]: addon } } : {}),
      },
      null,
      2,
    )}\n`,
  );
  execFileSync(process.execPath, ["--experimental-sea-config", config], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exe = join(OUT, t.name);
  rmSync(exe, { force: true });
  copyFileSync(process.execPath, exe);
  chmodSync(exe, 0o755);
  if (strip) execFileSync("strip", ["--strip-all", exe]);
  await inject(exe, "NODE_SEA_BLOB", readFileSync(blob), { sentinelFuse: FUSE });
  const bytes = readFileSync(exe);
  return {
    name: t.name,
    version: t.version,
    from: relative(ROOT, t.entry),
    bytes: bytes.length,
    bundleBytes: statSync(outfile).size,
    sqliteAddon: addon ? relative(ROOT, addon) : null,
    sha256: sha256(bytes),
  };
}

async function run() {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      "no-strip": { type: "boolean" },
      "no-code-cache": { type: "boolean" },
      out: { type: "string" },
    },
  });
  if (values.out) {
    OUT = resolve(values.out);
    WORK = join(OUT, ".build");
  }
  const only = values.only?.split(",");
  const all = targets();
  const chosen = only ? all.filter((t) => only.includes(t.name)) : all;
  if (only && chosen.length !== only.length)
    throw new Error(`--only: unknown executable; known: ${all.map((t) => t.name).join(", ")}`);
  const strip = !values["no-strip"] && hasStrip();
  if (!values["no-strip"] && !strip)
    console.warn("build:bin: `strip` not found; the executables keep Node's debug symbols");
  mkdirSync(WORK, { recursive: true });
  const manifestPath = join(OUT, "manifest.json");
  const manifest = existsSync(manifestPath)
    ? JSON.parse(readFileSync(manifestPath, "utf8"))
    : { executables: {} };
  manifest.node = process.version;
  manifest.platform = `${process.platform}-${process.arch}`;
  manifest.stripped = strip;
  for (const t of chosen) {
    const info = await buildOne(t, strip, !values["no-code-cache"]);
    manifest.executables[t.name] = info;
    console.log(
      `build:bin: ${relative(process.cwd(), join(OUT, t.name))}  ${(info.bytes / 2 ** 20).toFixed(1)} MiB  (bundle ${(info.bundleBytes / 2 ** 20).toFixed(2)} MiB${info.sqliteAddon ? ", SQLite addon inside" : ""})`,
    );
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

await run();
