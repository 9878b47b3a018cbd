// Writing a test's config and data files.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** Writes `value` (a string as is, anything else as JSON) to dir/name; returns the path. */
export function write(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}
