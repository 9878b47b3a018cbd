// Persistence: per network, a snapshot file (`<id>.json`, written atomically: temp file, fsync,
// rename, fsync of the directory) and a journal (`<id>.journal`, NDJSON): each change is one line
// — the entries added and the attestation maps changed — appended and fsynced before the change
// is acknowledged. Loading replays the journal over the snapshot (ingest is idempotent and
// order-independent, so a line seen twice does no harm). A snapshot rewrites the whole state and
// then empties the journal; a node takes one when the journal has grown past the snapshot's size
// and when it stops.
//
// Damage: a snapshot that does not parse or validate is moved aside (`.corrupt-<time>`) and
// reported — never overwritten silently. A torn last journal line (a crash mid-append: the change
// was never acknowledged) is cut off; any other bad line moves the journal aside, keeping the
// lines before it.
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { parseJson } from "@chronoseal/core";
import { observedFsyncSync } from "@chronoseal/core/fsync";
import { checkDataJson } from "./schema.js";
import { NetworkState, type StateJSON } from "./state.js";

function baseName(network: string): string {
  return Buffer.from(network, "base64").toString("hex").slice(0, 32);
}

export function snapshotPath(dir: string, network: string): string {
  return join(dir, `${baseName(network)}.json`);
}

export function journalPath(dir: string, network: string): string {
  return join(dir, `${baseName(network)}.journal`);
}

export interface LoadResult {
  state: NetworkState;
  /** Where a corrupt snapshot or journal was moved, if one was found. */
  quarantined?: string;
  error?: string;
  /** Journal lines replayed, and bytes of a torn last line cut off. */
  replayed?: number;
  tornBytes?: number;
}

function fsyncPath(path: string, file = "mesh-journal"): void {
  const fd = openSync(path, "r");
  try {
    observedFsyncSync(fd, file);
  } finally {
    closeSync(fd);
  }
}

export function loadState(dir: string, network: string, now = Date.now()): LoadResult {
  const path = snapshotPath(dir, network);
  const state = new NetworkState(network);
  const result: LoadResult = { state };
  if (existsSync(path)) {
    try {
      const json = checkDataJson(parseJson(readFileSync(path, "utf8")));
      if (json.network !== network) throw new Error(`file holds network ${json.network}`);
      state.merge(json);
    } catch (e) {
      const aside = `${path}.corrupt-${now}`;
      renameSync(path, aside);
      result.quarantined = aside;
      result.error = (e as Error).message;
    }
  }
  const jpath = journalPath(dir, network);
  if (existsSync(jpath)) {
    const text = readFileSync(jpath, "utf8");
    let offset = 0;
    let replayed = 0;
    while (offset < text.length) {
      const nl = text.indexOf("\n", offset);
      if (nl === -1) {
        // A torn last line: the append never completed, so the change was never acknowledged.
        truncateSync(jpath, Buffer.byteLength(text.slice(0, offset)));
        result.tornBytes = Buffer.byteLength(text.slice(offset));
        break;
      }
      try {
        const json = checkDataJson(parseJson(text.slice(offset, nl)));
        if (json.network !== network) throw new Error(`journal line holds network ${json.network}`);
        state.merge(json);
        replayed++;
      } catch (e) {
        const aside = `${jpath}.corrupt-${now}`;
        renameSync(jpath, aside);
        result.quarantined = aside;
        result.error = `journal line ${replayed + 1}: ${(e as Error).message}`;
        break;
      }
      offset = nl + 1;
    }
    result.replayed = replayed;
  }
  state.takeChanges(); // what was loaded is already durable
  return result;
}

/** Appends one change (a partial data.json) to the journal and fsyncs it. */
export function appendJournal(dir: string, change: StateJSON): number {
  mkdirSync(dir, { recursive: true });
  const jpath = journalPath(dir, change.network);
  appendFileSync(jpath, `${JSON.stringify(change)}\n`);
  fsyncPath(jpath);
  return statSync(jpath).size;
}

/** Writes a snapshot of the whole state atomically, then empties the journal. */
export function saveState(dir: string, state: NetworkState): string {
  mkdirSync(dir, { recursive: true });
  const path = snapshotPath(dir, state.network);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, `${JSON.stringify(state.toJSON())}\n`);
    observedFsyncSync(fd, "mesh-snapshot");
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncPath(dir, "mesh-snapshot");
  // Everything journaled is in the snapshot now (and replaying it again would be harmless).
  const jpath = journalPath(dir, state.network);
  if (existsSync(jpath)) {
    truncateSync(jpath, 0);
    fsyncPath(jpath);
  }
  state.takeChanges();
  return path;
}
