// Optional storage drivers. PostgreSQL support needs the `pg` package, which is an optional peer
// dependency: installing @chronoseal/collector does not pull it in, and nothing loads it until a
// PostgreSQL store is opened. When it is not installed, opening one fails with a
// MissingDriverError (code ERR_DRIVER_MISSING) that says what to install; the collector app
// prints it as its one-line startup error.
import type pg from "pg";
import { StoreOpenError } from "./store.js";

/**
 * A storage driver package is not installed. `driver` names the npm package to install. A
 * StoreOpenError, so whoever reports "the store cannot be opened" reports this too.
 */
export class MissingDriverError extends StoreOpenError {
  constructor(
    readonly driver: string,
    purpose: string,
    options?: { cause?: unknown },
  ) {
    super("ERR_DRIVER_MISSING", `${purpose} needs the ${driver} package: npm install ${driver}`, options);
    this.name = "MissingDriverError";
  }
}

/** True when `err` says that `pkg` itself (not a module it imports) cannot be found. */
export function isMissingPackage(err: unknown, pkg: string): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (e?.code !== "ERR_MODULE_NOT_FOUND" || typeof e.message !== "string") return false;
  // Node: "Cannot find package 'pg' imported from …"; Vite (tests): the same, or with a subpath.
  return e.message.includes(`'${pkg}'`) || e.message.includes(`'${pkg}/`);
}

let loaded: Promise<typeof pg> | undefined;

/**
 * The `pg` module, imported on first use. `specifier` exists for tests (a package that is really
 * not installed); errors other than "pg is not installed" propagate unchanged.
 */
export async function loadPg(specifier = "pg"): Promise<typeof pg> {
  const load = async (): Promise<typeof pg> => {
    try {
      const mod = (await import(specifier)) as { default: typeof pg };
      return mod.default;
    } catch (err) {
      if (isMissingPackage(err, specifier))
        throw new MissingDriverError(specifier, "PostgreSQL storage", { cause: err });
      throw err;
    }
  };
  if (specifier !== "pg") return load();
  loaded ??= load().catch((err: unknown) => {
    loaded = undefined; // installed later in a long-running process: try again next time
    throw err;
  });
  return loaded;
}
