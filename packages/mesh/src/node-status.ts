// The node's status view (GET /v1/status, `chronoseal mesh status`): its key and attestor key,
// its peers (health, failures, the key proven at each address), impostors (records claiming an
// address whose peer could not prove their key), what it refused (entries and attestations by
// reason per network, and per sender with the HTTP requests refused), whether it is cut off and
// going back to its bootstrap peers, its DNS port, and per network the names and counts.
import type { Membership } from "./membership.js";
import type { NetworkConfig } from "./node.js";
import type { Rejections } from "./rejections.js";
import type { NetworkState } from "./state.js";
import { hostnames } from "./views.js";

export interface StatusSource {
  key: string;
  url: string;
  attestorKey: string | undefined;
  networks: readonly NetworkConfig[];
  states: ReadonlyMap<string, NetworkState>;
  members: Membership | undefined;
  rejections: Rejections;
  attestorReachable(network: string): boolean;
  dnsPort: number | undefined;
  /** No live peer: going back to the bootstrap peers. */
  isolated: boolean;
}

export function nodeStatus(o: StatusSource) {
  const now = Date.now();
  return {
    node: o.key,
    url: o.url,
    attestor: o.attestorKey,
    ...(o.dnsPort !== undefined ? { dnsPort: o.dnsPort } : {}),
    isolated: o.isolated,
    memory: memory(),
    peers: (o.members?.list() ?? []).map((p) => ({
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
    impostors: o.members?.impostors() ?? [],
    refused: { requests: o.rejections.requests, bySender: o.rejections.bySender() },
    // (a request during start-up sees only the networks loaded so far)
    networks: o.networks
      .filter((n) => o.states.has(n.admin))
      .map((n) => {
        const s = o.states.get(n.admin)!;
        const names = hostnames(s, now);
        const attestorReachable = o.attestorReachable(n.admin);
        let deletedCount = 0;
        for (const id of s.deleted()) if (s.entries.has(id)) deletedCount++;
        const settings = s.settings();
        return {
          network: n.admin,
          priority: n.priority,
          entries: s.entries.size,
          attested: [...s.entries.keys()].filter((id) => s.timeOf(id) !== undefined).length,
          deleted: deletedCount,
          active: names.active.length,
          pending: names.pending.length,
          admission: settings?.admission ?? "open",
          hostTtlMs: settings?.host_ttl ?? 0,
          rejected: s.rejected,
          rejectedAttestations: s.rejectedAttestations,
          attestorReachable,
          // Without a reachable attestor new claims stay pending: the network is read-only for them.
          readOnlyForNewClaims: !attestorReachable,
          names: names.active,
          pendingNames: names.pending,
        };
      }),
  };
}

/** The process's memory, bytes (rss, V8 heap used, external and array buffers). */
function memory() {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}
