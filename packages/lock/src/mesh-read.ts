// Reading a lock fleet's anchors, heads and device registrations from a mesh network, verified
// here rather than taken on the node's word: the node's whole state (`GET …/state`, from the
// first node that answers) is ingested into a fresh NetworkState, which keeps only entries whose
// writer signature verifies, settings signed by the network's admin key (the network id), and
// attestations that verify under the attestor keys those settings trust. From that:
//   - notes: every anchor note (append-only `lock-anchors`) and head note (`lock-heads`), every
//     distinct copy (a cosigned copy of an anchor too); the auditor verifies each with the door's
//     device key;
//   - attested: per note (by hash), the earliest trusted attestation of any record carrying it,
//     with its attestor — when the network first saw the anchor;
//   - attestations: per note, every trusted attestor's earliest attestation of it (earliest
//     first), for reports that show who vouched for an anchor and when;
//   - devices: per door, the device key of its earliest attested registration (`device:<door>`,
//     signed by the key it registers); a key registers one door only (its earliest), so a lock's
//     key cannot take over other doors' names. Unattested registrations do not count.
import { ChronosealError } from "@chronoseal/core";
import { NetworkState, sectionRecords } from "@chronoseal/mesh";
import { anchorHash } from "./anchors.js";

export const ANCHOR_SECTION = "lock-anchors";
export const HEAD_SECTION = "lock-heads";

export class MeshAnchorError extends ChronosealError {
  constructor(message: string) {
    super("ERR_LOCK_MESH_ANCHORS", message);
    this.name = "MeshAnchorError";
  }
}

export interface MeshReadOptions {
  /** Base URLs of mesh nodes, tried in order until one answers. */
  nodes: readonly string[];
  /** The network (its admin public key, base64). */
  network: string;
  section?: string;
  headSection?: string;
  /** Per-node timeout for the state (default 30 s). */
  timeoutMs?: number;
}

export interface Attested {
  /** Earliest trusted attestation, RFC 3339. */
  time: string;
  /** The attestor's key (base64). */
  attestor: string;
}

export interface MeshAnchorView {
  /** The node that answered. */
  node: string;
  /** Trusted attestor keys, from the admin-signed settings. */
  attestors: string[];
  notes: string[];
  /** Earliest trusted attestation per note hash (anchorHash). */
  attested: Map<string, Attested>;
  /** Per note hash, each trusted attestor's earliest attestation, earliest first. */
  attestations: Map<string, Attested[]>;
  devices: Map<string, string>;
  /** Registrations not (yet) attested, or refused (key already registered another door). */
  ignoredRegistrations: number;
  /** Entries and attestations the node served that did not verify, by reason. */
  rejected: Partial<Record<string, number>>;
}

/** Fetches the network's state from the first node that answers and verifies it (see header). */
export async function fetchVerifiedState(o: MeshReadOptions): Promise<{ node: string; state: NetworkState }> {
  if (o.nodes.length === 0) throw new MeshAnchorError("nodes: at least one mesh node URL is needed");
  const errors: string[] = [];
  for (const node of o.nodes) {
    const url = `${node.replace(/\/$/, "")}/v1/networks/${encodeURIComponent(o.network)}/state`;
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(o.timeoutMs ?? 30_000) });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const json = (await r.json()) as { network?: unknown; entries?: unknown; attestations?: unknown };
      if (json?.network !== o.network || !Array.isArray(json.entries))
        throw new Error("not this network's state");
      const state = new NetworkState(o.network);
      const attestations =
        json.attestations && typeof json.attestations === "object" && !Array.isArray(json.attestations)
          ? (json.attestations as Record<string, unknown>)
          : {};
      state.ingest(json.entries, attestations);
      return { node, state };
    } catch (e) {
      errors.push(`${node}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new MeshAnchorError(`no mesh node answered (${errors.join("; ")})`);
}

/** The trusted attestations of an entry (one per attestor), earliest first (ties by key). */
function attestationsOf(state: NetworkState, id: string, trusted: ReadonlySet<string>): Attested[] {
  const out: Attested[] = [];
  for (const [key, sig] of Object.entries(state.attestations.get(id) ?? {}))
    if (trusted.has(key)) out.push({ time: sig.signed_at, attestor: key });
  return out.sort(byTime);
}

function byTime(a: Attested, b: Attested): number {
  return a.time < b.time
    ? -1
    : a.time > b.time
      ? 1
      : a.attestor < b.attestor
        ? -1
        : a.attestor > b.attestor
          ? 1
          : 0;
}

/** Merges b into a: per attestor the earlier attestation, earliest first. */
function mergeAttestations(a: readonly Attested[], b: readonly Attested[]): Attested[] {
  const by = new Map<string, Attested>();
  for (const x of [...a, ...b]) {
    const cur = by.get(x.attestor);
    if (!cur || x.time < cur.time) by.set(x.attestor, x);
  }
  return [...by.values()].sort(byTime);
}

/** Notes, attested times and device keys of a verified state (see header). */
export function anchorView(state: NetworkState, o: Pick<MeshReadOptions, "section" | "headSection">) {
  const attestors = state.settings()?.attestors ?? [];
  const trusted = new Set(attestors);
  const notes: string[] = [];
  const attested = new Map<string, Attested>();
  const attestations = new Map<string, Attested[]>();
  const registrations: { door: string; key: string; at: Attested; id: string }[] = [];
  const seen = new Set<string>();
  let ignored = 0;
  for (const section of [o.section ?? ANCHOR_SECTION, o.headSection ?? HEAD_SECTION])
    for (const r of sectionRecords(state, section)) {
      const all = r.time === undefined ? [] : attestationsOf(state, r.id, trusted);
      const at = all[0];
      const v = r.value as { note?: unknown; door?: unknown; key?: unknown } | null;
      if (r.key.startsWith("device:")) {
        if (section !== (o.section ?? ANCHOR_SECTION)) continue;
        if (!at || typeof v?.door !== "string" || v.key !== r.writer || r.key !== `device:${v.door}`) {
          ignored++;
          continue;
        }
        registrations.push({ door: v.door, key: v.key, at, id: r.id });
        continue;
      }
      if (typeof v?.note !== "string") continue;
      const hash = anchorHash(v.note);
      const cur = attested.get(hash);
      // Every distinct copy: a witnessed lock publishes an anchor again with late cosignature
      // lines (the same anchorHash); the auditor merges the copies' cosignatures.
      if (!seen.has(v.note)) {
        seen.add(v.note);
        notes.push(v.note);
      }
      if (at && (!cur || at.time < cur.time)) attested.set(hash, at);
      if (all.length > 0) attestations.set(hash, mergeAttestations(attestations.get(hash) ?? [], all));
    }
  // Earliest attested registration first (ties by record id): a door keeps its first key, and a
  // key its first door.
  registrations.sort((a, b) =>
    a.at.time < b.at.time ? -1 : a.at.time > b.at.time ? 1 : a.id < b.id ? -1 : 1,
  );
  const devices = new Map<string, string>();
  const keys = new Set<string>();
  for (const r of registrations) {
    if (devices.has(r.door) || keys.has(r.key)) {
      if (devices.get(r.door) !== r.key) ignored++;
      continue;
    }
    devices.set(r.door, r.key);
    keys.add(r.key);
  }
  return { attestors, notes, attested, attestations, devices, ignoredRegistrations: ignored };
}

/** Reads and verifies a fleet's anchors, heads and device keys from the mesh (see header). */
export async function readMeshAnchors(o: MeshReadOptions): Promise<MeshAnchorView> {
  const { node, state } = await fetchVerifiedState(o);
  return { node, ...anchorView(state, o), rejected: { ...state.rejected } };
}
