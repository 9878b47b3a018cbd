// `bindings` for the single executables. better-sqlite3 loads its native addon with
// require("bindings")("better_sqlite3.node"); the build (scripts/bin/build.mjs) resolves
// `bindings` to this module. The addon travels inside the executable as the SEA asset
// "better_sqlite3.node"; at the first SQLite open it is written to a private cache file named by
// its SHA-256 and loaded from there with process.dlopen:
// - directory: $CHRONOSEAL_NATIVE_DIR, else $CACHE_DIRECTORY/native (systemd CacheDirectory=),
//   else $XDG_CACHE_HOME/chronoseal/native, else $HOME/.cache/chronoseal/native, else
//   <tmpdir>/chronoseal-native-<uid>; created 0700, refused when it is not a real directory owned
//   by this user (a symlink, or planted by someone else), tightened to 0700 when it is ours;
// - file: better_sqlite3-<sha256>.node, written to a unique temporary name (O_EXCL), fsynced and
//   renamed into place; a file already there is used only when its content hashes to the
//   asset's digest (anything else is replaced), and the digest is checked again right before
//   loading. The asset itself must match the digest recorded at build time.
"use strict";
const { createHash, randomBytes } = require("node:crypto");
const fs = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

/** The native addon cannot be provided (not a single executable, an unsafe or unwritable cache). */
class NativeAddonError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "NativeAddonError";
    this.code = "ERR_NATIVE_ADDON";
  }
}

const ASSET = "better_sqlite3.node";
let loaded;

function cacheDir(env) {
  if (env.CHRONOSEAL_NATIVE_DIR) return env.CHRONOSEAL_NATIVE_DIR;
  if (env.CACHE_DIRECTORY) return join(env.CACHE_DIRECTORY.split(":")[0], "native");
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "chronoseal", "native");
  if (env.HOME) return join(env.HOME, ".cache", "chronoseal", "native");
  return join(tmpdir(), `chronoseal-native-${process.getuid()}`);
}

function privateDir(dir) {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new NativeAddonError(
      `cannot create ${dir} for the SQLite addon: ${e.message} (set CHRONOSEAL_NATIVE_DIR)`,
    );
  }
  const st = fs.lstatSync(dir);
  if (!st.isDirectory())
    throw new NativeAddonError(
      `${dir} is not a directory (a symlink?): refusing to load the SQLite addon from it`,
    );
  if (st.uid !== process.getuid())
    throw new NativeAddonError(
      `${dir} belongs to uid ${st.uid}, not to this user (${process.getuid()}): refusing to load the SQLite addon from it`,
    );
  if ((st.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}

function digestOf(bytes) {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The file's SHA-256 when it is a regular file of ours (never following a symlink), else undefined. */
function fileDigest(path) {
  let fd;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.uid !== process.getuid()) return undefined;
    return digestOf(fs.readFileSync(fd));
  } finally {
    fs.closeSync(fd);
  }
}

function writeAddon(path, bytes) {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const fd = fs.openSync(tmp, "wx", 0o700);
  try {
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path);
}

function loadAddon() {
  let sea;
  try {
    sea = require("node:sea");
  } catch {
    sea = undefined;
  }
  if (!sea?.isSea())
    throw new NativeAddonError(
      "this bundle carries the SQLite addon only when it runs as a single executable",
    );
  const bytes = new Uint8Array(sea.getRawAsset(ASSET));
  const digest = digestOf(bytes);
  if (digest !== CHRONOSEAL_ADDON_SHA256)
    throw new NativeAddonError(
      `the executable's SQLite addon is damaged (sha256 ${digest}, built with ${CHRONOSEAL_ADDON_SHA256})`,
    );
  const dir = cacheDir(process.env);
  privateDir(dir);
  const path = join(dir, `better_sqlite3-${digest}.node`);
  try {
    if (fileDigest(path) !== digest) writeAddon(path, bytes);
  } catch (e) {
    throw new NativeAddonError(
      `cannot write the SQLite addon to ${path}: ${e.message} (set CHRONOSEAL_NATIVE_DIR)`,
    );
  }
  if (fileDigest(path) !== digest) throw new NativeAddonError(`${path} changed while it was being loaded`);
  const module = { exports: {} };
  process.dlopen(module, path);
  return module.exports;
}

module.exports = function bindings(name) {
  if (name !== ASSET) throw new NativeAddonError(`no native addon ${name} in this executable`);
  loaded ??= loadAddon();
  return loaded;
};
