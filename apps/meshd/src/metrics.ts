// meshd's Prometheus figures, in the daemon's own registry (createDaemonMetrics adds the process,
// HTTP and fsync figures). Counters the node hears about through its hooks are incremented as it
// happens; what the node keeps anyway (entries by status, rejections by reason, peers by health)
// is read when scraped.
//   chronoseal_mesh_entries{network,status}                      gauge: active|pending|deleted|expired
//   chronoseal_mesh_rejections_total{network,kind,reason}        entries/attestations refused at ingest
//   chronoseal_mesh_gossip_rounds_total                          rounds finished
//   chronoseal_mesh_gossip_bytes_total{direction}                sync request bodies sent, answers received
//   chronoseal_mesh_peers{health}                                gauge: alive|suspect|dead
//   chronoseal_mesh_attestations_total{network}                  attestations this node signed
//   chronoseal_mesh_ingested_entries_total{network,source}       entries taken (http|gossip); rate() = ingest rate
//   chronoseal_mesh_verify_batch_size                            histogram: entries verified per ingest-pool batch
import { entriesView, type MeshNode, type NodeHooks } from "@chronoseal/mesh";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export function meshMetrics(registry: Registry, node: () => MeshNode | undefined): NodeHooks {
  const registers = [registry];
  new Gauge({
    name: "chronoseal_mesh_entries",
    help: "Entries held, by network and status (active, pending, deleted, expired)",
    labelNames: ["network", "status"] as const,
    registers,
    collect() {
      this.reset();
      const n = node();
      if (!n) return;
      const now = Date.now();
      for (const [network, state] of n.states) {
        const counts: Record<string, number> = { active: 0, pending: 0, deleted: 0, expired: 0 };
        for (const e of entriesView(state, {}, now).entries) counts[e.status] = (counts[e.status] ?? 0) + 1;
        for (const [status, v] of Object.entries(counts)) this.set({ network, status }, v);
      }
    },
  });
  new Counter({
    name: "chronoseal_mesh_rejections_total",
    help: "Entries and attestations refused at ingest, by network, kind and reason",
    labelNames: ["network", "kind", "reason"] as const,
    registers,
    collect() {
      // The states count every refusal since the start; the counter mirrors them.
      this.reset();
      for (const [network, state] of node()?.states ?? []) {
        for (const [reason, v] of Object.entries(state.rejected))
          if (v) this.inc({ network, kind: "entry", reason }, v);
        for (const [reason, v] of Object.entries(state.rejectedAttestations))
          if (v) this.inc({ network, kind: "attestation", reason }, v);
      }
    },
  });
  new Gauge({
    name: "chronoseal_mesh_peers",
    help: "Known peers by health (alive, suspect, dead)",
    labelNames: ["health"] as const,
    registers,
    collect() {
      const h = node()?.peerHealth() ?? { alive: 0, suspect: 0, dead: 0 };
      for (const [health, v] of Object.entries(h)) this.set({ health }, v);
    },
  });
  const rounds = new Counter({
    name: "chronoseal_mesh_gossip_rounds_total",
    help: "Gossip rounds finished",
    registers,
  });
  const bytes = new Counter({
    name: "chronoseal_mesh_gossip_bytes_total",
    help: "Bytes of sync requests to peers: bodies sent, answers received",
    labelNames: ["direction"] as const,
    registers,
  });
  bytes.inc({ direction: "sent" }, 0);
  bytes.inc({ direction: "received" }, 0);
  const attestations = new Counter({
    name: "chronoseal_mesh_attestations_total",
    help: "Attestations this node signed (as a trusted attestor), by network",
    labelNames: ["network"] as const,
    registers,
  });
  const ingested = new Counter({
    name: "chronoseal_mesh_ingested_entries_total",
    help: "Entries taken into a network, by source (http push or write, gossip answer)",
    labelNames: ["network", "source"] as const,
    registers,
  });
  const batches = new Histogram({
    name: "chronoseal_mesh_verify_batch_size",
    help: "Entries verified per ingest-pool batch (one HTTP push or write)",
    buckets: [1, 2, 5, 10, 50, 100, 500, 1000, 5000, 10000, 50000],
    registers,
  });
  return {
    gossipRound: () => rounds.inc(),
    gossipBytes: (sent, received) => {
      if (sent) bytes.inc({ direction: "sent" }, sent);
      if (received) bytes.inc({ direction: "received" }, received);
    },
    attested: (network, n) => attestations.inc({ network }, n),
    ingested: (network, source, report, verified) => {
      if (report.added) ingested.inc({ network, source }, report.added);
      if (verified !== undefined) batches.observe(verified);
    },
  };
}
