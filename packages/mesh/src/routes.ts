// The HTTP API of a mesh node, on the shared HTTP layer (@chronoseal/http: one error body
// { error, code }, body limits, content-type checks, request logs):
//   GET  /v1/status  /v1/ping  /v1/dns
//   POST /v1/probe {url}         indirect probe of a peer this node knows (no open relay)
//   POST /v1/challenge {nonce}   reachability: a signed answer (reachability.ts), never the nonce
//   GET  /v1/networks/:admin/digest | state | entries[?kind=&status=] | sections/:name
//   POST /v1/networks/:admin/reconcile | slice | push | entries
// Peers' bodies are size-limited (413), and pushes and writes are handed to the node as bytes:
// it parses, schema-checks (400), caps the entry count (413 ERR_TOO_MANY_ENTRIES) and verifies
// them off the event loop (ingest-pool.ts) before merging; when every entry is refused the
// answer is 422 with the report. Every refusal (4xx) is counted by status, code and sender. A
// network this node is not in is a quiet 404 (peers ask as part of gossip).
import type { HttpServer } from "@chronoseal/http";
import { HttpError } from "@chronoseal/http";
import type { MeshEntry } from "./entries.js";
import { MAX_BODY } from "./gossip.js";
import type { PoolResult } from "./ingest-pool.js";
import { checkChallenge, type ReachabilityAnswer } from "./reachability.js";
import type { IngestReport, NetworkState } from "./state.js";
import { checkSummaries, digest, reconcile, slice } from "./sync.js";
import { sectionRecords } from "./views.js";

/** What the routes need of the node. */
export interface NodeApi {
  readonly key: string;
  readonly attestorKey: string | undefined;
  readonly states: ReadonlyMap<string, NetworkState>;
  status(): unknown;
  dnsText(): string;
  /** Probes a peer this node knows at `url`; undefined when it knows none there. */
  probePeer(url: string): Promise<boolean> | undefined;
  answerChallenge(nonce: string): ReachabilityAnswer;
  /**
   * A push (`data`: a data.json) or write (`entries`: an array) as received: checked, verified
   * and merged; a change is journaled (and attested, learned, written to dns.json) before it
   * resolves.
   */
  ingest(
    network: string,
    body: Buffer,
    shape: "data" | "entries",
    sender: string,
  ): Promise<PoolResult & { report?: IngestReport }>;
  /** Counts a refused request (4xx) from `sender`. */
  refused(sender: string, status: number, code: string | undefined): void;
}

const SMALL = 1024;

function malformed(e: unknown): HttpError {
  return new HttpError(400, "ERR_MALFORMED", (e as Error).message, { cause: e });
}

export function registerRoutes(app: HttpServer, node: NodeApi): void {
  const network = (admin: string): NetworkState => {
    const s = node.states.get(admin);
    if (!s) throw new HttpError(404, "ERR_UNKNOWN_NETWORK", "unknown network", { quiet: true });
    return s;
  };
  type Net = { Params: { admin: string } };

  // Every refusal is counted, by status, code and sender.
  app.addHook("onSend", async (request, reply, payload) => {
    if (reply.statusCode >= 400 && reply.statusCode < 500 && reply.statusCode !== 404) {
      let code: string | undefined;
      if (typeof payload === "string" && payload.length < 100_000)
        try {
          code = (JSON.parse(payload) as { code?: string }).code;
        } catch {}
      node.refused(`http ${request.ip}`, reply.statusCode, code);
    }
    return payload;
  });

  app.get("/v1/status", async () => node.status());
  app.get("/v1/ping", async () => ({
    node: node.key,
    ...(node.attestorKey ? { attestor: node.attestorKey } : {}),
    networks: [...node.states.keys()],
  }));
  app.get("/v1/dns", async () =>
    node
      .dnsText()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as unknown),
  );
  app.post("/v1/probe", { bodyLimit: SMALL }, async (request) => {
    const url = (request.body as { url?: unknown } | null)?.url;
    const probing = typeof url === "string" ? node.probePeer(url) : undefined;
    if (!probing) throw new HttpError(400, "ERR_PEER", "url: not a known peer");
    return { url, ok: await probing };
  });
  app.post("/v1/challenge", { bodyLimit: SMALL }, async (request) => {
    let nonce: string;
    try {
      nonce = checkChallenge(request.body);
    } catch (e) {
      throw new HttpError(400, "ERR_NONCE", (e as Error).message, { cause: e });
    }
    return node.answerChallenge(nonce);
  });

  app.get<Net>("/v1/networks/:admin/digest", async (request) => digest(network(request.params.admin)));
  app.get<Net>("/v1/networks/:admin/state", async (request) => network(request.params.admin).toJSON());
  app.get<Net & { Querystring: Record<string, unknown> }>("/v1/networks/:admin/entries", async (request) =>
    entriesView(network(request.params.admin), request.query),
  );
  app.get<{ Params: { admin: string; name: string } }>(
    "/v1/networks/:admin/sections/:name",
    async (request) => {
      const s = network(request.params.admin);
      const name = request.params.name;
      return {
        section: name,
        policy: s.settings()?.sections?.[name]?.policy ?? null,
        records: sectionRecords(s, name).map((r) => ({
          ...r,
          ...(r.time === undefined ? {} : { time: new Date(r.time).toISOString() }),
        })),
      };
    },
  );

  app.post<Net>("/v1/networks/:admin/slice", { bodyLimit: 64 << 10 }, async (request) => {
    const s = network(request.params.admin);
    const b = (request.body as { buckets?: unknown } | null)?.buckets;
    if (!Array.isArray(b) || b.length > 256 || !b.every((x) => Number.isInteger(x) && x >= 0 && x < 256))
      throw new HttpError(400, "ERR_MALFORMED", "buckets: expected up to 256 integers in 0..255");
    return slice(s, b as number[]);
  });
  app.post<Net>("/v1/networks/:admin/reconcile", { bodyLimit: MAX_BODY }, async (request) => {
    const s = network(request.params.admin);
    let theirs: ReturnType<typeof checkSummaries>;
    try {
      theirs = checkSummaries((request.body as { summaries?: unknown } | null)?.summaries, 500_000);
    } catch (e) {
      throw malformed(e);
    }
    return reconcile(s, theirs);
  });

  const take = async (
    request: { params: { admin: string }; body: unknown; ip: string },
    shape: "data" | "entries",
  ) => {
    network(request.params.admin);
    const r = await node.ingest(request.params.admin, request.body as Buffer, shape, `http ${request.ip}`);
    if (!r.ok) throw new HttpError(r.status, r.code, r.error);
    const report = r.report;
    if (report.added === 0 && report.attestationsAdded === 0 && Object.keys(report.rejected).length > 0)
      throw new HttpError(422, "ERR_REJECTED", "every entry was rejected", { extra: { report } });
    return report;
  };
  const bytes = { bodyLimit: MAX_BODY, config: { body: "json-bytes" as const } };
  app.post<Net>("/v1/networks/:admin/push", bytes, (request) => take(request, "data"));
  app.post<Net>("/v1/networks/:admin/entries", bytes, (request) => take(request, "entries"));
}

type EntryStatus = "active" | "pending" | "deleted" | "expired";
const KINDS = new Set(["settings", "host", "claim", "record", "tombstone"]);
const STATUSES = new Set(["active", "pending", "deleted", "expired"]);

/** Entries with their status, for the API: `?kind=claim&status=pending` filter. */
export function entriesView(s: NetworkState, query: Record<string, unknown>, now = Date.now()) {
  for (const [k, v] of Object.entries(query)) {
    const known = k === "kind" ? KINDS : k === "status" ? STATUSES : undefined;
    if (!known) throw new HttpError(400, "ERR_QUERY", `unknown parameter ${JSON.stringify(k.slice(0, 40))}`);
    if (typeof v !== "string" || !known.has(v))
      throw new HttpError(400, "ERR_QUERY", `${k}: expected one of ${[...known].join(", ")}`);
  }
  const { kind, status } = query as { kind?: string; status?: string };
  const deleted = s.deleted();
  const ttl = s.settings()?.host_ttl ?? 0;
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
