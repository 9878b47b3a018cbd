// A mesh node: one or more networks, an HTTP API for peers and clients, gossip (digest first,
// then only differing buckets) with failure detection and rejoin, attestation after each merge
// (when the node holds an attestor key), persistence and an atomically written dns.json.

import { renameSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { fromBase64, type KeyPair, parseJson, sign, toBase64 } from "@chronoseal/core";
import { type Claim, type HostRecord, type MeshEntry, signEntry } from "./entries.js";
import { loadState, saveState } from "./persist.js";
import { checkDataJson } from "./schema.js";
import type { NetworkState } from "./state.js";
import { attestAll, type Digest, differingBuckets, digest, slice } from "./sync.js";
import { dnsLines, hostnames, hostRecords, mergeDns } from "./views.js";

export interface NetworkConfig {
  /** Admin public key (base64): the network's identity. */
  admin: string;
  priority: number;
  /** Peer base URLs to start from. */
  bootstrapPeers?: string[];
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
  dnsPath?: string;
  log?: (level: "info" | "warn", msg: string, fields?: Record<string, unknown>) => void;
}

type PeerHealth = "alive" | "suspect" | "dead";
interface Peer {
  url: string;
  health: PeerHealth;
  failures: number;
  retryAt: number;
}

export const MAX_BODY = 16 << 20;

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
  private readonly saved = new Map<string, number>();
  readonly key: string;

  constructor(private readonly c: NodeConfig) {
    this.key = toBase64(c.nodeKey.publicKey);
  }

  private log(level: "info" | "warn", msg: string, fields?: Record<string, unknown>) {
    this.c.log?.(level, msg, fields);
  }

  get url(): string {
    return `http://${this.c.host}:${this.c.port}`;
  }

  async start(): Promise<void> {
    const now = Date.now();
    for (const n of this.c.networks) {
      const { state, quarantined, error } = loadState(this.c.stateDir, n.admin);
      if (quarantined)
        this.log("warn", "corrupt state file moved aside", { network: n.admin, quarantined, error });
      if (n.settings) state.ingest([n.settings]);
      // Our own host record and claims (signed anew on each start; identical payloads dedupe).
      const own: MeshEntry[] = [
        signEntry(
          {
            kind: "host",
            network: n.admin,
            writer: this.key,
            last_updated: new Date(now).toISOString(),
            addresses: this.c.addresses ?? [this.c.host],
            port: this.c.port,
          } as HostRecord,
          this.c.nodeKey.secretKey,
          now,
        ),
        ...(this.c.claims ?? []).map((hostname) => this.claimEntry(n.admin, hostname, now)),
      ];
      state.ingest(own);
      this.states.set(n.admin, state);
      for (const p of n.bootstrapPeers ?? []) this.addPeer(p);
    }
    this.afterChange();
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(this.c.port, this.c.host, r));
    this.timer = setInterval(() => void this.gossip(), this.c.gossipMs ?? 1000);
    this.log("info", "mesh node started", { url: this.url, networks: this.c.networks.length });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeAllConnections();
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

  private addPeer(url: string): void {
    const u = url.replace(/\/$/, "");
    if (u === this.url || this.peers.has(u)) return;
    this.peers.set(u, { url: u, health: "alive", failures: 0, retryAt: 0 });
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
          for (const a of h.addresses) this.addPeer(`http://${a.includes(":") ? `[${a}]` : a}:${h.port}`);
      if (this.saved.get(s.network) !== s.revision) {
        saveState(this.c.stateDir, s);
        this.saved.set(s.network, s.revision);
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

  /** One gossip round: up to three live peers (dead ones are retried with backoff). */
  async gossip(): Promise<void> {
    const now = Date.now();
    const candidates = [...this.peers.values()].filter((p) => p.health !== "dead" || p.retryAt <= now);
    for (let i = candidates.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
    }
    for (const peer of candidates.slice(0, 3)) {
      try {
        for (const s of this.states.values()) await this.syncWith(peer, s);
        if (peer.health !== "alive") this.log("info", "peer alive", { peer: peer.url });
        peer.health = "alive";
        peer.failures = 0;
      } catch (e) {
        peer.failures++;
        peer.health = peer.failures >= 3 ? "dead" : "suspect";
        peer.retryAt = now + Math.min(60_000, 1000 * 2 ** peer.failures);
        this.log("warn", "peer unreachable", { peer: peer.url, failures: peer.failures, error: String(e) });
      }
    }
    this.afterChange();
  }

  private async syncWith(peer: Peer, s: NetworkState): Promise<void> {
    const base = `${peer.url}/v1/networks/${encodeURIComponent(s.network)}`;
    const res = await fetch(`${base}/digest`, { signal: AbortSignal.timeout(3000) });
    if (res.status === 404) return; // the peer is not in this network
    if (!res.ok) throw new Error(`digest: HTTP ${res.status}`);
    const theirs = (await res.json()) as Digest;
    const diff = differingBuckets(digest(s), theirs);
    if (diff.length === 0) return;
    const pull = await fetch(`${base}/slice`, {
      method: "POST",
      body: JSON.stringify({ buckets: diff }),
      signal: AbortSignal.timeout(5000),
    });
    if (!pull.ok) throw new Error(`slice: HTTP ${pull.status}`);
    s.merge(checkDataJson(parseJson(await pull.text())));
    const push = await fetch(`${base}/push`, {
      method: "POST",
      body: JSON.stringify(slice(s, diff)),
      signal: AbortSignal.timeout(5000),
    });
    if (!push.ok) throw new Error(`push: HTTP ${push.status}`);
  }

  /** Status for the API and the CLI. */
  status() {
    const now = Date.now();
    return {
      node: this.key,
      url: this.url,
      attestor: this.c.attestorKey ? toBase64(this.c.attestorKey.publicKey) : undefined,
      peers: [...this.peers.values()].map((p) => ({ url: p.url, health: p.health, failures: p.failures })),
      networks: this.c.networks.map((n) => {
        const s = this.states.get(n.admin)!;
        const names = hostnames(s, now);
        const attestors = s.settings()?.attestors ?? [];
        const anyAttested = [...s.entries.keys()].some((id) => s.timeOf(id) !== undefined);
        return {
          network: n.admin,
          priority: n.priority,
          entries: s.entries.size,
          active: names.active.length,
          pending: names.pending.length,
          rejected: s.rejected,
          // Without a reachable attestor new claims stay pending: the network is read-only for them.
          readOnlyForNewClaims:
            attestors.length === 0 || (!this.c.attestorKey && names.pending.length > 0 && !anyAttested),
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
        if (req.method === "GET" && op === "entries")
          return send(200, { entries: s.toJSON().entries.length, names: hostnames(s, Date.now()) });
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
