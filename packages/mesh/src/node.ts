// A mesh node: the wiring of its parts. It holds one state per network and
//   - serves the HTTP API (routes.ts, on the shared @chronoseal/http layer), taking pushes and
//     writes through the ingest pool (ingest-pool.ts: verified off the event loop, capped);
//   - at start and every gossip round signs what keeps its names live (refresh.ts: host record,
//     claims, renewals before the TTL) and forgets expired and superseded leases (lease.ts);
//   - after every change attests (when it holds an attestor key), journals the change
//     (node-files.ts), learns members from host records and rewrites dns.json;
//   - every gossip interval contacts a few members (membership.ts: probes, suspicion, backoff,
//     rejoin, reachability challenge) and syncs each network with them (gossip.ts); with no live
//     member it goes back to its bootstrap peers and snapshots, with backoff, until one answers;
//   - loads static data.json snapshots until one loads (bootstrap.ts);
//   - counts what it refused, by reason and sender (rejections.ts), and may serve DNS
//     (dns-server.ts). The status view is in node-status.ts.
// Longer than the ~400 lines the style asks: it is the wiring of the parts named above, one
// short method each (start and stop, the gossip round, ingest, attest-and-journal after a change,
// the reload); the logic lives in those modules, and the config types in node-config.ts.
import { toBase64 } from "@chronoseal/core";
import {
  closeHttpServer,
  createHttpServer,
  type HttpServer,
  type Logger,
  listenOn,
  StartupError,
  silentLogger,
} from "@chronoseal/http";
import { Bootstrap } from "./bootstrap.js";
import { DnsServer, type Resolution } from "./dns-server.js";
import { type MeshEntry, type Payload, signEntry } from "./entries.js";
import { syncWith } from "./gossip.js";
import { IngestPool, type PoolResult } from "./ingest-pool.js";
import { prunable } from "./lease.js";
import { type Member, Membership, type MembershipTransport } from "./membership.js";
import type { NodeConfig, NodeReconfig } from "./node-config.js";
import { checkStateDir, NodeFiles } from "./node-files.js";
import { nodeStatus } from "./node-status.js";
import { httpTransport } from "./peer-client.js";
import { answerChallenge, peerUrl } from "./reachability.js";
import { refreshDue } from "./refresh.js";
import { Rejections } from "./rejections.js";
import { registerRoutes } from "./routes.js";
import { checkSettingsEntry } from "./schema.js";
import type { IngestReport, NetworkState } from "./state.js";
import { attestAll } from "./sync.js";
import { dnsLines, hostRecords, mergeDns } from "./views.js";

export type { NetworkConfig, NodeConfig, NodeReconfig } from "./node-config.js";

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
  private readonly pool: IngestPool;
  readonly rejections: Rejections;
  private dnsServer: DnsServer | undefined;
  private dnsPort: number | undefined;
  /** name → addresses, from the merged dns lines (priority applied), for the DNS server. */
  private dnsIndex = new Map<string, string[]>();
  /** Going back to the bootstrap peers: attempts so far and when the next may start. */
  private resurrect = { attempts: 0, at: 0 };
  /** The listening port (the configured one, or the one the OS chose for port 0). */
  private port: number;

  constructor(private readonly c: NodeConfig) {
    // A configured settings entry is checked like one from a peer before it can be stored: an
    // entry the node could not load back from its own state file is refused here (SchemaError).
    for (const n of c.networks) if (n.settings) checkSettingsEntry(n.settings, n.admin);
    this.key = toBase64(c.nodeKey.publicKey);
    this.attestorKey = c.attestorKey ? toBase64(c.attestorKey.publicKey) : undefined;
    this.port = c.port;
    this.log = c.logger ?? silentLogger();
    this.files = new NodeFiles(c.stateDir, c.dnsPath);
    this.transport = httpTransport(c.probeTimeoutMs ?? 1000);
    this.bootstrap = new Bootstrap((level, msg, fields) => this.log[level](fields, msg));
    this.pool = new IngestPool(c.ingest);
    this.rejections = new Rejections({
      log: (fields, msg) => this.log.warn(fields, msg),
      ...(c.logEveryMs !== undefined ? { logEveryMs: c.logEveryMs } : {}),
    });
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
      ingest: (network, body, shape, sender) => this.ingestBody(network, body, shape, sender),
      refused: (sender, status, code) => this.rejections.refused(sender, status, code),
    });
    this.c.routes?.(app);
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
      ...(this.c.maxBackoffMs !== undefined ? { maxBackoffMs: this.c.maxBackoffMs } : {}),
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
    this.refresh();
    this.afterChange();
    if (this.c.dns) {
      this.dnsServer = new DnsServer({
        host: this.c.dns.host,
        port: this.c.dns.port,
        ...(this.c.dns.ttl !== undefined ? { ttl: this.c.dns.ttl } : {}),
        resolve: (name) => this.resolveName(name),
        log: (level, msg, fields) => this.log[level](fields, msg),
      });
      try {
        this.dnsPort = await this.dnsServer.start();
      } catch (e) {
        await app.close();
        throw new StartupError(
          "ERR_LISTEN",
          `cannot serve DNS on ${this.c.dns.host}:${this.c.dns.port}: ${(e as Error).message}`,
          { cause: e },
        );
      }
    }
    this.timer = setInterval(() => void this.gossip(), this.gossipMs);
    this.log.info(
      { url: this.url, networks: this.c.networks.length, ...(this.dnsPort ? { dnsPort: this.dnsPort } : {}) },
      "mesh node started",
    );
  }

  /** The DNS server's port (when it serves DNS). */
  get dnsServerPort(): number | undefined {
    return this.dnsPort;
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
      state.forget(prunable(state, now));
      this.states.set(n.admin, state);
      for (const p of n.bootstrapPeers ?? []) this.members!.configure(p);
      this.bootstrap.add(n.admin, n.bootstrapUrls ?? []);
    }
  }

  /**
   * Signs what keeps this node's names live (refresh.ts) and forgets what is no longer needed
   * (lease.ts); returns whether a state changed.
   */
  private refresh(now = Date.now()): boolean {
    let changed = false;
    for (const n of this.c.networks) {
      const state = this.states.get(n.admin);
      if (!state) continue;
      const due = refreshDue(state, {
        key: this.key,
        addresses: this.addresses,
        port: this.port,
        claims: [...(this.c.claims ?? []), ...(n.claims ?? [])],
        now,
      });
      if (due.length) {
        const r = state.ingest(due.map((p) => this.sign(p, now)));
        if (r.added) changed = true;
        if (Object.keys(r.rejected).length)
          this.log.warn(
            { network: n.admin, rejected: r.rejected },
            "own entries refused (banned or not listed?)",
          );
      }
      if (state.forget(prunable(state, now))) changed = true;
    }
    return changed;
  }

  private sign(payload: Payload, now: number): MeshEntry {
    return signEntry(payload, this.c.nodeKey.secretKey, now);
  }

  /**
   * Stops gossip and the server: idle keep-alive connections (peers reuse them) are closed at
   * once, requests in flight get up to graceMs, then every connection is closed. The state is
   * snapshotted last.
   */
  async stop(graceMs = 2000): Promise<void> {
    clearInterval(this.timer);
    await this.dnsServer?.stop();
    if (this.app) await closeHttpServer(this.app, graceMs);
    await this.pool.close();
    this.files.saveAll(this.states.values());
  }

  /**
   * A push or write from `sender`: prepared in the ingest pool (parse, schema, cap, signature
   * verification), then taken chunk by chunk. A change is journaled before the answer.
   */
  private async ingestBody(
    network: string,
    body: Buffer,
    shape: "data" | "entries",
    sender: string,
  ): Promise<PoolResult & { added?: number; attestationsAdded?: number }> {
    const state = this.states.get(network);
    if (!state) throw new Error(`unknown network ${network}`);
    const total: IngestReport = { added: 0, attestationsAdded: 0, rejected: {}, rejectedAttestations: {} };
    const settings = currentSettingsEntry(state);
    const r = await this.pool.run(
      {
        network,
        body,
        shape,
        maxEntries: this.c.maxEntriesPerRequest ?? 50_000,
        ...(settings ? { settings } : {}),
      },
      (chunk) => {
        const part = state.ingest(chunk.entries, chunk.attestations, {
          ids: chunk.ids,
          verified: new Map(chunk.verified),
        });
        total.added += part.added;
        total.attestationsAdded += part.attestationsAdded;
        addCounts(total.rejected, part.rejected);
        addCounts(total.rejectedAttestations!, part.rejectedAttestations ?? {});
      },
    );
    if (!r.ok) return r;
    const counted = state.countRejected(r.report.rejected, r.report.rejectedAttestations);
    addCounts(total.rejected, counted.rejected);
    addCounts(total.rejectedAttestations!, counted.rejectedAttestations ?? {});
    if (Object.keys(total.rejectedAttestations!).length === 0) delete total.rejectedAttestations;
    this.rejections.ingest(sender, network, total);
    this.c.hooks?.ingested?.(network, "http", total, r.entries);
    if (total.added || total.attestationsAdded) this.afterChange();
    return { ok: true, report: total, entries: r.entries };
  }

  /** DNS: which addresses a name has (priority applied), NXDOMAIN under a zone, REFUSED outside. */
  private resolveName(name: string): Resolution {
    const zones = new Set<string>();
    for (const s of this.states.values()) {
      const tld = s.settings()?.tld;
      if (tld) zones.add(tld.toLowerCase());
    }
    let zone: string | undefined;
    for (const z of zones)
      if ((name === z || name.endsWith(`.${z}`)) && (!zone || z.length > zone.length)) zone = z;
    if (!zone) return { kind: "refused" };
    if (name === zone) return { kind: "found", zone, ips: [] };
    const ips = this.dnsIndex.get(name);
    return ips ? { kind: "found", zone, ips } : { kind: "nxdomain", zone };
  }

  /** Attest, journal, learn members from host records, rewrite dns.json when it changed. */
  private afterChange(): void {
    const now = Date.now();
    const records = new Map<string, string[]>();
    for (const s of this.states.values()) {
      if (this.c.attestorKey) {
        const n = attestAll(
          s,
          { publicKey: this.attestorKey!, secretKey: this.c.attestorKey.secretKey },
          now,
        );
        if (n) this.c.hooks?.attested?.(s.network, n);
      }
      // Durable before anything is acknowledged: the change goes to the journal (one fsynced line).
      this.files.record(s);
      for (const [writer, h] of hostRecords(s, now)) {
        const urls = records.get(writer) ?? [];
        for (const a of h.addresses) urls.push(peerUrl(a, h.port));
        records.set(writer, urls);
      }
    }
    for (const [key, urls] of records) this.members?.fromRecord(key, urls);
    const lines = mergeDns(
      this.c.networks
        .filter((n) => this.states.has(n.admin))
        .map((n) => ({
          priority: n.priority,
          network: n.admin,
          lines: dnsLines(this.states.get(n.admin)!, now),
        })),
    );
    const index = new Map<string, string[]>();
    for (const l of lines) {
      const ips = index.get(l.hostname.toLowerCase()) ?? [];
      ips.push(l.ip);
      index.set(l.hostname.toLowerCase(), ips);
    }
    this.dnsIndex = index;
    this.files.writeDns(lines, this.c.dnsFormat ?? "ip");
  }

  /**
   * One gossip round: up to `fanout` members at random (membership.ts); each is probed (and
   * challenged when its address is not proven yet), then synced with when reached directly.
   */
  async gossip(): Promise<void> {
    if (this.gossiping || !this.members) return; // a slow round is still running
    this.gossiping = true;
    try {
      this.goBackIfIsolated();
      await this.bootstrap.run(this.states);
      this.refresh();
      const round = this.members.pick(this.c.fanout ?? 3);
      await Promise.all(round.map((m) => this.contact(m)));
      this.afterChange();
      this.rejections.flushAll();
      this.c.hooks?.gossipRound?.();
    } catch (e) {
      this.log.error({ error: String(e) }, "gossip round failed");
    } finally {
      this.gossiping = false;
    }
  }

  /**
   * Resurrection: with no live member, the node goes back to its configured bootstrap peers
   * (tried at once, even where a keyed member had replaced them) and its bootstrap snapshots,
   * then waits gossipMs·2^attempts (capped by maxBackoffMs) before doing it again, until a
   * member answers.
   */
  private goBackIfIsolated(now = Date.now()): void {
    const members = this.members!;
    const peers = this.c.networks.flatMap((n) => n.bootstrapPeers ?? []);
    const urls = this.c.networks.filter((n) => n.bootstrapUrls?.length);
    if (!members.isolated()) {
      if (this.resurrect.attempts > 0)
        this.log.info({ attempts: this.resurrect.attempts }, "rejoined the network");
      this.resurrect = { attempts: 0, at: 0 };
      return;
    }
    if ((peers.length === 0 && urls.length === 0) || now < this.resurrect.at) return;
    // The first round of a node that never had a live member is not a resurrection.
    if (this.resurrect.attempts > 0 || members.list().some((m) => m.lastSeen !== undefined)) {
      for (const p of peers) members.configure(p, true);
      for (const n of urls) this.bootstrap.add(n.admin, n.bootstrapUrls!);
      this.log.warn(
        { attempt: this.resurrect.attempts + 1, peers, snapshots: urls.length },
        "no live peer: back to the bootstrap peers and snapshots",
      );
      this.resurrect.attempts++;
    }
    const cap = this.c.maxBackoffMs ?? 60_000;
    this.resurrect.at = now + Math.min(cap, this.gossipMs * 2 ** Math.min(this.resurrect.attempts, 16));
  }

  private async contact(m: Member): Promise<void> {
    const members = this.members!;
    if ((await members.contact(m)) !== "direct" || !members.trusted(m)) return;
    const sender = `peer ${m.key ?? m.url}`;
    try {
      for (const s of this.states.values()) {
        const bytes = this.c.hooks?.gossipBytes;
        const r = await syncWith(m.url, s, bytes ? { onBytes: bytes } : {});
        for (const report of r.merged) {
          this.rejections.ingest(sender, s.network, report);
          this.c.hooks?.ingested?.(s.network, "gossip", report);
        }
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

  /** Peers by health (alive, suspect, dead). */
  peerHealth(): Record<"alive" | "suspect" | "dead", number> {
    const out = { alive: 0, suspect: 0, dead: 0 };
    for (const p of this.members?.list() ?? []) out[p.health]++;
    return out;
  }

  /** Are the HTTP server listening and every configured network's state loaded? */
  get serving(): boolean {
    return this.app !== undefined && this.members !== undefined;
  }

  /**
   * Applies a reloaded configuration (meshd's SIGHUP) without a restart: claims, fanout,
   * maxEntriesPerRequest, per-network claims, added bootstrap peers and settings entries (taken
   * like any entry: an older one than the network holds changes nothing). New claims are signed
   * at once; a claim no longer configured is not renewed and expires with its lease. Returns the
   * names of what changed.
   */
  reconfigure(u: NodeReconfig): string[] {
    // Checked before anything is applied: a bad settings entry changes nothing (SchemaError).
    for (const n of u.networks ?? []) if (n.settings) checkSettingsEntry(n.settings, n.admin);
    const changed: string[] = [];
    const same = (a: unknown, b: unknown) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
    if (u.claims && !same(u.claims, this.c.claims)) {
      this.c.claims = [...u.claims];
      changed.push("claims");
    }
    if (u.fanout !== undefined && u.fanout !== (this.c.fanout ?? 3)) {
      this.c.fanout = u.fanout;
      changed.push("fanout");
    }
    if (
      u.maxEntriesPerRequest !== undefined &&
      u.maxEntriesPerRequest !== (this.c.maxEntriesPerRequest ?? 50_000)
    ) {
      this.c.maxEntriesPerRequest = u.maxEntriesPerRequest;
      changed.push("maxEntriesPerRequest");
    }
    for (const [i, n] of (u.networks ?? []).entries()) {
      const current = this.c.networks.find((x) => x.admin === n.admin);
      const state = this.states.get(n.admin);
      if (!current || !state) continue;
      if (n.claims && !same(n.claims, current.claims)) {
        current.claims = [...n.claims];
        changed.push(`networks[${i}].claims`);
      }
      const added = (n.bootstrapPeers ?? []).filter((p) => !(current.bootstrapPeers ?? []).includes(p));
      if (added.length) {
        current.bootstrapPeers = [...(current.bootstrapPeers ?? []), ...added];
        for (const p of added) this.members?.configure(p);
        changed.push(`networks[${i}].bootstrapPeers`);
      }
      if (n.settings) {
        // (an entry older than the network's settings is kept but changes nothing)
        const before = JSON.stringify(state.settings() ?? null);
        const r = state.ingest([n.settings]);
        if (Object.keys(r.rejected).length)
          this.log.warn({ network: n.admin, rejected: r.rejected }, "settings entry rejected");
        if (JSON.stringify(state.settings() ?? null) !== before) changed.push(`networks[${i}].settings`);
      }
    }
    if (changed.length) {
      this.refresh();
      this.afterChange();
    }
    return changed;
  }

  /** Status for the API and the CLI (node-status.ts). */
  status() {
    return nodeStatus({
      key: this.key,
      url: this.url,
      attestorKey: this.attestorKey,
      networks: this.c.networks,
      states: this.states,
      members: this.members,
      rejections: this.rejections,
      attestorReachable: (network) => this.attestorReachable(network),
      dnsPort: this.dnsPort,
      isolated: this.resurrect.attempts > 0,
    });
  }
}

/** The state's current settings entry (settings() returns the stored, signed entry). */
function currentSettingsEntry(state: NetworkState): MeshEntry | undefined {
  return state.settings() as MeshEntry | undefined;
}

function addCounts(into: Record<string, number | undefined>, from: Record<string, number | undefined>): void {
  for (const [k, n] of Object.entries(from)) if (n) into[k] = (into[k] ?? 0) + n;
}
