// Test helper (node --import): makes the PostgreSQL driver `pg` unresolvable, as on an install
// without it, to test the collector's "missing driver" start-up failure with a real process.
import { register } from "node:module";

const hook = `export async function resolve(specifier, context, next) {
  if (specifier === "pg") {
    const e = new Error("Cannot find package 'pg' imported from " + context.parentURL);
    e.code = "ERR_MODULE_NOT_FOUND";
    throw e;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
