// Persistence: one state file per network in the state directory, written atomically (temp
// file, fsync, rename, fsync of the directory). A file that does not parse or validate is moved
// aside (`.corrupt-<time>`) and reported — never overwritten silently.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { parseJson } from "@chronoseal/core";
import { checkDataJson } from "./schema.js";
import { NetworkState } from "./state.js";

function fileName(network: string): string {
  return `${Buffer.from(network, "base64").toString("hex").slice(0, 32)}.json`;
}

export interface LoadResult {
  state: NetworkState;
  /** Where a corrupt file was moved, if one was found. */
  quarantined?: string;
  error?: string;
}

export function loadState(dir: string, network: string, now = Date.now()): LoadResult {
  const path = join(dir, fileName(network));
  const state = new NetworkState(network);
  if (!existsSync(path)) return { state };
  try {
    const json = checkDataJson(parseJson(readFileSync(path, "utf8")));
    if (json.network !== network) throw new Error(`file holds network ${json.network}`);
    state.merge(json);
    return { state };
  } catch (e) {
    const aside = `${path}.corrupt-${now}`;
    renameSync(path, aside);
    return { state, quarantined: aside, error: (e as Error).message };
  }
}

export function saveState(dir: string, state: NetworkState): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, fileName(state.network));
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, `${JSON.stringify(state.toJSON())}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const d = openSync(dir, "r");
  try {
    fsyncSync(d);
  } finally {
    closeSync(d);
  }
  return path;
}
