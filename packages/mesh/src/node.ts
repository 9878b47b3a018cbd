// A mesh node: the wiring of its parts. It holds one state per network and
//   - serves the HTTP API (routes.ts, on the shared @chronoseal/http layer);
//   - signs its own host record and claims when the state lacks them (ownEntries);
//   - after every change attests (when it holds an attestor key), journals the change
//     (node-files.ts), learns members from host records and rewrites dns.json;
//   - every gossip interval contacts a few members (membership.ts: probes, suspicion, backoff,
//     rejoin, reachability challenge) and syncs each network with them (gossip.ts);
//   - loads static data.json snapshots until one loads (bootstrap.ts).
import { type KeyPair, toBase64 } from "@chronoseal/core";
import {
  closeHttpServer,
  createHttpServer,
  type HttpServer,
  type Logger,
  listenOn,
  type RequestRecord,
  silentLogger,
} from "@chronoseal/http";
import { Bootstrap } from "./bootstrap.js";
import { type Claim, type HostRecord, type MeshEntry, signEntry } from "./entries.js";
import { syncWith } from "./gossip.js";
import { type Member, Membership, type MembershipTransport } from "./membership.js";
import { checkStateDir, NodeFiles } from "./node-files.js";
import { httpTransport } from "./peer-client.js";
import { answerChallenge, peerUrl } from "./reachability.js";
import { registerRoutes } from "./routes.js";
import type { NetworkState } from "./state.js";
import { attestAll } from "./sync.js";
import { dnsLines, hostnames, hostRecords, mergeDns } from "./views.js";

export interface NetworkConfig {
  /** Admin public key (base64): the network's identity. */
  admin: string;
  priority: number;
  /** Peer base URLs to start from. */
  bootstrapPeers?: string[];
  /**
   * Static data.json snapshots to start from: http(s) URLs, file: URLs or paths. Loaded at start
   * and retried every gossip round until one of them loads.
   */
  bootstrapUrls?: string[];
  /** Host names this node claims in this network only (besides NodeConfig.claims). */
  claims?: string[];
  /** Initial settings entry (signed by the admin) for a node that starts a network. */
  settings?: MeshEntry;
}

export interface NodeConfig {
  stateDir: string;
  host: string;
  port: number;
  nodeKey: KeyPair;
  attestorKey?: KeyPair;
  networks: NetworkConfig[];
  /** Host names this node claims (in every network it joins). */
  claims?: string[];
  /** Addresses published in the node's host record (default: the listen host). */
  addresses?: string[];
  gossipMs?: number;
  /** Peers contacted per gossip round (default 3). */
  fanout?: number;
  /** How long a peer stays suspect before it is declared dead (default 3 gossip intervals). */
  suspicionMs?: number;
  /** Timeout of a direct or indirect probe (default 1000 ms). */
  probeTimeoutMs?: number;
  dnsPath?: string;
  /** pino logger (default: silent). */
  logger?: Logger;
  /** Called once per answered HTTP request (the metrics hook). */
  observe?: (record: RequestRecord) => void;
}

export class MeshNode {
  readonly states = new Map<string, NetworkState>();
  readonly key: string;
  private readonly attestorKey: string | undefined;
  private readonly log: Logger;
  private readonly files: NodeFiles;
  private readonly bootstrap: Bootstrap;
  private members: Membership | undefined;
  private app: HttpServer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private gossiping = false;
  private readonly transport: MembershipTransport;
  /** The listening port (the configured one, or the one the OS chose for port 0). */
  private port: number;

  constructor(private readonly c: NodeConfig) {
    this.key = toBase64(c.nodeKey.publicKey);
    this.attestorKey = c.attestorKey ? toBase64(c.attestorKey.publicKey) : undefined;
    this.port = c.port;
    this.log = c.logger ?? silentLogger();
    this.files = new NodeFiles(c.stateDir, c.dnsPath);
    this.transport = httpTransport(c.probeTimeoutMs ?? 1000);
    this.bootstrap = new Bootstrap((level, msg, fields) => this.log[level](fields, msg));
  }

  get url(): string {
    return peerUrl(this.c.host, this.port);
  }

  private get gossipMs(): number {
    return this.c.gossipMs ?? 1000;
  }

  private get addresses(): string[] {
    return this.c.addresses ?? [this.c.host];
  }

  /**
   * Checks the state directory, listens, loads every network's state and starts gossip. A
   * problem the operator must fix (port in use, state directory) is a StartupError.
   */
  async start(): Promise<void> {
    checkStateDir(this.c.stateDir);
    const app = createHttpServer({
      logger: this.log,
      closeGraceMs: 2000,
      ...(this.c.observe ? { observe: this.c.observe } : {}),
    });
    registerRoutes(app, {
      key: this.key,
      attestorKey: this.attestorKey,
      states: this.states,
      status: () => this.status(),
      dnsText: () => this.files.dnsText,
      probePeer: (url) => this.probePeer(url),
      answerChallenge: (nonce) =>
        answerChallenge(nonce, { nodeKey: this.c.nodeKey, addresses: this.addresses, port: this.port }),
      changed: () => this.afterChange(),
    });
    // Listen first: with port 0 the host record needs the port the OS chose. Until the states
    // are loaded, requests for a network get 404 (peers take that as "not in this network").
    let url: string;
    try {
      url = await listenOn(app, this.c.host, this.c.port);
    } catch (e) {
      await app.close();
      throw e;
    }
    this.app = app;
    this.port = Number(new URL(url).port);
    this.members = new Membership({
      self: this.url,
      selfKey: this.key,
      intervalMs: this.gossipMs,
      ...(this.c.suspicionMs !== undefined ? { suspicionMs: this.c.suspicionMs } : {}),
      now: Date.now,
      random: Math.random,
      transport: this.transport,
      log: (level, msg, fields) => this.log[level](fields, msg),
    });
    try {
      this.loadStates();
    } catch (e) {
      await app.close();
      throw e;
    }
    await this.bootstrap.run(this.states);
    this.afterChange();
    this.timer = setInterval(() => void this.gossip(), this.gossipMs);
    this.log.info({ url: this.url, networks: this.c.networks.length }, "mesh node started");
  }

  private loadStates(): void {
    const now = Date.now();
    for (const n of this.c.networks) {
      const { state, quarantined, error, replayed, tornBytes } = this.files.load(n.admin);
      if (quarantined)
        this.log.warn({ network: n.admin, quarantined, error }, "corrupt state file moved aside");
      if (tornBytes) this.log.warn({ network: n.admin, tornBytes }, "torn journal line cut off");
      this.log.info({ network: n.admin, entries: state.entries.size, replayed }, "state loaded");
      if (n.settings) {
        const r = state.ingest([n.settings]);
        if (Object.keys(r.rejected).length)
          this.log.warn({ network: n.admin, rejected: r.rejected }, "settings entry rejected");
      }
      state.ingest(this.ownEntries(state, [...(this.c.claims ?? []), ...(n.claims ?? [])], now));
      this.states.set(n.admin, state);
      for (const p of n.bootstrapPeers ?? []) this.members!.configure(p);
      this.bootstrap.add(n.admin, n.bootstrapUrls ?? []);
    }
  }

  /**
   * Our host record and claims, signed only when the state does not already hold them (a
   * restart does not add entries, and an earlier claim keeps its attested time).
   */
  private ownEntries(state: NetworkState, claims: readonly string[], now: number): MeshEntry[] {
    const out: MeshEntry[] = [];
    const addresses = this.addresses;
    const current = hostRecords(state, now).get(this.key);
    if (!current || current.port !== this.port || current.addresses.join() !== addresses.join())
      out.push(
        this.sign({ kind: "host", network: state.network, addresses, port: this.port } as HostRecord, now),
      );
    const deleted = state.deleted();
    const claimed = new Set<string>();
    for (const [id, e] of state.entries)
      if (e.kind === "claim" && e.writer === this.key && !deleted.has(id)) claimed.add(e.hostname);
    for (const hostname of new Set(claims))
      if (!claimed.has(hostname))
        out.push(this.sign({ kind: "claim", network: state.network, hostname } as Claim, now));
    return out;
  }

  private sign(
    payload: Omit<HostRecord, "writer" | "last_updated"> | Omit<Claim, "writer" | "last_updated">,
    now: number,
  ) {
    return signEntry(
      { ...payload, writer: this.key, last_updated: new Date(now).toISOString() } as HostRecord | Claim,
      this.c.nodeKey.secretKey,
      now,
    );
  }

  /**
   * Stops gossip and the server: idle keep-alive connections (peers reuse them) are closed at
   * once, requests in flight get up to graceMs, then every connection is closed. The state is
   * snapshotted last.
   */
  async stop(graceMs = 2000): Promise<void> {
    clearInterval(this.timer);
    if (this.app) await closeHttpServer(this.app, graceMs);
    this.files.saveAll(this.states.values());
  }

  /** Attest, journal, learn members from host records, rewrite dns.json when it changed. */
  private afterChange(): void {
    const now = Date.now();
    const records = new Map<string, string[]>();
    for (const s of this.states.values()) {
      if (this.c.attestorKey)
        attestAll(s, { publicKey: this.attestorKey!, secretKey: this.c.attestorKey.secretKey }, now);
      // Durable before anything is acknowledged: the change goes to the journal (one fsynced line).
      this.files.record(s);
      for (const [writer, h] of hostRecords(s, now)) {
        const urls = records.get(writer) ?? [];
        for (const a of h.addresses) urls.push(peerUrl(a, h.port));
        records.set(writer, urls);
      }
    }
    for (const [key, urls] of records) this.members?.fromRecord(key, urls);
    this.files.writeDns(
      mergeDns(
        this.c.networks.map((n) => ({
          priority: n.priority,
          network: n.admin,
          lines: dnsLines(this.states.get(n.admin)!, now),
        })),
      ),
    );
  }

  /**
   * One gossip round: up to `fanout` members at random (membership.ts); each is probed (and
   * challenged when its address is not proven yet), then synced with when reached directly.
   */
  async gossip(): Promise<void> {
    if (this.gossiping || !this.members) return; // a slow round is still running
    this.gossiping = true;
    try {
      await this.bootstrap.run(this.states);
      const round = this.members.pick(this.c.fanout ?? 3);
      await Promise.all(round.map((m) => this.contact(m)));
      this.afterChange();
    } catch (e) {
      this.log.error({ error: String(e) }, "gossip round failed");
    } finally {
      this.gossiping = false;
    }
  }

  private async contact(m: Member): Promise<void> {
    const members = this.members!;
    if ((await members.contact(m)) !== "direct" || !members.trusted(m)) return;
    try {
      for (const s of this.states.values()) {
        const r = await syncWith(m.url, s);
        for (const report of r.merged)
          if (Object.keys(report.rejected).length)
            this.log.warn({ peer: m.url, rejected: report.rejected }, "peer sent rejected entries");
      }
    } catch (e) {
      members.failed(m, String(e));
    }
  }

  /** An indirect probe for a peer: only for an address this node knows (no open relay). */
  private probePeer(url: string): Promise<boolean> | undefined {
    if (!this.members?.byUrl(url).length) return undefined;
    return this.transport.ping(url).then(
      () => true,
      () => false,
    );
  }

  /** Is a trusted attestor of the network reachable (this node, or a member not declared dead)? */
  attestorReachable(network: string): boolean {
    const attestors = new Set(this.states.get(network)?.settings()?.attestors ?? []);
    if (this.attestorKey && attestors.has(this.attestorKey)) return true;
    for (const a of this.members?.attestors() ?? []) if (attestors.has(a)) return true;
    return false;
  }

  /** Status for the API and the CLI. */
  status() {
    const now = Date.now();
    return {
      node: this.key,
      url: this.url,
      attestor: this.attestorKey,
      peers: (this.members?.list() ?? []).map((p) => ({
        url: p.url,
        health: p.health,
        failures: p.failures,
        ...(p.node ? { node: p.node } : {}),
        ...(p.key ? { claimedBy: p.key, verified: p.verified } : {}),
        // challenges failed at this address: someone else answers there (an impostor's record)
        ...(p.challengeFailures ? { challengeFailures: p.challengeFailures } : {}),
        ...(p.attestor ? { attestor: p.attestor } : {}),
        ...(p.lastSeen ? { lastSeen: new Date(p.lastSeen).toISOString() } : {}),
      })),
      // (a request during start-up sees only the networks loaded so far)
      networks: this.c.networks
        .filter((n) => this.states.has(n.admin))
        .map((n) => {
          const s = this.states.get(n.admin)!;
          const names = hostnames(s, now);
          const attestorReachable = this.attestorReachable(n.admin);
          let deletedCount = 0;
          for (const id of s.deleted()) if (s.entries.has(id)) deletedCount++;
          return {
            network: n.admin,
            priority: n.priority,
            entries: s.entries.size,
            attested: [...s.entries.keys()].filter((id) => s.timeOf(id) !== undefined).length,
            deleted: deletedCount,
            active: names.active.length,
            pending: names.pending.length,
            rejected: s.rejected,
            attestorReachable,
            // Without a reachable attestor new claims stay pending: the network is read-only for them.
            readOnlyForNewClaims: !attestorReachable,
            names: names.active,
            pendingNames: names.pending,
          };
        }),
    };
  }
}
