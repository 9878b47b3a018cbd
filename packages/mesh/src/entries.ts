// Mesh entries: immutable signed documents. An entry's id is its payload hash, so the state can
// be a grow-only set of entries plus, per entry, a map of attestations (signatures by trusted
// attestors on the id) merged by keeping each attestor's earliest valid one. Everything shown
// to users (settings, host names, dns.json) is derived from that set deterministically.
import { payloadHash, type SignatureMap, signDocument, signHash } from "@chronoseal/core";

export type EntryKind = "settings" | "host" | "claim" | "record" | "tombstone";

export const CONTEXTS: Record<EntryKind, string> = {
  settings: "settings",
  host: "host-record",
  claim: "host-claim",
  record: "section-record",
  tombstone: "tombstone",
};
export const ATTESTATION = "attestation";

export type SectionPolicy = "lww" | "first-attested-wins" | "append-only" | "latest-per-writer";

export interface Settings {
  kind: "settings";
  network: string;
  writer: string;
  last_updated: string;
  tld: string;
  attestors: string[];
  /** Keys whose entries are refused and removed (the current settings' list: `mesh unban` lifts a ban). */
  banned: string[];
  /**
   * hostname → the node key that owns it regardless of claims (its host record's addresses), or
   * a fixed list of IP addresses.
   */
  overrides: Record<string, string | string[]>;
  /** Host records and claims expire this long after their trusted time (ms). */
  host_ttl: number;
  sections: Record<string, { policy: SectionPolicy; writers: string[] }>;
  /**
   * Who may publish host records and claims: `open` (default: any key not banned) or `listed`
   * (only the keys in `nodes`).
   */
  admission?: Admission;
  /** Node keys admitted when `admission` is `listed`. */
  nodes?: string[];
}

export type Admission = "open" | "listed";

export interface HostRecord {
  kind: "host";
  network: string;
  writer: string;
  last_updated: string;
  addresses: string[];
  port: number;
}

export interface Claim {
  kind: "claim";
  network: string;
  writer: string;
  last_updated: string;
  hostname: string;
  /**
   * A renewal: the time (RFC 3339) since which the writer has held the name without a gap. A
   * trusted attestor attests a renewal only while the writer's previous claim is live and has
   * exactly this priority, so the name keeps its place in a conflict across renewals.
   */
  since?: string;
}

export interface SectionRecord {
  kind: "record";
  network: string;
  writer: string;
  last_updated: string;
  section: string;
  key: string;
  value: unknown;
}

export interface Tombstone {
  kind: "tombstone";
  network: string;
  writer: string;
  last_updated: string;
  /** Id of the entry it deletes (by the same writer). */
  target: string;
}

export type Payload = Settings | HostRecord | Claim | SectionRecord | Tombstone;
export type MeshEntry = Payload & { signatures: SignatureMap };

export function entryId(entry: Payload): string {
  return payloadHash(entry);
}

/** Signs a payload as its writer (the writer field must be the signer's public key). */
export function signEntry(
  payload: Payload,
  secretKey: Uint8Array,
  signedAt: number | string = Date.now(),
): MeshEntry {
  return signDocument(payload, { secretKey, context: CONTEXTS[payload.kind], signedAt }) as MeshEntry;
}

/** An attestation of an entry id by an attestor: [attestor key, signature entry]. */
export function attestEntry(id: string, secretKey: Uint8Array, signedAt: number | string = Date.now()) {
  return signHash(id, { secretKey, context: ATTESTATION, signedAt });
}
