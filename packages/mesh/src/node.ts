// A mesh node: one or more networks, an HTTP API for peers and clients, gossip (digest first,
// then only differing buckets; whole state when most buckets differ) with SWIM-style failure
// detection (direct probe, indirect probe through other peers, suspicion, death, backoff and
// rejoin), bootstrap from peers or a static data.json (URL or file), attestation after each
// merge (when the node holds an attestor key), persistence and an atomically written dns.json.

import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { fromBase64, type KeyPair, parseJson, sign, toBase64, verify } from "@chronoseal/core";
import { type Claim, type HostRecord, type MeshEntry, signEntry } from "./entries.js";
import { appendJournal, loadState, saveState } from "./persist.js";
import { checkDataJson } from "./schema.js";
import type { NetworkState } from "./state.js";
import {
  attestAll,
  checkSummaries,
  type Digest,
  differingBuckets,
  digest,
  itemsFor,
  type Reconciliation,
  reconcile,
  slice,
  summaries,
} from "./sync.js";
import { dnsLines, hostnames, hostRecords, mergeDns, sectionRecords } from "./views.js";

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
  log?: (level: "info" | "warn", msg: string, fields?: Record<string, unknown>) => void;
}

type PeerHealth = "alive" | "suspect" | "dead";
interface Peer {
  url: string;
  health: PeerHealth;
  failures: number;
  retryAt: number;
  suspectSince: number;
  /**
   * The node key whose host record published this address. Such a peer is used only after it
   * answers a reachability challenge signed with that key (`verified`).
   */
  claimedBy?: string;
  verified?: boolean;
  /** The peer's node key and attestor key, from its last ping answer. */
  node?: string;
  attestor?: string;
  lastSeen?: number;
}

interface PingAnswer {
  node: string;
  attestor?: string;
  networks: string[];
}

const MAX_BODY = 16 << 20;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class MeshNode {
  readonly states = new Map<string, NetworkState>();
  private readonly peers = new Map<string, Peer>();
  private server: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastDns = "";
  /** Size of each network's last snapshot (the journal is folded in once it grows past it). */
  private readonly snapshotBytes = new Map<string, number>();
  /** Networks whose bootstrap snapshots have not loaded yet. */
  private readonly bootstrapPending = new Set<string>();
  private gossiping = false;
  readonly key: string;

  constructor(private readonly c: NodeConfig) {
    this.key = toBase64(c.nodeKey.publicKey);
    this.port = c.port;
  }

  private log(level: "info" | "warn", msg: string, fields?: Record<string, unknown>) {
    this.c.log?.(level, msg, fields);
  }

  /** The listening port (the configured one, or the one the OS chose for port 0). */
  private port: number;

  get url(): string {
    const h = this.c.host.includes(":") ? `[${this.c.host}]` : this.c.host;
    return `http://${h}:${this.port}`;
  }

  async start(): Promise<void> {
    // Listen first: with port 0 the host record needs the port the OS chose. Until the states
    // are loaded, requests for a network get 404 (peers take that as "not in this network").
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(this.c.port, this.c.host, r));
    this.port = (this.server.address() as { port: number }).port;
    const now = Date.now();
    for (const n of this.c.networks) {
      const { state, quarantined, error, replayed, tornBytes } = loadState(this.c.stateDir, n.admin);
      if (quarantined)
        this.log("warn", "corrupt state file moved aside", { network: n.admin, quarantined, error });
      if (tornBytes) this.log("warn", "torn journal line cut off", { network: n.admin, tornBytes });
      this.log("info", "state loaded", { network: n.admin, entries: state.entries.size, replayed });
      if (n.settings) {
        const r = state.ingest([n.settings]);
        if (Object.keys(r.rejected).length)
          this.log("warn", "settings entry rejected", { network: n.admin, rejected: r.rejected });
      }
      state.ingest(this.ownEntries(state, [...(this.c.claims ?? []), ...(n.claims ?? [])], now));
      this.states.set(n.admin, state);
      for (const p of n.bootstrapPeers ?? []) this.addPeer(p);
      if (n.bootstrapUrls?.length) this.bootstrapPending.add(n.admin);
    }
    await this.bootstrapSnapshots();
    this.afterChange();
    this.timer = setInterval(() => void this.gossip(), this.gossipMs);
    this.log("info", "mesh node started", { url: this.url, networks: this.c.networks.length });
  }

  private get gossipMs(): number {
    return this.c.gossipMs ?? 1000;
  }

  /**
   * Our host record and claims, signed only when the state does not already hold them (a
   * restart does not add entries, and an earlier claim keeps its attested time).
   */
  private ownEntries(state: NetworkState, claims: readonly string[], now: number): MeshEntry[] {
    const out: MeshEntry[] = [];
    const addresses = this.c.addresses ?? [this.c.host];
    const current = hostRecords(state, now).get(this.key);
    if (!current || current.port !== this.port || current.addresses.join() !== addresses.join())
      out.push(
        signEntry(
          {
            kind: "host",
            network: state.network,
            writer: this.key,
            last_updated: new Date(now).toISOString(),
            addresses,
            port: this.port,
          } as HostRecord,
          this.c.nodeKey.secretKey,
          now,
        ),
      );
    const deleted = state.deleted();
    const claimed = new Set<string>();
    for (const [id, e] of state.entries)
      if (e.kind === "claim" && e.writer === this.key && !deleted.has(id)) claimed.add(e.hostname);
    for (const hostname of new Set(claims))
      if (!claimed.has(hostname)) out.push(this.claimEntry(state.network, hostname, now));
    return out;
  }

  /** Loads the static data.json snapshots of networks that have not loaded one yet. */
  private async bootstrapSnapshots(): Promise<void> {
    for (const n of this.c.networks) {
      if (!this.bootstrapPending.has(n.admin)) continue;
      for (const src of n.bootstrapUrls ?? []) {
        try {
          const text = /^https?:/i.test(src)
            ? await fetchText(src, MAX_BODY)
            : readFileSync(src.startsWith("file:") ? fileURLToPath(src) : src, "utf8");
          const json = checkDataJson(parseJson(text));
          if (json.network !== n.admin) throw new Error(`snapshot is of network ${json.network}`);
          const r = this.states.get(n.admin)!.merge(json);
          this.log("info", "bootstrapped from snapshot", { network: n.admin, source: src, ...r });
          this.bootstrapPending.delete(n.admin);
          break;
        } catch (e) {
          this.log("warn", "bootstrap snapshot unusable", {
            network: n.admin,
            source: src,
            error: String(e),
          });
        }
      }
    }
  }

  /**
   * Stops gossip and the server: idle keep-alive connections (peers reuse them) are closed at
   * once, requests in flight get up to graceMs, then every connection is closed. The state is
   * snapshotted last.
   */
  async stop(graceMs = 2000): Promise<void> {
    clearInterval(this.timer);
    const server = this.server;
    if (server) {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(force);
    }
    for (const s of this.states.values()) saveState(this.c.stateDir, s);
  }

  private claimEntry(network: string, hostname: string, now: number): MeshEntry {
    return signEntry(
      {
        kind: "claim",
        network,
        writer: this.key,
        last_updated: new Date(now).toISOString(),
        hostname,
      } as Claim,
      this.c.nodeKey.secretKey,
      now,
    );
  }

  private addPeer(url: string, claimedBy?: string): void {
    const u = url.replace(/\/$/, "");
    if (u === this.url) return;
    const known = this.peers.get(u);
    if (known) {
      // A configured peer that a host record now claims: check it like any claimed address.
      if (claimedBy && known.claimedBy !== claimedBy) {
        known.claimedBy = claimedBy;
        known.verified = false;
      }
      return;
    }
    this.peers.set(u, {
      url: u,
      health: "alive",
      failures: 0,
      retryAt: 0,
      suspectSince: 0,
      ...(claimedBy ? { claimedBy, verified: false } : {}),
    });
  }

  /**
   * Reachability: the peer at a claimed address must sign a fresh nonce with the node key that
   * claimed it, or it is not used (another machine may sit at that address).
   */
  private async challenge(peer: Peer): Promise<boolean> {
    const nonce = randomBytes(24).toString("base64");
    const res = await fetch(`${peer.url}/v1/challenge`, {
      method: "POST",
      body: JSON.stringify({ nonce }),
      signal: AbortSignal.timeout(this.c.probeTimeoutMs ?? 1000),
    });
    if (!res.ok) return false;
    const a = (await res.json()) as { node?: unknown; signature?: unknown };
    return (
      a?.node === peer.claimedBy &&
      typeof a.signature === "string" &&
      verifyChallenge(peer.claimedBy!, nonce, a.signature, (sig, msg, pk) => verify(sig, msg, pk))
    );
  }

  /** Attest, learn peers from host records, persist, rewrite dns.json when it changed. */
  private afterChange(): void {
    const now = Date.now();
    for (const s of this.states.values()) {
      if (this.c.attestorKey)
        attestAll(
          s,
          { publicKey: toBase64(this.c.attestorKey.publicKey), secretKey: this.c.attestorKey.secretKey },
          now,
        );
      for (const [writer, h] of hostRecords(s, now))
        if (writer !== this.key)
          for (const a of h.addresses)
            this.addPeer(`http://${a.includes(":") ? `[${a}]` : a}:${h.port}`, writer);
      // Durable before anything is acknowledged: the change goes to the journal (one fsynced
      // line); the whole state is rewritten only when the journal outgrows the last snapshot.
      const change = s.takeChanges();
      if (change) {
        const journal = appendJournal(this.c.stateDir, change);
        if (journal > Math.max(1 << 20, this.snapshotBytes.get(s.network) ?? 0)) {
          const path = saveState(this.c.stateDir, s);
          this.snapshotBytes.set(s.network, statSync(path).size);
        }
      }
    }
    if (this.c.dnsPath) {
      const lines = mergeDns(
        this.c.networks.map((n) => ({
          priority: n.priority,
          network: n.admin,
          lines: dnsLines(this.states.get(n.admin)!, now),
        })),
      );
      const text = lines.map((l) => JSON.stringify(l)).join("\n") + (lines.length ? "\n" : "");
      if (text !== this.lastDns) {
        writeFileSync(`${this.c.dnsPath}.tmp`, text);
        renameSync(`${this.c.dnsPath}.tmp`, this.c.dnsPath);
        this.lastDns = text;
      }
    }
  }

  /**
   * One gossip round: up to `fanout` peers, chosen at random among the live and suspect ones
   * and the dead ones whose backoff has passed. Each is probed first (directly, then through up
   * to two other live peers), then synced with.
   */
  async gossip(): Promise<void> {
    if (this.gossiping) return; // a slow round is still running
    this.gossiping = true;
    try {
      await this.bootstrapSnapshots();
      const now = Date.now();
      const candidates = [...this.peers.values()].filter((p) => p.health !== "dead" || p.retryAt <= now);
      shuffle(candidates);
      await Promise.all(candidates.slice(0, this.c.fanout ?? 3).map((peer) => this.contact(peer)));
      this.afterChange();
    } finally {
      this.gossiping = false;
    }
  }

  private async contact(peer: Peer): Promise<void> {
    let reachable = await this.probe(peer.url).then(
      (a) => this.seen(peer, a),
      () => false,
    );
    if (!reachable) reachable = await this.indirectProbe(peer);
    if (!reachable) return this.failed(peer, "probe failed");
    if (peer.claimedBy && !peer.verified) {
      peer.verified = await this.challenge(peer).catch(() => false);
      if (!peer.verified) {
        this.log("warn", "reachability challenge failed", { peer: peer.url, claimedBy: peer.claimedBy });
        peer.retryAt = Date.now() + Math.min(60_000, this.gossipMs * 2 ** Math.min(++peer.failures, 16));
        peer.health = "dead";
        return;
      }
      this.log("info", "peer verified", { peer: peer.url, node: peer.claimedBy });
    }
    try {
      for (const s of this.states.values()) await this.syncWith(peer, s);
    } catch (e) {
      this.failed(peer, String(e));
    }
  }

  private async probe(url: string): Promise<PingAnswer> {
    const res = await fetch(`${url}/v1/ping`, { signal: AbortSignal.timeout(this.c.probeTimeoutMs ?? 1000) });
    if (!res.ok) throw new Error(`ping: HTTP ${res.status}`);
    const a = (await res.json()) as PingAnswer;
    if (typeof a?.node !== "string") throw new Error("ping: no node key");
    return a;
  }

  /** Asks up to two other live peers to probe the peer (a failing link is not a dead peer). */
  private async indirectProbe(peer: Peer): Promise<boolean> {
    const helpers = [...this.peers.values()].filter((p) => p !== peer && p.health === "alive");
    shuffle(helpers);
    for (const h of helpers.slice(0, 2)) {
      try {
        const res = await fetch(`${h.url}/v1/probe`, {
          method: "POST",
          body: JSON.stringify({ url: peer.url }),
          signal: AbortSignal.timeout(2 * (this.c.probeTimeoutMs ?? 1000)),
        });
        if (res.ok && ((await res.json()) as { ok?: boolean }).ok === true) return true;
      } catch {
        // the helper itself is unreachable: its own probe will tell
      }
    }
    return false;
  }

  private seen(peer: Peer, a: PingAnswer): boolean {
    if (peer.health !== "alive") this.log("info", "peer alive", { peer: peer.url, was: peer.health });
    peer.health = "alive";
    peer.failures = 0;
    peer.node = a.node;
    peer.attestor = typeof a.attestor === "string" ? a.attestor : undefined;
    peer.lastSeen = Date.now();
    return true;
  }

  /** Suspect on the first failure; dead once suspect for suspicionMs; retried with backoff. */
  private failed(peer: Peer, error: string): void {
    const now = Date.now();
    peer.failures++;
    if (peer.health === "alive") {
      peer.health = "suspect";
      peer.suspectSince = now;
    } else if (
      peer.health === "suspect" &&
      now - peer.suspectSince >= (this.c.suspicionMs ?? 3 * this.gossipMs)
    )
      peer.health = "dead";
    peer.retryAt = now + Math.min(60_000, this.gossipMs * 2 ** Math.min(peer.failures, 16));
    this.log("warn", "peer unreachable", {
      peer: peer.url,
      health: peer.health,
      failures: peer.failures,
      error,
    });
  }

  private async syncWith(peer: Peer, s: NetworkState): Promise<void> {
    const base = `${peer.url}/v1/networks/${encodeURIComponent(s.network)}`;
    const res = await fetch(`${base}/digest`, { signal: AbortSignal.timeout(3000) });
    if (res.status === 404) return; // the peer is not in this network
    if (!res.ok) throw new Error(`digest: HTTP ${res.status}`);
    const theirs = (await res.json()) as Digest;
    if (!Array.isArray(theirs?.buckets) || theirs.buckets.length !== 256)
      throw new Error("digest: malformed answer");
    const diff = differingBuckets(digest(s), theirs);
    if (diff.length === 0) return;
    // Most buckets differ (a new or long-partitioned node): exchange whole states instead.
    if (diff.length > 192) {
      const pull = await fetch(`${base}/state`, { signal: AbortSignal.timeout(10_000) });
      if (!pull.ok) throw new Error(`state: HTTP ${pull.status}`);
      this.mergeFrom(peer, s, parseJson(await readLimited(pull, MAX_BODY)));
      await this.pushTo(base, s.toJSON());
      return;
    }
    // Protocol 2: item summaries of the differing buckets; the peer answers with what we lack
    // and names what it lacks. A peer without the route gets whole buckets (protocol 1).
    const rec = await fetch(`${base}/reconcile`, {
      method: "POST",
      body: JSON.stringify({ summaries: summaries(s, diff) }),
      signal: AbortSignal.timeout(10_000),
    });
    if (rec.status === 404) {
      const pull = await fetch(`${base}/slice`, {
        method: "POST",
        body: JSON.stringify({ buckets: diff }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!pull.ok) throw new Error(`slice: HTTP ${pull.status}`);
      this.mergeFrom(peer, s, parseJson(await readLimited(pull, MAX_BODY)));
      await this.pushTo(base, slice(s, diff));
      return;
    }
    if (!rec.ok) throw new Error(`reconcile: HTTP ${rec.status}`);
    const answer = parseJson(await readLimited(rec, MAX_BODY)) as Partial<Reconciliation>;
    this.mergeFrom(peer, s, answer?.give);
    const want = checkSummaries(answer?.want ?? {});
    if (Object.keys(want).length) await this.pushTo(base, itemsFor(s, want));
  }

  private mergeFrom(peer: Peer, s: NetworkState, json: unknown): void {
    const data = checkDataJson(json);
    if (data.network !== s.network) throw new Error("peer sent another network's state");
    const report = s.merge(data);
    if (Object.keys(report.rejected).length)
      this.log("warn", "peer sent rejected entries", { peer: peer.url, rejected: report.rejected });
  }

  private async pushTo(base: string, json: unknown): Promise<void> {
    const push = await fetch(`${base}/push`, {
      method: "POST",
      body: JSON.stringify(json),
      signal: AbortSignal.timeout(10_000),
    });
    if (!push.ok && push.status !== 422) throw new Error(`push: HTTP ${push.status}`);
  }

  /** Is a trusted attestor of the network reachable (this node, or a peer not declared dead)? */
  attestorReachable(network: string): boolean {
    const attestors = new Set(this.states.get(network)?.settings()?.attestors ?? []);
    if (this.c.attestorKey && attestors.has(toBase64(this.c.attestorKey.publicKey))) return true;
    for (const p of this.peers.values())
      if (p.health !== "dead" && p.attestor !== undefined && attestors.has(p.attestor)) return true;
    return false;
  }

  /** Status for the API and the CLI. */
  status() {
    const now = Date.now();
    return {
      node: this.key,
      url: this.url,
      attestor: this.c.attestorKey ? toBase64(this.c.attestorKey.publicKey) : undefined,
      peers: [...this.peers.values()].map((p) => ({
        url: p.url,
        health: p.health,
        failures: p.failures,
        ...(p.node ? { node: p.node } : {}),
        ...(p.claimedBy ? { claimedBy: p.claimedBy, verified: p.verified === true } : {}),
        ...(p.attestor ? { attestor: p.attestor } : {}),
        ...(p.lastSeen ? { lastSeen: new Date(p.lastSeen).toISOString() } : {}),
      })),
      networks: this.c.networks.map((n) => {
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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
      });
      res.end(text);
    };
    try {
      const url = new URL(req.url ?? "/", this.url);
      const parts = url.pathname.split("/").filter(Boolean);
      if (req.method === "GET" && url.pathname === "/v1/status") return send(200, this.status());
      if (req.method === "GET" && url.pathname === "/v1/ping")
        return send(200, {
          node: this.key,
          ...(this.c.attestorKey ? { attestor: toBase64(this.c.attestorKey.publicKey) } : {}),
          networks: [...this.states.keys()],
        } satisfies PingAnswer);
      if (req.method === "POST" && url.pathname === "/v1/probe") {
        // Indirect probe for a peer that could not reach `url` itself; only peers we know.
        const body = (await this.body(req, 1024)) as { url?: unknown };
        const target = typeof body?.url === "string" ? this.peers.get(body.url) : undefined;
        if (!target) throw new HttpError(400, "url: not a known peer");
        const ok = await this.probe(target.url).then(
          () => true,
          () => false,
        );
        return send(200, { url: target.url, ok });
      }
      if (req.method === "GET" && url.pathname === "/v1/dns")
        return send(
          200,
          this.lastDns
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l)),
        );
      if (req.method === "POST" && url.pathname === "/v1/challenge") {
        const body = (await this.body(req, 1024)) as { nonce?: unknown };
        if (typeof body?.nonce !== "string" || body.nonce.length < 16 || body.nonce.length > 128)
          throw new HttpError(400, "nonce: expected 16..128 characters");
        const signature = sign(
          new TextEncoder().encode(`chronoseal-v1:reachability:${body.nonce}`),
          this.c.nodeKey.secretKey,
        );
        return send(200, { node: this.key, signature: toBase64(signature) });
      }
      if (parts[0] === "v1" && parts[1] === "networks" && parts[2]) {
        const s = this.states.get(decodeURIComponent(parts[2]));
        if (!s) throw new HttpError(404, "unknown network");
        const op = parts[3];
        if (req.method === "GET" && op === "digest") return send(200, digest(s));
        if (req.method === "GET" && op === "state") return send(200, s.toJSON());
        if (req.method === "GET" && op === "entries") return send(200, entriesView(s, url.searchParams));
        if (req.method === "GET" && op === "sections" && parts[4]) {
          const name = decodeURIComponent(parts[4]);
          return send(200, {
            section: name,
            policy: s.settings()?.sections?.[name]?.policy ?? null,
            records: sectionRecords(s, name).map((r) => ({
              ...r,
              ...(r.time === undefined ? {} : { time: new Date(r.time).toISOString() }),
            })),
          });
        }
        if (req.method === "POST" && op === "slice") {
          const body = (await this.body(req, 64 * 1024)) as { buckets?: unknown };
          const b = body?.buckets;
          if (
            !Array.isArray(b) ||
            b.length > 256 ||
            !b.every((x) => Number.isInteger(x) && x >= 0 && x < 256)
          )
            throw new HttpError(400, "buckets: expected up to 256 integers in 0..255");
          return send(200, slice(s, b as number[]));
        }
        if (req.method === "POST" && op === "reconcile") {
          const body = (await this.body(req, MAX_BODY)) as { summaries?: unknown };
          let theirs: ReturnType<typeof checkSummaries>;
          try {
            theirs = checkSummaries(body?.summaries, 500_000);
          } catch (e) {
            throw new HttpError(400, (e as Error).message);
          }
          return send(200, reconcile(s, theirs));
        }
        if (req.method === "POST" && (op === "push" || op === "entries")) {
          const body = await this.body(req, MAX_BODY);
          let report: ReturnType<NetworkState["ingest"]>;
          if (op === "push") {
            let json: ReturnType<typeof checkDataJson>;
            try {
              json = checkDataJson(body);
            } catch (e) {
              throw new HttpError(400, (e as Error).message);
            }
            if (json.network !== s.network) throw new HttpError(400, "network mismatch");
            report = s.merge(json);
          } else {
            if (!Array.isArray(body)) throw new HttpError(400, "expected an array of signed entries");
            try {
              checkDataJson({ version: 1, network: s.network, entries: body, attestations: {} });
            } catch (e) {
              throw new HttpError(400, (e as Error).message);
            }
            report = s.ingest(body);
          }
          if (report.added || report.attestationsAdded) this.afterChange();
          if (report.added === 0 && Object.keys(report.rejected).length > 0)
            return send(422, { error: "rejected", report });
          return send(200, report);
        }
      }
      throw new HttpError(404, `no route ${req.method} ${url.pathname}`);
    } catch (e) {
      if (e instanceof HttpError) {
        // A peer asking about a network we are not in is normal gossip, not a bad request.
        if (e.message !== "unknown network")
          this.log("warn", "bad request", { status: e.status, error: e.message });
        return send(e.status, { error: e.message });
      }
      this.log("warn", "internal error", { error: String(e) });
      return send(500, { error: "internal error" });
    }
  }

  private async body(req: IncomingMessage, limit: number): Promise<unknown> {
    if (Number(req.headers["content-length"] ?? 0) > limit)
      throw new HttpError(413, `body larger than ${limit} bytes`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
      chunks.push(c as Buffer);
    }
    try {
      return parseJson(Buffer.concat(chunks).toString("utf8"));
    } catch (e) {
      throw new HttpError(400, (e as Error).message);
    }
  }
}

/** Checks a reachability answer: the node proves it holds the key of a claimed address. */
export function verifyChallenge(
  nodeKey: string,
  nonce: string,
  signature: string,
  verifyFn: (sig: Uint8Array, msg: Uint8Array, pk: Uint8Array) => boolean,
): boolean {
  try {
    return verifyFn(
      fromBase64(signature, "signature", 64),
      new TextEncoder().encode(`chronoseal-v1:reachability:${nonce}`),
      fromBase64(nodeKey, "node key", 32),
    );
  } catch {
    return false;
  }
}

function shuffle<T>(a: T[]): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
}

/** Reads a response body, refusing more than `limit` bytes. */
async function readLimited(res: Response, limit: number): Promise<string> {
  if (Number(res.headers.get("content-length") ?? 0) > limit)
    throw new Error(`answer larger than ${limit} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  for (;;) {
    const r = await reader?.read();
    if (!r || r.done) break;
    size += r.value.length;
    if (size > limit) {
      await reader?.cancel();
      throw new Error(`answer larger than ${limit} bytes`);
    }
    chunks.push(r.value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function fetchText(url: string, limit: number): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return readLimited(res, limit);
}

type EntryStatus = "active" | "pending" | "deleted" | "expired";

/** Entries with their status, for the API: `?kind=claim&status=pending` filter. */
function entriesView(s: NetworkState, q: URLSearchParams) {
  const now = Date.now();
  const deleted = s.deleted();
  const ttl = s.settings()?.host_ttl ?? 0;
  const kind = q.get("kind");
  const status = q.get("status");
  const out: {
    id: string;
    kind: string;
    writer: string;
    status: EntryStatus;
    time?: string;
    entry: MeshEntry;
  }[] = [];
  for (const [id, e] of s.entries) {
    if (kind && e.kind !== kind) continue;
    const t = s.timeOf(id);
    const st: EntryStatus = deleted.has(id)
      ? "deleted"
      : t === undefined
        ? "pending"
        : ttl > 0 && (e.kind === "host" || e.kind === "claim") && t + ttl < now
          ? "expired"
          : "active";
    if (status && st !== status) continue;
    out.push({
      id,
      kind: e.kind,
      writer: e.writer,
      status: st,
      ...(t === undefined ? {} : { time: new Date(t).toISOString() }),
      entry: e,
    });
  }
  return { network: s.network, count: out.length, entries: out.sort((a, b) => (a.id < b.id ? -1 : 1)) };
}
