// What a node keeps on disk: per network, the state (persist.ts: snapshot + fsynced journal;
// every change is journaled before it is acknowledged, and the snapshot is rewritten when the
// journal outgrows it and on stop), and dns.json (one JSON object per line, written atomically:
// temp file, rename; only when it changed). checkStateDir() is the start-up check that the
// state directory can be created, listed and written (a StartupError naming it otherwise).
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { StartupError } from "@chronoseal/http";
import { appendJournal, type LoadResult, loadState, saveState } from "./persist.js";
import type { NetworkState } from "./state.js";
import { type DnsLine, groupDns } from "./views.js";

const WHY: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "read-only file system",
  ENOTDIR: "not a directory",
  ENOSPC: "no space left on device",
  EEXIST: "exists and is not a directory",
};

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? "";
  return WHY[code] ? `${WHY[code]} (${code})` : (e as Error).message;
}

/** Creates the state directory if needed and checks that it can be listed and written. */
export function checkStateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    readdirSync(dir);
    const probe = join(dir, `.write-check-${process.pid}`);
    const fd = openSync(probe, "w");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    unlinkSync(probe);
  } catch (e) {
    throw new StartupError("ERR_STATE_DIR", `state directory ${dir}: ${reason(e)}`, { cause: e });
  }
}

export class NodeFiles {
  /** Size of each network's last snapshot (the journal is folded in once it grows past it). */
  private readonly snapshotBytes = new Map<string, number>();
  private dns = "";

  constructor(
    private readonly stateDir: string,
    private readonly dnsPath: string | undefined,
  ) {}

  /** Loads a network's state (a read failure is a StartupError naming the directory). */
  load(network: string): LoadResult {
    try {
      return loadState(this.stateDir, network);
    } catch (e) {
      throw new StartupError("ERR_STATE_DIR", `state directory ${this.stateDir}: ${reason(e)}`, { cause: e });
    }
  }

  /** Journals what changed since the last call; rewrites the snapshot when the journal outgrew it. */
  record(s: NetworkState): void {
    const change = s.takeChanges();
    if (!change) return;
    const journal = appendJournal(this.stateDir, change);
    if (journal > Math.max(1 << 20, this.snapshotBytes.get(s.network) ?? 0)) {
      const path = saveState(this.stateDir, s);
      this.snapshotBytes.set(s.network, statSync(path).size);
    }
  }

  saveAll(states: Iterable<NetworkState>): void {
    for (const s of states) saveState(this.stateDir, s);
  }

  /** The dns.json lines last written (or computed, without a dns file). */
  get dnsText(): string {
    return this.dns;
  }

  /**
   * Writes dns.json when its text changed; returns whether it did. Format `ip`: one
   * `{hostname, ip}` line per address; `ips`: one `{hostname, ips}` line per name.
   */
  writeDns(lines: readonly DnsLine[], format: "ip" | "ips" = "ip"): boolean {
    const rows: object[] = format === "ips" ? groupDns(lines) : [...lines];
    const text = rows.map((l) => JSON.stringify(l)).join("\n") + (rows.length ? "\n" : "");
    if (text === this.dns) return false;
    if (this.dnsPath) {
      writeFileSync(`${this.dnsPath}.tmp`, text);
      renameSync(`${this.dnsPath}.tmp`, this.dnsPath);
    }
    this.dns = text;
    return true;
  }
}
