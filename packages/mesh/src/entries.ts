// Mesh entries: immutable signed documents. An entry's id is its payload hash, so the state can
// be a grow-only set of entries plus, per entry, a map of attestations (signatures by trusted
// attestors on the id) merged by keeping each attestor's earliest valid one. Everything shown
// to users (settings, host names, dns.json) is derived from that set deterministically.
import {
  canonicalize,
  payloadHash,
  payloadOf,
  type SignatureMap,
  sha256Packed,
  signDocument,
  signHash,
} from "@chronoseal/core";

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

/** The buffer entryIds writes canonical texts into, kept between calls (up to 1 MiB). */
const TEXTS_KEPT = 1 << 20;
let texts: Buffer | undefined;

/**
 * entryId of each entry, or undefined (and `malformed(i)` called) for one whose payload is not
 * canonical JSON (JCS refuses it) or that is not an object: core's payloadOf and canonicalize,
 * each canonical text written into one buffer right after it is made (so it dies young) and one
 * sha256Packed call for all of them. `test/perf-shape.test.ts` holds it equal to entryId.
 */
export function entryIds(
  entries: readonly unknown[],
  malformed: (i: number) => void,
): (string | undefined)[] {
  const n = entries.length;
  // Taken while in use: a getter in an entry that runs entryIds again gets a buffer of its own.
  let buf = texts ?? Buffer.allocUnsafe(TEXTS_KEPT);
  texts = undefined;
  const offsets = new Uint32Array(n + 1);
  const ok = new Uint8Array(n);
  let used = 0;
  for (let i = 0; i < n; i++) {
    let text: string;
    try {
      text = canonicalize(payloadOf(entries[i] as object));
    } catch {
      malformed(i);
      offsets[i + 1] = used;
      continue;
    }
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (used + text.length * 3 > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * buf.length, used + text.length * 3));
      buf.copy(bigger, 0, 0, used);
      buf = bigger;
    }
    used += buf.write(text, used, "utf8");
    offsets[i + 1] = used;
    ok[i] = 1;
  }
  const packed = sha256Packed(buf.subarray(0, used), offsets);
  if (buf.length <= TEXTS_KEPT) texts = buf;
  const digests = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  const ids: (string | undefined)[] = new Array(n);
  for (let i = 0; i < n; i++) ids[i] = ok[i] ? digests.toString("base64", 32 * i, 32 * i + 32) : undefined;
  return ids;
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
