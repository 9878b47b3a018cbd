// Helpers of the package smoke test (smoke.mjs): the workspace's public packages (from
// pnpm-workspace.yaml's globs), a tarball's file list and contents (system tar), and every
// package installed under a node_modules tree (nested and scoped ones too).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Workspace packages without "private": [{ name, version, dir, manifest }], dir relative to root. */
export function publicPackages(root) {
  const yaml = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const globs = [];
  for (const line of yaml.split("\n").slice(yaml.split("\n").indexOf("packages:") + 1)) {
    const m = /^\s+-\s+["']?([^"'\s]+)["']?\s*$/.exec(line);
    if (!m) break;
    globs.push(m[1]);
  }
  const dirs = globs.flatMap((g) => {
    if (!g.endsWith("/*")) return [g];
    const base = g.slice(0, -2);
    return readdirSync(join(root, base)).map((d) => `${base}/${d}`);
  });
  return dirs
    .filter((d) => existsSync(join(root, d, "package.json")))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) }))
    .filter((p) => !p.manifest.private)
    .map((p) => ({ ...p, name: p.manifest.name, version: p.manifest.version }));
}

/** A .tgz's file names and a reader of one file (Buffer). */
export function tarballFiles(tgz) {
  const names = execFileSync("tar", ["-tzf", tgz], { encoding: "utf8" }).split("\n").filter(Boolean);
  return {
    names,
    read: (name) => {
      if (!names.includes(name)) throw new Error(`${tgz} has no ${name}`);
      return execFileSync("tar", ["-xzOf", tgz, name], { maxBuffer: 1 << 28 });
    },
  };
}

/** Every package under a node_modules directory: [{ name, version, path }]. */
export function installedPackages(nodeModules, out = []) {
  if (!existsSync(nodeModules)) return out;
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith(".")) continue;
    const dirs = entry.startsWith("@")
      ? readdirSync(join(nodeModules, entry)).map((d) => join(nodeModules, entry, d))
      : [join(nodeModules, entry)];
    for (const dir of dirs) {
      const manifest = join(dir, "package.json");
      if (!existsSync(manifest)) continue;
      const { name, version } = JSON.parse(readFileSync(manifest, "utf8"));
      out.push({ name, version, path: dir });
      installedPackages(join(dir, "node_modules"), out);
    }
  }
  return out;
}
