// Bootstrap from static data.json snapshots: an http(s) URL (any web server), a file: URL or a
// path. A snapshot is size-limited (16 MiB), schema-checked and must be of the network it is
// configured for; it is merged through ingest like any peer's state (signatures verified).
// Networks whose snapshots have not loaded yet are retried every gossip round until one loads.
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseJson } from "@chronoseal/core";
import { MAX_BODY } from "./gossip.js";
import { fetchText } from "./peer-client.js";
import { checkDataJson } from "./schema.js";
import type { IngestReport, NetworkState } from "./state.js";

/** Reads and checks one snapshot of `network`. */
export async function readSnapshot(source: string, network: string) {
  let text: string;
  if (/^https?:/i.test(source)) text = await fetchText(source, MAX_BODY);
  else {
    const path = source.startsWith("file:") ? fileURLToPath(source) : source;
    if (statSync(path).size > MAX_BODY) throw new Error(`snapshot larger than ${MAX_BODY} bytes`);
    text = readFileSync(path, "utf8");
  }
  const json = checkDataJson(parseJson(text));
  if (json.network !== network) throw new Error(`snapshot is of network ${json.network}`);
  return json;
}

type Log = (level: "info" | "warn", msg: string, fields: Record<string, unknown>) => void;

export class Bootstrap {
  /** Networks (admin keys) whose snapshots have not loaded yet, with their sources. */
  private readonly pending = new Map<string, readonly string[]>();

  constructor(private readonly log: Log) {}

  add(network: string, sources: readonly string[]): void {
    if (sources.length) this.pending.set(network, sources);
  }

  get waiting(): number {
    return this.pending.size;
  }

  /** Tries the sources of every waiting network in order; the first that loads is merged. */
  async run(states: ReadonlyMap<string, NetworkState>): Promise<void> {
    for (const [network, sources] of this.pending) {
      const state = states.get(network);
      if (!state) continue;
      for (const source of sources) {
        try {
          const r: IngestReport = state.merge(await readSnapshot(source, network));
          this.log("info", "bootstrapped from snapshot", { network, source, ...r });
          this.pending.delete(network);
          break;
        } catch (e) {
          this.log("warn", "bootstrap snapshot unusable", { network, source, error: String(e) });
        }
      }
    }
  }
}
