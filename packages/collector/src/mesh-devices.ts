// Device keys from the mesh registry: the collector learns new doors without a restart. Each lock
// registers its device key in the mesh (`device:<door>` records of the `lock-anchors` section,
// signed by the key itself). This keeps a live door → key map, refreshed every `refreshMs` from
// the first mesh node that answers and verified locally (`readMeshAnchors`: writer signatures,
// admin-signed settings, trusted attestations — a registration counts once attested, the earliest
// per door wins, and a key registers one door only). The server reads the same Map object, so a
// door appears for ingest and expiry as soon as a refresh finds it.
// Rules: doors from the config (`fixed`) win over the mesh for their names; a door keeps the key it
// was first learnt with (a later, different registration is logged and ignored — a key change is
// a new door, or an operator's config); doors are never removed. A refresh is skipped when the
// node's digest root has not changed since the last one.

import type { Logger } from "@chronoseal/http";
import { readMeshAnchors } from "@chronoseal/lock";

export interface MeshDevicesOptions {
  /** Base URLs of mesh nodes, tried in order. */
  nodes: string[];
  /** The network (its admin public key, base64). */
  network: string;
  /** Doors configured locally; they take precedence. */
  fixed?: ReadonlyMap<string, string>;
  /** How often to look for new registrations (ms, default 10 s). */
  refreshMs?: number;
  /** pino logger (default: silent). */
  logger?: Logger;
}

export class MeshDevices {
  /** The live registry (pass it to createCollectorServer as `devices`). */
  readonly devices: Map<string, string>;
  private readonly warned = new Set<string>();
  private lastRoot = "";
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<unknown> | undefined;

  /** Doors configured locally (replaced by setFixed). */
  private fixed: ReadonlyMap<string, string>;

  constructor(private readonly o: MeshDevicesOptions) {
    if (o.nodes.length === 0) throw new RangeError("nodes: at least one mesh node URL is needed");
    this.fixed = o.fixed ?? new Map();
    this.devices = new Map(this.fixed);
  }

  /**
   * Replaces the locally configured doors (a reloaded config, SIGHUP): doors no longer
   * configured are forgotten, configured ones take precedence, and the next refresh reads the
   * mesh again so that doors registered there are learnt back.
   */
  setFixed(fixed: ReadonlyMap<string, string>): void {
    for (const door of this.fixed.keys()) if (!fixed.has(door)) this.devices.delete(door);
    for (const [door, key] of fixed) this.devices.set(door, key);
    this.fixed = fixed;
    this.lastRoot = "";
  }

  private log(level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>): void {
    this.o.logger?.[level](fields ?? {}, msg);
  }

  /** The digest root of the first node that answers ("" when none does). */
  private async root(): Promise<string> {
    for (const node of this.o.nodes) {
      try {
        const r = await fetch(
          `${node.replace(/\/$/, "")}/v1/networks/${encodeURIComponent(this.o.network)}/digest`,
          { signal: AbortSignal.timeout(5000) },
        );
        if (r.ok) return `${node} ${((await r.json()) as { root?: unknown }).root}`;
      } catch {
        // next node
      }
    }
    return "";
  }

  /** Reads the registry once; returns the doors it added. Errors are logged, not thrown. */
  async refresh(): Promise<string[]> {
    const added: string[] = [];
    try {
      const root = await this.root();
      if (root !== "" && root === this.lastRoot) return added;
      const view = await readMeshAnchors({ nodes: this.o.nodes, network: this.o.network });
      for (const [door, key] of view.devices) {
        const known = this.devices.get(door);
        if (known === undefined) {
          this.devices.set(door, key);
          added.push(door);
          this.log("info", "device registered", { door, key, node: view.node });
        } else if (known !== key && !this.warned.has(`${door} ${key}`)) {
          this.warned.add(`${door} ${key}`);
          this.log("warn", "registration ignored: the door is known with another key", { door, key });
        }
      }
      this.lastRoot = root;
    } catch (e) {
      this.log("warn", "mesh registry unavailable", { error: e instanceof Error ? e.message : String(e) });
    }
    return added;
  }

  /** Refreshes now and then every refreshMs (the timer does not keep the process alive). */
  start(): Promise<string[]> {
    this.timer ??= setInterval(() => {
      this.running ??= this.refresh().finally(() => {
        this.running = undefined;
      });
    }, this.o.refreshMs ?? 10_000);
    this.timer.unref();
    return this.refresh();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
