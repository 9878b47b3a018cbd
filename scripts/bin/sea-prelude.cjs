// Prelude of every single-executable bundle (scripts/bin/build.mjs puts this text first in the
// CommonJS bundle; it is not a module of its own). Inside a Node 20 single executable the main
// script's `require` loads built-in modules only and `import()` is unsupported, so:
// - `import()` is lowered to `require()` by esbuild (supported["dynamic-import"] = false), and
//   `require` here becomes one that first serves the modules the build bundled for computed
//   specifiers (__chronosealModules, e.g. `pg` for the collector), then built-ins, then files and
//   packages on disk beside the executable (file: URLs accepted: a lock's hardware driver module
//   given by path; Node >= 20.19 requires ES modules without top-level await);
// - `import.meta.url` (defined to __chronosealImportMetaUrl) is the executable's own file URL.
var __chronosealModules = {};
var __chronosealImportMetaUrl = require("node:url").pathToFileURL(__filename).href;
// biome-ignore lint/suspicious/noGlobalAssign: the CommonJS wrapper's own `require` binding, replaced on purpose (above)
require = ((builtin) => {
  const { createRequire, isBuiltin } = builtin("node:module");
  const { fileURLToPath } = builtin("node:url");
  const disk = createRequire(__filename);
  const load = (id) => {
    if (Object.hasOwn(__chronosealModules, id)) return __chronosealModules[id]();
    if (isBuiltin(id)) return builtin(id);
    return disk(typeof id === "string" && id.startsWith("file:") ? fileURLToPath(id) : id);
  };
  load.resolve = disk.resolve;
  load.cache = disk.cache;
  return load;
})(require);
