// The network state CRDT: a grow-only set of signed entries (by id) and per-entry attestation
// maps (each attestor's earliest valid signature). Merge = set union + per-attestor minimum, so
// it is commutative, associative and idempotent. Ingest verifies every new signature in batch
// calls and rejects — never stores or forwards — invalid, banned and unauthorized entries,
// counting them by reason. Views are pure functions of the state and a time.
import { type SignatureMap, verifySignatureMaps } from "@chronoseal/core";
import { ATTESTATION, CONTEXTS, entryId, type MeshEntry, type Settings } from "./entries.js";

export type RejectReason = "malformed" | "invalid-signature" | "banned" | "unauthorized" | "wrong-network";

export interface StateJSON {
  version: 1;
  network: string;
  entries: MeshEntry[];
  attestations: Record<string, SignatureMap>;
}

export interface IngestReport {
  added: number;
  attestationsAdded: number;
  rejected: Partial<Record<RejectReason, number>>;
}

const KINDS = new Set(Object.keys(CONTEXTS));

export class NetworkState {
  readonly entries = new Map<string, MeshEntry>();
  /** id → attestor key → entry (signed_at, signature). */
  readonly attestations = new Map<string, SignatureMap>();
  /** Attested time per id, per attestor: the earliest valid one (epoch ms). */
  private readonly attestedAt = new Map<string, Map<string, number>>();
  readonly rejected: Partial<Record<RejectReason, number>> = {};
  /** Keys banned by any settings version (bans are permanent). */
  private readonly banned = new Set<string>();
  /** Writers ever authorized per section. */
  private readonly sectionWriters = new Map<string, Set<string>>();
  private version = 0;

  constructor(readonly network: string) {}

  /** Changes whenever the state changes (for caching and persistence). */
  get revision(): number {
    return this.version;
  }

  private reject(reason: RejectReason, report: IngestReport): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
    report.rejected[reason] = (report.rejected[reason] ?? 0) + 1;
  }

  /** The current settings (admin-signed, last writer wins by last_updated, ties by id). */
  settings(): Settings | undefined {
    let best: Settings | undefined;
    let bestId = "";
    for (const [id, e] of this.entries) {
      if (e.kind !== "settings") continue;
      if (
        !best ||
        e.last_updated > best.last_updated ||
        (e.last_updated === best.last_updated && id > bestId)
      ) {
        best = e;
        bestId = id;
      }
    }
    return best;
  }

  /** Adds entries and attestations received from a peer, a file or a local write. */
  ingest(entries: readonly unknown[], attestations: Record<string, unknown> = {}): IngestReport {
    const report: IngestReport = { added: 0, attestationsAdded: 0, rejected: {} };
    const fresh: { id: string; e: MeshEntry }[] = [];
    for (const raw of entries) {
      const e = raw as MeshEntry;
      if (
        !e ||
        typeof e !== "object" ||
        !KINDS.has(e.kind) ||
        typeof e.writer !== "string" ||
        typeof e.last_updated !== "string"
      ) {
        this.reject("malformed", report);
        continue;
      }
      if (e.network !== this.network) {
        this.reject("wrong-network", report);
        continue;
      }
      let id: string;
      try {
        id = entryId(e);
      } catch {
        this.reject("malformed", report);
        continue;
      }
      if (!this.entries.has(id) && !fresh.some((f) => f.id === id)) fresh.push({ id, e });
    }
    // Writer signatures: one batch call per kind (each kind has its own context).
    const byKind = new Map<string, { id: string; e: MeshEntry }[]>();
    for (const f of fresh) byKind.set(f.e.kind, [...(byKind.get(f.e.kind) ?? []), f]);
    const valid: { id: string; e: MeshEntry }[] = [];
    for (const [kind, list] of byKind) {
      const reports = verifySignatureMaps(
        list.map((f) => ({ hash: f.id, signatures: f.e.signatures })),
        {
          trusted: [...new Set(list.map((f) => f.e.writer))].filter((k) => /^[A-Za-z0-9+/]{43}=$/.test(k)),
          context: CONTEXTS[kind as MeshEntry["kind"]],
          now: Number.MAX_SAFE_INTEGER - 1,
        },
      );
      list.forEach((f, i) => {
        if (reports[i]!.valid.some((v) => v.key === f.e.writer)) valid.push(f);
        else this.reject("invalid-signature", report);
      });
    }
    // Settings first: authorization of the rest depends on them. Authorization uses only
    // monotone facts (bans and section writers accumulated over every settings version), so the
    // outcome does not depend on the order in which entries arrive.
    valid.sort((a, b) => (a.e.kind === "settings" ? -1 : 0) - (b.e.kind === "settings" ? -1 : 0));
    for (const { id, e } of valid) {
      if (e.kind === "settings") {
        if (e.writer !== this.network) {
          this.reject("unauthorized", report);
          continue;
        }
        this.entries.set(id, e);
        for (const k of e.banned ?? []) this.banned.add(k);
        for (const [name, sec] of Object.entries(e.sections ?? {})) {
          const w = this.sectionWriters.get(name) ?? new Set<string>();
          for (const k of sec.writers ?? []) w.add(k);
          this.sectionWriters.set(name, w);
        }
        report.added++;
        continue;
      }
      if (this.banned.has(e.writer)) {
        this.reject("banned", report);
        continue;
      }
      if (e.kind === "record" && !this.sectionWriters.get(e.section)?.has(e.writer)) {
        this.reject("unauthorized", report);
        continue;
      }
      this.entries.set(id, e);
      report.added++;
    }
    // A ban is permanent: entries by a banned key are removed wherever they were stored first.
    for (const [id, e] of this.entries) {
      if (e.kind !== "settings" && this.banned.has(e.writer)) {
        this.entries.delete(id);
        this.attestations.delete(id);
        this.attestedAt.delete(id);
      }
    }
    report.attestationsAdded = this.addAttestations(attestations);
    if (report.added || report.attestationsAdded) this.version++;
    return report;
  }

  /** Merges attestation maps, keeping per attestor the earliest valid signature. */
  private addAttestations(attestations: Record<string, unknown>): number {
    const attestors = this.settings()?.attestors ?? [];
    const items: { id: string; signatures: unknown }[] = [];
    for (const [id, map] of Object.entries(attestations))
      if (this.entries.has(id) && map && typeof map === "object") items.push({ id, signatures: map });
    if (items.length === 0 || attestors.length === 0) return 0;
    const reports = verifySignatureMaps(
      items.map((x) => ({ hash: x.id, signatures: x.signatures })),
      { trusted: attestors, context: ATTESTATION, now: Number.MAX_SAFE_INTEGER - 1 },
    );
    let added = 0;
    items.forEach((x, i) => {
      const times = this.attestedAt.get(x.id) ?? new Map<string, number>();
      const map = this.attestations.get(x.id) ?? {};
      for (const v of reports[i]!.valid) {
        const cur = times.get(v.key);
        const entry = (x.signatures as SignatureMap)[v.key]!;
        if (
          cur === undefined ||
          v.signedAt < cur ||
          (v.signedAt === cur && entry.signature < map[v.key]!.signature)
        ) {
          times.set(v.key, v.signedAt);
          map[v.key] = entry;
          added++;
        }
      }
      this.attestedAt.set(x.id, times);
      this.attestations.set(x.id, map);
    });
    return added;
  }

  /** Earliest trusted attestation time of an entry (undefined: pending). */
  timeOf(id: string): number | undefined {
    const attestors = new Set(this.settings()?.attestors ?? []);
    let best: number | undefined;
    for (const [key, t] of this.attestedAt.get(id) ?? [])
      if (attestors.has(key) && (best === undefined || t < best)) best = t;
    return best;
  }

  /** Ids of entries deleted by a tombstone of their own writer (or the admin). */
  deleted(): Set<string> {
    const out = new Set<string>();
    for (const e of this.entries.values()) {
      if (e.kind !== "tombstone") continue;
      const target = this.entries.get(e.target);
      if (target && (target.writer === e.writer || e.writer === this.network)) out.add(e.target);
    }
    return out;
  }

  merge(other: NetworkState | StateJSON): IngestReport {
    const json = other instanceof NetworkState ? other.toJSON() : other;
    return this.ingest(json.entries, json.attestations);
  }

  toJSON(): StateJSON {
    const ids = [...this.entries.keys()].sort();
    const attestations: Record<string, SignatureMap> = {};
    for (const id of ids) {
      const m = this.attestations.get(id);
      if (m && Object.keys(m).length)
        attestations[id] = Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    return {
      version: 1,
      network: this.network,
      entries: ids.map((id) => this.entries.get(id)!),
      attestations,
    };
  }
}
