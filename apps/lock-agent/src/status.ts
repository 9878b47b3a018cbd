// The lock agent's status, for operators: what the daemon is doing, in three forms that show the
// same figures —
//   <dir>/status.json   replaced atomically (temp file + rename) every status.everyMs and at stop:
//                       door, chain, entries, uplink backlog, anchor backlog, witnesses, last
//                       errors, updated time;
//   <dir>/metrics.prom  the Prometheus text format, for node_exporter's textfile collector;
//   status.listen       optionally, a local HTTP endpoint on the shared HTTP layer: GET /status
//                       (the same JSON), /healthz, /readyz (the agent runs), /metrics.
// The counters (entries, anchors, uplink deliveries, refusals, errors) live in the daemon's own
// Prometheus registry; gauges are read from the agent when the status is taken.
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  closeHttpServer,
  createDaemonMetrics,
  createHttpServer,
  type DaemonMetrics,
  type HttpServer,
  type Logger,
  listenOn,
  registerHealthRoutes,
  registerMetricsRoute,
} from "@chronoseal/http";
import type { LockAgent, Uplink, WitnessedAnchors, WitnessStatus } from "@chronoseal/lock";
import { Counter, Gauge } from "prom-client";

export interface StatusView {
  door: string;
  chain: string;
  period: string;
  entries: number;
  decommissioned: boolean;
  uplink: { backlog: number; lastError?: string };
  anchors: { backlog: number; error?: string };
  witnesses: WitnessStatus[];
  authorize: { allowlist: string } | { module: string } | { everyone: true };
  badgesRefused: number;
  lastErrors: { at: string; kind: string; error: string }[];
  logLevel: string;
  tickMs: number;
  started: string;
  updated: string;
  pid: number;
}

export interface StatusOptions {
  dir: string;
  door: string;
  everyMs: number;
  listen?: { host: string; port: number } | undefined;
  log: Logger;
  /** Settings that a reload may change, as they are now. */
  settings: () => Pick<StatusView, "authorize" | "logLevel" | "tickMs">;
}

const KEEP_ERRORS = 10;

export class AgentStatus {
  readonly metrics: DaemonMetrics;
  private agent: LockAgent | undefined;
  private uplink: Uplink | undefined;
  private witnessed: WitnessedAnchors | undefined;
  private server: HttpServer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly started = new Date().toISOString();
  private readonly errors: StatusView["lastErrors"] = [];
  private lastUplinkError: string | undefined;
  private refused = 0;
  private readonly entries: Counter<"event">;
  private readonly anchors: Counter<"kind">;
  private readonly sent: Counter;
  private readonly refusals: Counter;
  private readonly failures: Counter<"kind">;

  constructor(private readonly o: StatusOptions) {
    this.metrics = createDaemonMetrics();
    const registers = [this.metrics.registry];
    this.entries = new Counter({
      name: "chronoseal_lock_entries_total",
      help: "Entries made durable by this process, by event",
      labelNames: ["event"] as const,
      registers,
    });
    this.anchors = new Counter({
      name: "chronoseal_lock_anchors_total",
      help: "Anchors made by this process, by kind",
      labelNames: ["kind"] as const,
      registers,
    });
    this.sent = new Counter({
      name: "chronoseal_lock_uplink_sent_entries_total",
      help: "Entries the collector acknowledged",
      registers,
    });
    this.refusals = new Counter({
      name: "chronoseal_lock_badges_refused_total",
      help: "Badges refused by the access decision",
      registers,
    });
    this.failures = new Counter({
      name: "chronoseal_lock_errors_total",
      help: "Errors, by kind (uplink, anchor, step, authorization)",
      labelNames: ["kind"] as const,
      registers,
    });
    const self = this;
    new Gauge({
      name: "chronoseal_lock_backlog",
      help: "Waiting for delivery: entries for the collector (uplink), anchors for the mesh or file (anchor)",
      labelNames: ["queue"] as const,
      registers,
      collect() {
        this.set({ queue: "uplink" }, self.uplink?.pending ?? 0);
        this.set({ queue: "anchor" }, self.agent?.anchorBacklog.pending ?? 0);
      },
    });
    new Gauge({
      name: "chronoseal_lock_chain_entries",
      help: "Entries in the open chain",
      registers,
      collect() {
        this.set(self.agent?.entries ?? 0);
      },
    });
    new Gauge({
      name: "chronoseal_lock_witness_missing",
      help: "Per witness: chains whose newest anchor lacks its cosignature",
      labelNames: ["witness"] as const,
      registers,
      collect() {
        this.reset();
        for (const w of self.witnessed?.status() ?? []) this.set({ witness: w.name }, w.missing);
      },
    });
  }

  /** Starts the endpoint (when configured) before the agent: a port in use stops the start. */
  async listen(): Promise<string | undefined> {
    if (!this.o.listen) return undefined;
    const app = createHttpServer({ logger: this.o.log, observe: this.metrics.observe, closeGraceMs: 1000 });
    app.get("/status", async () => this.view());
    registerHealthRoutes(app, {
      checks: {
        agent: () => (this.agent ? (this.agent.decommissioned ? "decommissioned" : undefined) : "starting"),
      },
    });
    registerMetricsRoute(app, this.metrics.registry);
    const url = await listenOn(app, this.o.listen.host, this.o.listen.port);
    this.server = app;
    return url;
  }

  /** The agent runs: the status is written now and every everyMs. */
  attach(agent: LockAgent, uplink: Uplink, witnessed: WitnessedAnchors | undefined): void {
    this.agent = agent;
    this.uplink = uplink;
    this.witnessed = witnessed;
    void this.write();
    this.timer = setInterval(() => void this.write(), this.o.everyMs);
    this.timer.unref();
  }

  entry(event: string): void {
    this.entries.inc({ event });
  }

  anchor(kind: string): void {
    this.anchors.inc({ kind });
  }

  delivered(sent: number, error: string | undefined): void {
    if (sent) this.sent.inc(sent);
    if (error && error !== this.lastUplinkError) this.error("uplink", error);
    this.lastUplinkError = error;
  }

  badgeRefused(): number {
    this.refusals.inc();
    return ++this.refused;
  }

  /** Records an error (the newest few are kept in the status). */
  error(kind: string, error: string): void {
    this.failures.inc({ kind });
    this.errors.push({ at: new Date().toISOString(), kind, error: error.slice(0, 500) });
    if (this.errors.length > KEEP_ERRORS) this.errors.shift();
  }

  view(): StatusView {
    const a = this.agent;
    const backlog = a?.anchorBacklog ?? { pending: 0 };
    return {
      door: this.o.door,
      chain: a?.chain ?? "",
      period: a?.period ?? "",
      entries: a?.entries ?? 0,
      decommissioned: a?.decommissioned ?? false,
      uplink: {
        backlog: this.uplink?.pending ?? 0,
        ...(this.lastUplinkError ? { lastError: this.lastUplinkError } : {}),
      },
      anchors: { backlog: backlog.pending, ...(backlog.error ? { error: backlog.error } : {}) },
      witnesses: this.witnessed?.status() ?? [],
      ...this.o.settings(),
      badgesRefused: this.refused,
      lastErrors: [...this.errors],
      started: this.started,
      updated: new Date().toISOString(),
      pid: process.pid,
    };
  }

  /** Replaces status.json and metrics.prom atomically (a reader never sees half a file). */
  async write(): Promise<void> {
    try {
      const replace = (name: string, text: string) => {
        const path = join(this.o.dir, name);
        writeFileSync(`${path}.tmp`, text, { mode: 0o644 });
        renameSync(`${path}.tmp`, path);
      };
      replace("status.json", `${JSON.stringify(this.view(), null, 2)}\n`);
      replace("metrics.prom", await this.metrics.registry.metrics());
    } catch (e) {
      this.o.log.warn({ error: (e as Error).message }, "status file not written");
    }
  }

  /** A last write, then the endpoint closes. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.write();
    if (this.server) await closeHttpServer(this.server, 1000);
    this.metrics.close();
  }
}
