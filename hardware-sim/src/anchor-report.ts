// The anchors of a run, door by door, for the report: each anchor or head note opened with its
// door's device key (kind, entries covered, device time), the mesh attestors that attested it and
// when (from a verified mesh state: lock's anchorView), and the signature lines of other keys the
// note carries — witness cosignatures, listed by key name (and cosignature/v1 time), not
// verified here: the report holds no witness keys (`chronoseal lock audit --witness` checks them).
import { fromBase64, noteVerifier, parseNote, toHex } from "@chronoseal/core";
import { ANCHOR_ORIGIN_PREFIX, type Attested, anchorHash, openAnchor } from "@chronoseal/lock";

export interface AnchorAttestation {
  /** The attestor's key (base64) and the name the run gives it (e.g. the mesh node holding it). */
  attestor: string;
  name?: string;
  /** When the attestor signed it (RFC 3339, the mesh's real clock). */
  time: string;
}

export interface AnchorCosignature {
  /** Key name of the signature line. */
  name: string;
  /** Key id, 8 hex digits. */
  keyId: string;
  /** For a cosignature/v1 line: the time it states (RFC 3339). */
  time?: string;
}

export interface AnchorReport {
  chain: string;
  /** genesis | intermediate | heartbeat | final | expired | head */
  kind: string;
  /** Entries covered: seq 0 … lastSeq (size entries). */
  size: number;
  lastSeq: number;
  /** Device time the lock signed it (RFC 3339, virtual time). */
  time: string;
  /** base64 SHA-256 of the note. */
  hash: string;
  attestations: AnchorAttestation[];
  cosignatures: AnchorCosignature[];
}

export interface AnchorsByDoor {
  doors: Map<string, AnchorReport[]>;
  /** Notes that name no door of the run, or do not verify with its device key. */
  unverified: { door: string; hash: string; reason: string }[];
}

/** cosignature/v1 signature bytes: an 8-byte big-endian timestamp, then 64 bytes of Ed25519. */
const COSIGNATURE_V1_BYTES = 72;

function cosignatures(note: string, door: string): AnchorCosignature[] {
  return parseNote(note)
    .signatures.filter((s) => s.name !== door)
    .map((s) => {
      const out: AnchorCosignature = { name: s.name, keyId: toHex(s.keyId) };
      if (s.signature.length === COSIGNATURE_V1_BYTES) {
        const secs = new DataView(s.signature.buffer, s.signature.byteOffset, 8).getBigUint64(0);
        const ms = Number(secs) * 1000;
        if (Number.isSafeInteger(ms) && ms <= 8.64e15) out.time = new Date(ms).toISOString();
      }
      return out;
    });
}

/** Splits notes by door, opening each with the door's device key (base64, from `devices`). */
export function anchorsByDoor(
  notes: readonly string[],
  devices: ReadonlyMap<string, string>,
  attestations: ReadonlyMap<string, readonly Attested[]> = new Map(),
  attestorNames: ReadonlyMap<string, string> = new Map(),
): AnchorsByDoor {
  const doors = new Map<string, AnchorReport[]>();
  const unverified: AnchorsByDoor["unverified"] = [];
  for (const note of new Set(notes)) {
    const hash = anchorHash(note);
    const origin = note.slice(0, note.indexOf("\n"));
    const door = origin.startsWith(ANCHOR_ORIGIN_PREFIX)
      ? origin.slice(ANCHOR_ORIGIN_PREFIX.length).split("/")[0]!
      : "";
    const key = devices.get(door);
    if (!key) {
      unverified.push({ door, hash, reason: "no device key for this door" });
      continue;
    }
    try {
      const a = openAnchor(note, noteVerifier(door, fromBase64(key, "device key", 32)));
      const list = doors.get(door) ?? [];
      list.push({
        chain: a.chain,
        kind: a.kind,
        size: a.size,
        lastSeq: a.lastSeq,
        time: a.time,
        hash,
        attestations: (attestations.get(hash) ?? []).map((x) => {
          const name = attestorNames.get(x.attestor);
          return { attestor: x.attestor, ...(name !== undefined ? { name } : {}), time: x.time };
        }),
        cosignatures: cosignatures(note, door),
      });
      doors.set(door, list);
    } catch (e) {
      unverified.push({ door, hash, reason: (e as Error).message });
    }
  }
  for (const list of doors.values())
    list.sort((x, y) =>
      x.chain !== y.chain
        ? x.chain < y.chain
          ? -1
          : 1
        : x.lastSeq - y.lastSeq ||
          (x.kind === "head" ? 1 : 0) - (y.kind === "head" ? 1 : 0) ||
          (x.time < y.time ? -1 : 1),
    );
  return { doors, unverified };
}
