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
// Cost of an ingest of n entries and m attestations: linear bookkeeping, one canonicalHashBatch
// call for the n entry ids, one verifySigners call (one verifyBatch) per entry kind for the
// writer signatures (the writer's signature only), and one for the attestations that could
// change something (a copy of a signature already held, or one dated later, is not verified).
// The state also keeps, per digest bucket (see sync.ts), its ids and a revision counter, so
// digests are recomputed only for the buckets that changed.
//
// Longer than ~400 lines on purpose: ingest, merge, forget and the latest-per-writer slots share
// the entry index, the bucket revisions and the rejection counters, and splitting them would
// expose that index across modules; entry shapes and ids (entries.ts), the signature checks
// (core), leases (lease.ts), digests (sync.ts) and views (views.ts) live elsewhere.
import {
  decodeSignatureEntry,
  isPublicKeyBase64,
  payloadHashes,
  type SignatureEntry,
  type SignatureMap,
  signatureMapError,
  signerEntry,
  verifySigners,
} from "@chronoseal/core";
import {
  ATTESTATION,
  CONTEXTS,
  entryId,
  type MeshEntry,
  type SectionRecord,
  type Settings,
} from "./entries.js";

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

/** A valid signature as verified once, keyed by its signature string in a VerifiedCache. */
export interface VerifiedSignature {
  /** The verifier's context, payload hash, signer key, signed_at and the entry's own context. */
  context: string;
  hash: string;
  key: string;
  signed_at: string;
  entryContext: string | undefined;
  /** signed_at, epoch ms. */
  signedAt: number;
}
export type VerifiedCache = Map<string, VerifiedSignature>;

export interface StateOptions {
  /**
   * Signatures already verified, shared by the states of one process (a simulation of many
   * nodes, tests): a signature found here with every input equal is not verified again. Only
   * valid verdicts are stored. Grows without bound: not for a long-running daemon.
   */
  verified?: VerifiedCache;
}

const KINDS = new Set(Object.keys(CONTEXTS));
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

/** One signature to check: the entry of `key` in the map `signatures` for payload hash `hash`. */
interface Check {
  hash: string;
  key: string;
  signatures: Record<string, unknown>;
  /** The map's entry of `key` (read once; verifySigners decides whether it is well-formed). */
  entry: SignatureEntry;
  /** The context the signature must be for, when not the one verify() is given. */
  context?: string;
}

export class NetworkState {
  /** id → entry. Read-only for callers: change the state through ingest/merge only. */
  readonly entries = new Map<string, MeshEntry>();
  /**
   * id → attestor key → entry (signed_at, signature). Read-only for callers; a map is replaced
   * (never mutated) when it changes, so its identity can key a cache.
   */
  readonly attestations = new Map<string, SignatureMap>();
  /** Attested time per id, per attestor: the earliest valid one (epoch ms). */
  private readonly attestedAt = new Map<string, Map<string, number>>();
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
    const shaped: MeshEntry[] = [];
    const given: (string | undefined)[] = [];
    entries.forEach((raw, i) => {
      const e = raw as MeshEntry;
      if (
        !e ||
        typeof e !== "object" ||
        !KINDS.has(e.kind) ||
        typeof e.writer !== "string" ||
        typeof e.last_updated !== "string"
      ) {
        this.reject("malformed", report);
        return;
      }
      if (e.network !== this.network) {
        this.reject("wrong-network", report);
        return;
      }
      shaped.push(e);
      if (options.ids) given.push(options.ids[i]);
    });
    // Ids in one batch; first occurrence of an id wins, known and forgotten ids are skipped.
    const ids = options.ids ? given : this.ids(shaped, report);
    if (options.ids) for (const id of given) if (id === undefined) this.reject("malformed", report);
    const fresh = new Map<string, MeshEntry>();
    shaped.forEach((e, i) => {
      const id = ids[i];
      if (id !== undefined && !this.entries.has(id) && !this.forgotten.has(id) && !fresh.has(id))
        fresh.set(id, e);
    });
    // Writer signatures: one batch call per kind (each kind has its own context), only the
    // writer's signature is checked (core's verifySigners: a map that is not an object or has
    // more entries than maxSignatures is malformed as a whole, as verifySignatureMaps says).
    const byKind = new Map<MeshEntry["kind"], { id: string; e: MeshEntry }[]>();
    for (const [id, e] of fresh) {
      const list = byKind.get(e.kind);
      if (list) list.push({ id, e });
      else byKind.set(e.kind, [{ id, e }]);
    }
    // All kinds in one verification call (each check names its kind's context), so a node's
    // host record and its claims meet in one verifyBatch call, where same-key items combine.
    const lists = [...byKind.values()];
    const checks: Check[] = [];
    const at: number[] = []; // list index and item index per check, flattened
    lists.forEach((list, l) => {
      list.forEach(({ id, e }, i) => {
        const map = e.signatures as unknown;
        if (signatureMapError(map) !== undefined || !isPublicKeyBase64(e.writer)) return;
        const signatures = map as Record<string, unknown>;
        const entry = signerEntry(signatures, e.writer);
        if (entry === undefined) return;
        checks.push({
          hash: id,
          key: e.writer,
          signatures,
          entry: entry as SignatureEntry,
          context: CONTEXTS[e.kind],
        });
        at.push(l, i);
      });
    });
    const times = this.verify(checks, ATTESTATION, options.verified);
    const ok = lists.map((list) => new Uint8Array(list.length));
    for (let j = 0; j < checks.length; j++) if (times[j] !== undefined) ok[at[2 * j]!]![at[2 * j + 1]!] = 1;
    const valid: { id: string; e: MeshEntry }[] = [];
    lists.forEach((list, l) => {
      list.forEach((f, i) => {
        if (ok[l]![i]) valid.push(f);
        else this.reject("invalid-signature", report);
      });
    });
    // Settings first: authorization of the rest depends on them. Section writers and
    // latest-per-writer sections accumulate over every settings version (monotone); bans and
    // admission follow the current settings, and when those change, stored entries they no
    // longer allow are removed.
    const before = this.current?.id;
    let newLatest = false;
    for (const { id, e } of valid) {
      if (e.kind !== "settings") continue;
      if (e.writer !== this.network) {
        this.reject("unauthorized", report);
        continue;
      }
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
    for (const { id, e } of valid) {
      if (e.kind === "settings") continue;
      const refused = this.allowed(e);
      if (refused) {
        this.reject(refused, report);
        continue;
      }
      if (e.kind === "record" && !this.sectionWriters.get(e.section)?.has(e.writer)) {
        this.reject("unauthorized", report);
        continue;
      }
      // Superseded in a latest-per-writer section: not stored (not a rejection either).
      if (e.kind === "record" && this.latestSections.has(e.section) && !this.keepNewest(id, e, false))
        continue;
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

  /** Entry ids in one canonicalHashBatch call; per entry when one payload is not canonical. */
  private ids(shaped: readonly MeshEntry[], report: IngestReport): (string | undefined)[] {
    try {
      return payloadHashes(shaped);
    } catch {
      return shaped.map((e) => {
        try {
          return entryId(e);
        } catch {
          this.reject("malformed", report);
          return undefined;
        }
      });
    }
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
   * Verifies single signatures with one verifySigners call (one verifyBatch) for those not found
   * in the shared cache; returns signed_at (epoch ms) of each valid one, undefined otherwise.
   */
  private verify(checks: readonly Check[], fallback: string, given?: VerifiedCache): (number | undefined)[] {
    const out: (number | undefined)[] = new Array(checks.length).fill(undefined);
    const todo: number[] = [];
    const cache = this.verified;
    checks.forEach((c, i) => {
      const context = c.context ?? fallback;
      const sig = typeof c.entry?.signature === "string" ? c.entry.signature : undefined;
      const hit = sig === undefined ? undefined : (given?.get(sig) ?? cache?.get(sig));
      if (
        hit &&
        hit.context === context &&
        hit.hash === c.hash &&
        hit.key === c.key &&
        hit.signed_at === c.entry.signed_at &&
        hit.entryContext === c.entry.context &&
        // the same signature in an ill-shaped entry (an extra field, …) is not the verified one
        typeof decodeSignatureEntry(c.key, c.entry) !== "string"
      )
        out[i] = hit.signedAt;
      else todo.push(i);
    });
    if (todo.length === 0) return out;
    const verdicts = verifySigners(
      todo.map((i) => {
        const c = checks[i]!;
        return { hash: c.hash, key: c.key, signatures: c.signatures, context: c.context ?? fallback };
      }),
      { context: fallback },
    );
    todo.forEach((i, j) => {
      const v = verdicts[j]!;
      if (!v.valid) return;
      out[i] = v.signedAt;
      const { hash, key, entry, context } = checks[i]!;
      cache?.set(entry.signature, {
        context: context ?? fallback,
        hash,
        key,
        signed_at: entry.signed_at,
        entryContext: entry.context,
        signedAt: v.signedAt,
      });
    });
    return out;
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
    const attestors = this.current?.attestors ?? new Set<string>();
    // Only signatures that could win are verified: by a current attestor, and earlier than (or
    // as early as, with a smaller signature) the one held.
    const checks: Check[] = [];
    for (const [id, map] of Object.entries(attestations)) {
      if (!this.entries.has(id)) continue;
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
        checks.push({ hash: id, key, signatures, entry });
      }
    }
    if (checks.length === 0) return 0;
    const times = this.verify(checks, ATTESTATION, given);
    let added = 0;
    checks.forEach(({ hash: id, key, entry }, i) => {
      const t = times[i];
      if (t === undefined) {
        this.rejectAttestation("invalid-signature", report);
        return;
      }
      const held = this.attestations.get(id);
      const at = this.attestedAt.get(id) ?? new Map<string, number>();
      const cur = at.get(key);
      if (cur === undefined || t < cur || (t === cur && entry.signature < held![key]!.signature)) {
        at.set(key, t);
        this.attestedAt.set(id, at);
        if (held) this.attestations.set(id, { ...held, [key]: entry });
        else this.attestations.set(id, { [key]: entry });
        this.touch(id);
        added++;
      }
    });
    return added;
  }

  /** Earliest trusted attestation time of an entry (undefined: pending). */
  timeOf(id: string): number | undefined {
    const attestors = this.current?.attestors;
    if (!attestors) return undefined;
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
