// The collector's Prometheus figures, in the daemon's own registry (createDaemonMetrics adds the
// process, HTTP and fsync figures; the collector's durable writes are SQLite's or PostgreSQL's,
// so its commit latency is chronoseal_collector_append_duration_seconds instead):
//   chronoseal_collector_entries{status}                 gauge at scrape: stored (store.count())
//   chronoseal_collector_ingested_entries_total{status}  accepted | duplicate; rate() = ingest rate
//   chronoseal_collector_rejections_total{reason}        refused batches: bad-signature, malformed,
//                                                        unknown-device, unchained, conflict, …
//   chronoseal_collector_exported_entries_total          entries served to auditors; rate() = audit rate
//   chronoseal_collector_exports_total{complete}         exports ended (true) or cut off (false)
//   chronoseal_collector_expired_entries_total           entries deleted on an expiry anchor
//   chronoseal_collector_verify_batch_size               histogram: entries per batch verification
import type { CollectorHooks, CollectorStore, IngestCode } from "@chronoseal/collector";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** The rejection reason label of each ingest refusal code. */
const REASONS: Record<IngestCode, string> = {
  ERR_SIGNATURE: "bad-signature",
  ERR_MALFORMED: "malformed",
  ERR_UNKNOWN_DEVICE: "unknown-device",
  ERR_DUPLICATE: "duplicate-in-batch",
  ERR_UNCHAINED: "unchained",
  ERR_CONFLICT: "conflict",
  ERR_TOO_MANY: "too-many",
};

/** Refusals that come after the batch's signatures were verified (or at that step). */
const VERIFIED = new Set<IngestCode>(["ERR_SIGNATURE", "ERR_UNCHAINED", "ERR_CONFLICT"]);

export function collectorMetrics(registry: Registry, store: CollectorStore): CollectorHooks {
  const registers = [registry];
  new Gauge({
    name: "chronoseal_collector_entries",
    help: "Entries stored, by status (stored)",
    labelNames: ["status"] as const,
    registers,
    async collect() {
      try {
        this.set({ status: "stored" }, await store.count());
      } catch {
        // the store does not answer: the readiness check says so; the figure is left out
        this.reset();
      }
    },
  });
  const ingested = new Counter({
    name: "chronoseal_collector_ingested_entries_total",
    help: "Entries taken by ingest: accepted (stored) or duplicate (resubmitted, skipped)",
    labelNames: ["status"] as const,
    registers,
  });
  const rejections = new Counter({
    name: "chronoseal_collector_rejections_total",
    help: "Batches refused by ingest, by reason",
    labelNames: ["reason"] as const,
    registers,
  });
  const exported = new Counter({
    name: "chronoseal_collector_exported_entries_total",
    help: "Entries served by exports (auditors reading the log)",
    registers,
  });
  const exports = new Counter({
    name: "chronoseal_collector_exports_total",
    help: "Exports ended, complete or cut off by the client",
    labelNames: ["complete"] as const,
    registers,
  });
  const expired = new Counter({
    name: "chronoseal_collector_expired_entries_total",
    help: "Entries deleted on a device-signed expiry anchor",
    registers,
  });
  const batches = new Histogram({
    name: "chronoseal_collector_verify_batch_size",
    help: "Entries whose device signatures were verified in one batch (one ingest request)",
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000],
    registers,
  });
  for (const status of ["accepted", "duplicate"]) ingested.inc({ status }, 0);
  for (const reason of Object.values(REASONS)) rejections.inc({ reason }, 0);
  return {
    ingested: (r, batch) => {
      ingested.inc({ status: "accepted" }, r.accepted);
      ingested.inc({ status: "duplicate" }, r.duplicates);
      if (batch > 0) batches.observe(batch);
    },
    rejected: (code, batch) => {
      rejections.inc({ reason: REASONS[code] ?? "other" });
      if (VERIFIED.has(code) && batch) batches.observe(batch);
    },
    exported: (n, complete) => {
      exported.inc(n);
      exports.inc({ complete: String(complete) });
    },
    expired: (n) => expired.inc(n),
  };
}
