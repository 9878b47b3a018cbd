// The network state CRDT: a grow-only set of signed entries (by id) and per-entry attestation
// maps (each attestor's earliest valid signature). Merge = set union + per-attestor minimum, so
// it is commutative, associative and idempotent. One exception keeps state bounded: in a section
// whose policy is (or ever was) `latest-per-writer`, only the newest record per (writer, key) is
// kept (last_updated, ties by id) — a maximum per slot, so merge stays a join. Ingest verifies
// every new signature in batch calls and rejects — never stores or forwards — invalid, banned,
// unlisted and unauthorized entries, counting them by reason; attestations that are not used
// (untrusted key, bad signature) are counted by reason too. Views are pure functions of the state
// and a time.
//
// Who may write follows the current settings (last writer wins): a key banned by them, or not
// listed when they say `admission: "listed"`, is refused at ingest, and its stored entries are
// removed when such settings become current. A later version can lift a ban or list a key again;
// the writer's node (or any peer still holding its entries) then brings them back. Expired and
// superseded leases (lease.ts) are removed with forget() and not taken again.
//
// Cost of an ingest of n entries and m attestations: linear bookkeeping with one check object per
// signature and no other per-entry objects, one packed SHA-256 call for the n entry ids
// (entryIds), the writer signatures of every kind verified together and the attestations that
// could change something (a copy of a signature already held, or one dated later, is not
// verified) verified together (signature-checks.ts: verifySigners calls of up to 4,096 checks,
// a key's checks together). The state also keeps, per digest bucket (see sync.ts), its ids and a
// revision counter, so digests are recomputed only for the buckets that changed.
//
// Longer than ~400 lines on purpose: ingest, merge, forget and the latest-per-writer slots share
// the entry index, the bucket revisions and the rejection counters, and splitting them would
// expose that index across modules; entry shapes and ids (entries.ts), the signature checks
// (signature-checks.ts over core's verifySigners), leases (lease.ts), digests (sync.ts) and views (views.ts) live elsewhere.
import { type SignatureEntry, type SignatureMap, signatureMapError, signerEntry } from "@chronoseal/core";
import {
  ATTESTATION,
  CONTEXTS,
  entryIds,
  type MeshEntry,
  type SectionRecord,
  type Settings,
} from "./entries.js";
import { type Check, type VerifiedCache, verifyChecks } from "./signature-checks.js";

export type { VerifiedCache, VerifiedSignature } from "./signature-checks.js";

export type RejectReason =
  | "malformed"
  | "invalid-signature"
  | "banned"
  | "unlisted"
  | "unauthorized"
  | "wrong-network";

/** Why an attestation was not used: its key is not a current attestor, or it does not verify. */
export type AttestationRejectReason = "untrusted" | "invalid-signature" | "malformed";

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
  /** Attestations not used, by reason (omitted when none). */
  rejectedAttestations?: Partial<Record<AttestationRejectReason, number>>;
}

export interface IngestOptions {
  /** The entries' ids, computed elsewhere (an ingest worker); undefined for a malformed one. */
  ids?: readonly (string | undefined)[];
  /** Signatures verified elsewhere (an ingest worker), used like the shared cache. */
  verified?: VerifiedCache;
}

export interface StateOptions {
  /**
   * Signatures already verified, shared by the states of one process (a simulation of many
   * nodes, tests): a signature found here with every input equal is not verified again. Only
   * valid verdicts are stored. Grows without bound: not for a long-running daemon.
   */
  verified?: VerifiedCache;
}

const KINDS = new Set(Object.keys(CONTEXTS));
/** Index of each kind, for grouping an ingest's new entries by kind without a Map. */
const KIND_RANK: Record<MeshEntry["kind"], number> = {
  settings: 0,
  host: 1,
  claim: 2,
  record: 3,
  tombstone: 4,
};
const NO_ATTESTORS: ReadonlySet<string> = new Set();
const MAX_FORGOTTEN = 200_000;
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/** The digest bucket (0..255) of an entry id: its first 8 bits (ids are base64 SHA-256). */
export function bucketOf(id: string): number {
  const a = B64_VALUE[id.charCodeAt(0)] ?? -1;
  const b = B64_VALUE[id.charCodeAt(1)] ?? -1;
  return ((a << 2) | (b >> 4)) & 0xff;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export class NetworkState {
  /** id → entry. Read-only for callers: change the state through ingest/merge only. */
  readonly entries = new Map<string, MeshEntry>();
  /**
   * id → attestor key → entry (signed_at, signature). Read-only for callers; a map is replaced
   * (never mutated) when it changes, so its identity can key a cache.
   */
  readonly attestations = new Map<string, SignatureMap>();
  /**
   * Attested time per id, per attestor: the earliest valid one (epoch ms), as a flat list
   * `[key, time, key, time, …]` (an entry has one attestation per attestor, usually one or two).
   */
  private readonly attestedAt = new Map<string, (string | number)[]>();
  readonly rejected: Partial<Record<RejectReason, number>> = {};
  readonly rejectedAttestations: Partial<Record<AttestationRejectReason, number>> = {};
  /** Keys banned by the current settings, and the keys they admit (undefined: admission open). */
  private banned = new Set<string>();
  private admitted: Set<string> | undefined;
  /** Ids removed by forget() (expired or superseded leases): not taken again. Bounded. */
  private readonly forgotten = new Set<string>();
  /** Writers ever authorized per section. */
  private readonly sectionWriters = new Map<string, Set<string>>();
  /** Sections whose policy was `latest-per-writer` in any settings version (monotone, like bans). */
  private readonly latestSections = new Set<string>();
  /** In those sections, the id of the newest record per (section, writer, key). */
  private readonly newest = new Map<string, string>();
  private current: { id: string; settings: Settings; attestors: Set<string> } | undefined;
  private readonly members: Set<string>[] = Array.from({ length: 256 }, () => new Set<string>());
  private readonly bucketRevs = new Uint32Array(256);
  private readonly verified: VerifiedCache | undefined;
  private version = 0;

  constructor(
    readonly network: string,
    options: StateOptions = {},
  ) {
    this.verified = options.verified;
  }

  /** Changes whenever the state changes (for caching and persistence). */
  get revision(): number {
    return this.version;
  }

  /** The ids of a digest bucket and a counter that changes whenever the bucket's content does. */
  bucket(b: number): { ids: ReadonlySet<string>; revision: number } {
    const ids = this.members[b];
    if (!ids) throw new RangeError(`bucket: expected an integer in 0..255, got ${b}`);
    return { ids, revision: this.bucketRevs[b]! };
  }

  private touch(id: string): void {
    this.bucketRevs[bucketOf(id)]!++;
    this.changed.add(id);
  }

  /** Ids whose entry or attestations changed since the last takeChanges() (for journaling). */
  private readonly changed = new Set<string>();

  /**
   * What changed since the last call, as a partial data.json: the entries added and the current
   * attestation maps of the ids whose attestations changed. Ingesting it into a copy of the
   * earlier state gives this state (a journal line).
   */
  takeChanges(): StateJSON | undefined {
    if (this.changed.size === 0) return undefined;
    const entries: MeshEntry[] = [];
    const attestations: Record<string, SignatureMap> = {};
    for (const id of this.changed) {
      const e = this.entries.get(id);
      if (!e) continue;
      entries.push(e);
      const m = this.attestations.get(id);
      if (m && Object.keys(m).length) attestations[id] = m;
    }
    this.changed.clear();
    return { version: 1, network: this.network, entries, attestations };
  }

  private store(id: string, e: MeshEntry): void {
    this.entries.set(id, e);
    this.members[bucketOf(id)]!.add(id);
    this.touch(id);
  }

  private remove(id: string): void {
    this.entries.delete(id);
    this.attestations.delete(id);
    this.attestedAt.delete(id);
    this.members[bucketOf(id)]!.delete(id);
    this.touch(id);
  }

  private reject(reason: RejectReason, report: IngestReport, n = 1): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + n;
    report.rejected[reason] = (report.rejected[reason] ?? 0) + n;
  }

  private rejectAttestation(reason: AttestationRejectReason, report: IngestReport, n = 1): void {
    this.rejectedAttestations[reason] = (this.rejectedAttestations[reason] ?? 0) + n;
    report.rejectedAttestations ??= {};
    report.rejectedAttestations[reason] = (report.rejectedAttestations[reason] ?? 0) + n;
  }

  /**
   * Counts rejections found before ingest (an ingest worker refused these entries and
   * attestations: they never reach ingest). Returns a report with those counts.
   */
  countRejected(
    entries: Partial<Record<RejectReason, number>>,
    attestations: Partial<Record<AttestationRejectReason, number>> = {},
  ): IngestReport {
    const report: IngestReport = { added: 0, attestationsAdded: 0, rejected: {} };
    for (const [r, n] of Object.entries(entries)) if (n) this.reject(r as RejectReason, report, n);
    for (const [r, n] of Object.entries(attestations))
      if (n) this.rejectAttestation(r as AttestationRejectReason, report, n);
    return report;
  }

  /** May this key write entries of this kind under the current settings? */
  private allowed(e: MeshEntry): RejectReason | undefined {
    if (this.banned.has(e.writer)) return "banned";
    if ((e.kind === "host" || e.kind === "claim") && this.admitted && !this.admitted.has(e.writer))
      return "unlisted";
    return undefined;
  }

  /**
   * Removes entries (expired or superseded leases, see lease.ts) and remembers their ids, so a
   * peer that still holds one cannot bring it back. Returns how many were removed.
   */
  forget(ids: Iterable<string>): number {
    let n = 0;
    for (const id of ids) {
      if (!this.entries.has(id)) continue;
      this.remove(id);
      this.forgotten.add(id);
      n++;
    }
    // Bounded: the oldest ids are let go (an entry that comes back is expired and goes again).
    if (this.forgotten.size > MAX_FORGOTTEN) {
      let drop = this.forgotten.size - MAX_FORGOTTEN;
      for (const id of this.forgotten) {
        if (drop-- <= 0) break;
        this.forgotten.delete(id);
      }
    }
    if (n) this.version++;
    return n;
  }

  /** The current settings (admin-signed, last writer wins by last_updated, ties by id). */
  settings(): Settings | undefined {
    return this.current?.settings;
  }

  /** Adds entries and attestations received from a peer, a file or a local write. */
  ingest(
    entries: readonly unknown[],
    attestations: Record<string, unknown> = {},
    options: IngestOptions = {},
  ): IngestReport {
    const report: IngestReport = { added: 0, attestationsAdded: 0, rejected: {} };
    const givenIds = options.ids;
    const shaped: MeshEntry[] = [];
    const given: (string | undefined)[] = [];
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as MeshEntry;
      if (e === undefined && !(i in entries)) continue; // a hole (forEach skipped them)
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
      shaped.push(e);
      if (givenIds) given.push(givenIds[i]);
    }
    // Ids in one batch; first occurrence of an id wins, known and forgotten ids are skipped.
    const ids = givenIds ? given : entryIds(shaped, () => this.reject("malformed", report));
    if (givenIds) for (const id of given) if (id === undefined) this.reject("malformed", report);
    // The new entries grouped by kind (kinds in order of first appearance), one check each: the
    // writer's signature only, under its kind's context (core's verifySigners decides whether
    // the map and the entry are well-formed). All kinds in one verification call, so a node's
    // host record and its claims meet in one verifyBatch call, where same-key items combine.
    const seen = new Set<string>();
    const groups: number[][] = [];
    const kinds: number[] = [];
    for (let i = 0; i < shaped.length; i++) {
      const id = ids[i];
      if (
        id === undefined ||
        this.entries.has(id) ||
        (this.forgotten.size > 0 && this.forgotten.has(id)) ||
        seen.has(id)
      )
        continue;
      seen.add(id);
      const k = KIND_RANK[shaped[i]!.kind];
      const group = groups[k];
      if (group) group.push(i);
      else {
        groups[k] = [i];
        kinds.push(k);
      }
    }
    const fresh: number[] = []; // shaped index of each check
    const checks: Check[] = [];
    for (const k of kinds)
      for (const i of groups[k]!) {
        const e = shaped[i]!;
        fresh.push(i);
        checks.push({ hash: ids[i]!, key: e.writer, signatures: e.signatures, context: CONTEXTS[e.kind] });
      }
    const times = verifyChecks(checks, options.verified, this.verified);
    let invalid = 0;
    for (let j = 0; j < times.length; j++) if (Number.isNaN(times[j])) invalid++;
    if (invalid) this.reject("invalid-signature", report, invalid);
    // Settings first: authorization of the rest depends on them. Section writers and
    // latest-per-writer sections accumulate over every settings version (monotone); bans and
    // admission follow the current settings, and when those change, stored entries they no
    // longer allow are removed.
    const before = this.current?.id;
    let newLatest = false;
    for (let j = 0; j < checks.length; j++) {
      const e = shaped[fresh[j]!]!;
      if (e.kind !== "settings" || Number.isNaN(times[j])) continue;
      if (e.writer !== this.network) {
        this.reject("unauthorized", report);
        continue;
      }
      const id = checks[j]!.hash;
      this.store(id, e);
      this.considerSettings(id, e);
      for (const [name, sec] of Object.entries(e.sections ?? {})) {
        const w = this.sectionWriters.get(name) ?? new Set<string>();
        for (const k of sec.writers ?? []) w.add(k);
        this.sectionWriters.set(name, w);
        if (sec.policy === "latest-per-writer" && !this.latestSections.has(name)) {
          this.latestSections.add(name);
          newLatest = true;
        }
      }
      report.added++;
    }
    // A section that became latest-per-writer keeps only each slot's newest record from now on.
    if (newLatest)
      for (const [id, e] of [...this.entries])
        if (e.kind === "record" && this.latestSections.has(e.section) && this.entries.has(id))
          this.keepNewest(id, e);
    const settingsChanged = this.current?.id !== before;
    for (let j = 0; j < checks.length; j++) {
      const e = shaped[fresh[j]!]!;
      if (e.kind === "settings" || Number.isNaN(times[j])) continue;
      const refused = this.allowed(e);
      if (refused) {
        this.reject(refused, report);
        continue;
      }
      const id = checks[j]!.hash;
      if (e.kind === "record") {
        if (!this.sectionWriters.get(e.section)?.has(e.writer)) {
          this.reject("unauthorized", report);
          continue;
        }
        // Superseded in a latest-per-writer section: not stored (not a rejection either).
        if (this.latestSections.has(e.section) && !this.keepNewest(id, e, false)) continue;
      }
      this.store(id, e);
      report.added++;
    }
    // New current settings: entries they no longer allow are removed wherever they were stored.
    let removed = false;
    if (settingsChanged)
      for (const [id, e] of this.entries)
        if (e.kind !== "settings" && this.allowed(e)) {
          this.remove(id);
          removed = true;
        }
    report.attestationsAdded = this.addAttestations(attestations, report, options.verified);
    if (report.added || report.attestationsAdded || removed) this.version++;
    return report;
  }

  /**
   * The latest-per-writer rule for record `id`: true when it is its slot's newest, in which case
   * the record it supersedes is removed (and `id` is noted; stored already when `stored`).
   */
  private keepNewest(id: string, e: SectionRecord, stored = true): boolean {
    const slot = `${e.section}\n${e.writer}\n${e.key}`;
    const curId = this.newest.get(slot);
    if (curId === id) return true;
    const cur = curId === undefined ? undefined : (this.entries.get(curId) as SectionRecord | undefined);
    if (cur && (cur.last_updated > e.last_updated || (cur.last_updated === e.last_updated && curId! > id))) {
      if (stored) this.remove(id);
      return false;
    }
    if (curId !== undefined) this.remove(curId);
    this.newest.set(slot, id);
    return true;
  }

  private considerSettings(id: string, e: Settings): void {
    const best = this.current;
    if (
      !best ||
      e.last_updated > best.settings.last_updated ||
      (e.last_updated === best.settings.last_updated && id > best.id)
    ) {
      this.current = { id, settings: e, attestors: new Set(Array.isArray(e.attestors) ? e.attestors : []) };
      this.banned = new Set(Array.isArray(e.banned) ? e.banned : []);
      this.admitted = e.admission === "listed" ? new Set(Array.isArray(e.nodes) ? e.nodes : []) : undefined;
    }
  }

  /**
   * Merges attestation maps, keeping per attestor the earliest valid signature. Attestations of
   * entries not held are ignored; those by keys that are not current attestors, malformed ones
   * and those whose signature does not verify are counted in the report.
   */
  private addAttestations(
    attestations: Record<string, unknown>,
    report: IngestReport,
    given?: VerifiedCache,
  ): number {
    const attestors = this.current?.attestors ?? NO_ATTESTORS;
    // Only signatures that could win are verified: by a current attestor, and earlier than (or
    // as early as, with a smaller signature) the one held.
    const checks: Check[] = [];
    const found: SignatureEntry[] = []; // the map entry of each check
    for (const id of Object.keys(attestations)) {
      if (!this.entries.has(id)) continue;
      const map = attestations[id];
      if (signatureMapError(map) !== undefined) {
        this.rejectAttestation("malformed", report, isRecord(map) ? Math.max(1, Object.keys(map).length) : 1);
        continue;
      }
      const signatures = map as Record<string, unknown>;
      const held = this.attestations.get(id);
      for (const key of Object.keys(signatures)) {
        if (!attestors.has(key)) {
          this.rejectAttestation("untrusted", report);
          continue;
        }
        const entry = signerEntry(signatures, key) as SignatureEntry;
        if (!isRecord(entry)) {
          this.rejectAttestation("malformed", report);
          continue;
        }
        const cur = held?.[key];
        if (
          cur &&
          !(
            entry.signed_at < cur.signed_at ||
            (entry.signed_at === cur.signed_at && entry.signature < cur.signature)
          )
        )
          continue;
        checks.push({ hash: id, key, signatures, context: ATTESTATION });
        found.push(entry);
      }
    }
    if (checks.length === 0) return 0;
    const times = verifyChecks(checks, given, this.verified);
    let added = 0;
    let invalid = 0;
    for (let j = 0; j < checks.length; j++) {
      const t = times[j]!;
      if (Number.isNaN(t)) {
        invalid++;
        continue;
      }
      const { hash: id, key } = checks[j]!;
      const entry = found[j]!;
      const held = this.attestations.get(id);
      // attestedAt: [key, time, key, time, …] (one or two attestors: a scan beats a Map)
      const at = this.attestedAt.get(id);
      let k = 0;
      if (at) while (k < at.length && at[k] !== key) k += 2;
      const cur = at && k < at.length ? (at[k + 1] as number) : undefined;
      if (cur === undefined || t < cur || (t === cur && entry.signature < held![key]!.signature)) {
        if (!at) this.attestedAt.set(id, [key, t]);
        else if (cur === undefined) at.push(key, t);
        else at[k + 1] = t;
        if (held) this.attestations.set(id, { ...held, [key]: entry });
        else this.attestations.set(id, { [key]: entry });
        this.touch(id);
        added++;
      }
    }
    if (invalid) this.rejectAttestation("invalid-signature", report, invalid);
    return added;
  }

  /** Earliest trusted attestation time of an entry (undefined: pending). */
  timeOf(id: string): number | undefined {
    const attestors = this.current?.attestors;
    if (!attestors) return undefined;
    let best: number | undefined;
    const at = this.attestedAt.get(id);
    if (!at) return undefined;
    for (let k = 0; k < at.length; k += 2) {
      const t = at[k + 1] as number;
      if (attestors.has(at[k] as string) && (best === undefined || t < best)) best = t;
    }
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
