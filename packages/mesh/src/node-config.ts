// A mesh node's configuration (MeshNode's constructor) and what a reload may change while it
// runs (MeshNode.reconfigure); every field is documented with its default.
import type { KeyPair } from "@chronoseal/core";
import type { HttpServer, Logger, RequestRecord } from "@chronoseal/http";
import type { MeshEntry } from "./entries.js";
import type { NodeHooks } from "./hooks.js";
import type { IngestPool } from "./ingest-pool.js";

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
  /** dns.json lines: `ip` (default, `{hostname, ip}`) or `ips` (`{hostname, ips}`: CoreDNS's plugin). */
  dnsFormat?: "ip" | "ips";
  /** Serve DNS (UDP and TCP) for the networks' domains on this address. */
  dns?: { host: string; port: number; ttl?: number };
  /** Backoff cap for dead peers and for going back to the bootstrap peers (default 60 s). */
  maxBackoffMs?: number;
  /** Most entries in one push or write (default 50,000; more: 413). */
  maxEntriesPerRequest?: number;
  /** Log refused input at most this often per sender (default 10 s). */
  logEveryMs?: number;
  /** The ingest pool's options (tests). */
  ingest?: ConstructorParameters<typeof IngestPool>[0];
  /** pino logger (default: silent). */
  logger?: Logger;
  /** Called once per answered HTTP request (the metrics hook). */
  observe?: (record: RequestRecord) => void;
  /**
   * Registers further routes on the node's HTTP server before it listens (roles a daemon runs
   * beside the node on the same port, e.g. meshd's tlog witness).
   */
  routes?: (app: HttpServer) => void;
  /** Instrumentation for metrics (hooks.ts). */
  hooks?: NodeHooks;
}

/** What a reloaded configuration may change while the node runs (MeshNode.reconfigure). */
export interface NodeReconfig {
  claims?: string[];
  fanout?: number;
  maxEntriesPerRequest?: number;
  /** Per configured network (by admin key): its own claims, added bootstrap peers, a settings entry. */
  networks?: { admin: string; claims?: string[]; bootstrapPeers?: string[]; settings?: MeshEntry }[];
}
