// The smoke test's check of the SQLite addon's private cache (smoke.mjs step 6), with the
// collector executable (its SQLite store loads the addon at start): the cache directory is 0700
// and the cached file hashes to its name; a cached file replaced by something else is replaced
// back; a symlinked cache directory, one owned by another user (when run as root) and an
// executable whose addon asset was damaged are refused with exit 2 and a message; a loose (0777)
// cache directory of ours is tightened to 0700.
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { check, freePort, getJson, waitFor } from "./smoke-lib.mjs";

export async function addonCacheStep(bins, dir, work, home) {
  const cache = join(home, ".cache", "chronoseal", "native");
  check((statSync(cache).mode & 0o777) === 0o700, `${cache} is not 0700`);
  const [file] = readdirSync(cache);
  const path = join(cache, file);
  const digest = /^better_sqlite3-([0-9a-f]{64})\.node$/.exec(file)?.[1];
  const hash = () => createHash("sha256").update(readFileSync(path)).digest("hex");
  check(digest && hash() === digest, `cached addon ${file} does not hash to its name`);
  const collector = async (name, extraEnv, exe = "chronoseal-collector") => {
    const port = await freePort();
    const d = join(work, name);
    mkdirSync(d);
    writeFileSync(
      join(d, "collector.json"),
      JSON.stringify({ listen: `127.0.0.1:${port}`, storage: { type: "sqlite", path: "c.db" }, devices: {} }),
    );
    const c = bins.start(exe, ["--config", "collector.json", "--exit-with-parent"], {
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

  // A damaged executable: one byte of the addon asset changed is refused, not loaded.
  const exe = readFileSync(join(bins.binDir, "chronoseal-collector"));
  const addon = readFileSync(path);
  const at = exe.indexOf(addon.subarray(4096, 4096 + 256));
  check(
    at > 0 && exe.indexOf(addon.subarray(4096, 4096 + 256), at + 1) === -1,
    "the addon asset was not found once in the executable",
  );
  exe[at + 100] ^= 0xff;
  writeFileSync(join(bins.binDir, "damaged-collector"), exe, { mode: 0o755 });
  const fresh = join(dir, "fresh-native");
  const damaged = await collector("damaged-exe", { CHRONOSEAL_NATIVE_DIR: fresh }, "damaged-collector");
  check(
    damaged.status === 2 && /SQLite addon is damaged/.test(damaged.stderr),
    `damaged executable: ${damaged.status} ${damaged.stderr}`,
  );
  check(!existsSync(fresh) || readdirSync(fresh).length === 0, "a damaged addon was written to the cache");
}
