// A test rig for end-to-end runs with real processes: a temp directory with a device key, a
// collector app process (SQLite) and lock-agent app processes started from config files written
// here; the collector's contents read back over its HTTP export (or from its SQLite file once it
// stopped); audits against the anchors.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SqliteStore } from "@chronoseal/collector";
import { encodePrivateKey, generateKeyPair, initKeys, type KeyPair, toBase64 } from "@chronoseal/core";
import { audit, type ChainVerdict, FileAnchors, type LockEntry } from "@chronoseal/lock";
import { freePort, LoggedProcess, type LogLine } from "@chronoseal/testkit";

const apps = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const AGENT = join(apps, "lock-agent", "dist", "main.js");
const COLLECTOR = join(apps, "collector", "dist", "main.js");

export const durable = (l: LogLine) => l.msg === "entry durable";

export class Rig {
  readonly procs: LoggedProcess[] = [];
  url = "";

  private constructor(
    readonly dir: string,
    readonly door: string,
    readonly keyPair: KeyPair,
  ) {}

  static async create(prefix: string, door = "door-1"): Promise<Rig> {
    await initKeys();
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const kp = generateKeyPair();
    writeFileSync(join(dir, "device.pem"), encodePrivateKey(kp, "pem") as string);
    return new Rig(dir, door, kp);
  }

  get publicKey(): string {
    return toBase64(this.keyPair.publicKey);
  }

  /** Writes collector.json (SQLite, this door registered unless `config` says otherwise). */
  async collectorConfig(config: Record<string, unknown> = {}): Promise<string> {
    if (!this.url) this.url = `http://127.0.0.1:${await freePort()}`;
    const path = join(this.dir, "collector.json");
    writeFileSync(
      path,
      JSON.stringify({
        listen: this.url.slice("http://".length),
        storage: { type: "sqlite", path: "collector.db" },
        devices: { [this.door]: this.publicKey },
        ...config,
      }),
    );
    return path;
  }

  async startCollector(config?: Record<string, unknown>): Promise<LoggedProcess> {
    const path = await this.collectorConfig(config);
    const p = this.spawn(COLLECTOR, ["--config", path]);
    await p.waitFor((l) => l.msg === "collector listening");
    return p;
  }

  /** Writes a lock-agent config (file anchors, fast ticks, simulated driver) merged with `config`. */
  lockConfig(name: string, config: Record<string, unknown> = {}): string {
    const path = join(this.dir, name);
    writeFileSync(
      path,
      JSON.stringify({
        dir: "device",
        door: this.door,
        keyFile: "device.pem",
        collector: this.url,
        anchorsFile: "anchors.ndjson",
        anchorEvery: 5,
        tickMs: 10,
        logLevel: "debug",
        uplink: { backoffMs: 100, maxBackoffMs: 1000 },
        ...config,
        driver: {
          type: "simulated",
          badgeEveryMs: 30,
          holdOpenMs: 15,
          holdLongEvery: 0,
          seed: 7,
          ...(config.driver as object | undefined),
        },
      }),
    );
    return path;
  }

  startAgent(config: string, extra: string[] = [], env: Record<string, string> = {}): LoggedProcess {
    return this.spawn(AGENT, ["--config", config, ...extra], env);
  }

  spawn(script: string, args: string[], env: Record<string, string> = {}): LoggedProcess {
    const p = new LoggedProcess(script, args, { env });
    this.procs.push(p);
    return p;
  }

  /** Kills whatever is still running (afterAll). */
  killAll(): void {
    for (const p of this.procs) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  }

  /** Everything the collector holds for the door (its NDJSON export). */
  async collected(): Promise<LockEntry[]> {
    const r = await fetch(`${this.url}/v1/entries?door=${this.door}`);
    const text = await r.text();
    return text
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as LockEntry);
  }

  /** Everything the collector's SQLite file holds for the door (the collector stopped). */
  async stored(): Promise<LockEntry[]> {
    const store = new SqliteStore(join(this.dir, "collector.db"));
    const out: LockEntry[] = [];
    for await (const e of store.query({ door: this.door })) out.push(e);
    await store.close();
    return out;
  }

  anchorNotes(): string[] {
    return new FileAnchors(join(this.dir, "anchors.ndjson")).notes();
  }

  async audit(entries: LockEntry[], notes = this.anchorNotes()): Promise<ChainVerdict[]> {
    return audit(entries, { deviceKeys: new Map([[this.door, this.publicKey]]), anchors: notes });
  }
}

/** Waits until the agent has sent everything it holds after the line `after` (by time). */
export function drained(p: LoggedProcess, after: LogLine): Promise<LogLine> {
  return p.waitFor(
    (l) => l.msg === "uplink" && l.pending === 0 && (l.time as number) >= (after.time as number),
  );
}
