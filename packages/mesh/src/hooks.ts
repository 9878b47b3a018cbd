// Instrumentation hooks of a mesh node: what a daemon's metrics (meshd's Prometheus registry)
// need to hear about as it happens. Counts that the node keeps anyway (entries by status,
// rejections by reason per network, peers by health) are read from the node when scraped.
import type { IngestReport } from "./state.js";

export interface NodeHooks {
  /** A gossip round finished (whatever it reached). */
  gossipRound?(): void;
  /** Bytes of one sync request to a peer: request body sent, answer received. */
  gossipBytes?(sent: number, received: number): void;
  /** This node (an attestor) signed `n` attestations in `network`. */
  attested?(network: string, n: number): void;
  /**
   * Entries taken into `network`: from an HTTP push or write (`source` "http", `verified`
   * entries checked in one ingest-pool batch) or from a peer's answer during gossip ("gossip").
   */
  ingested?(network: string, source: "http" | "gossip", report: IngestReport, verified?: number): void;
}
