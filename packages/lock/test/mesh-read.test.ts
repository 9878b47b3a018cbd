// Reading anchors and device registrations from a verified mesh state (anchorView), with the real
// state code: the earliest trusted attestation decides, whatever the order things arrive in; a
// registration counts only when attested, signed by the key it registers, and for that key's
// first door; a note published twice keeps its earlier attested time, and a cosigned copy of it
// is kept beside it; heads are read too.
import { generateKeyPair, type KeyPair, toBase64 } from "@chronoseal/core";
import { attestEntry, type MeshEntry, NetworkState, signEntry } from "@chronoseal/mesh";
import { beforeAll, describe, expect, it } from "vitest";
import { anchorHash } from "../src/anchors.js";
import { ANCHOR_SECTION, anchorView, HEAD_SECTION } from "../src/mesh-read.js";
import { deviceKey } from "./helpers.js";

let admin: KeyPair;
let attestor: KeyPair;
let network: string;
const T = Date.UTC(2025, 4, 1);
const iso = (t: number) => new Date(t).toISOString();

beforeAll(async () => {
  await deviceKey(); // initKeys
  admin = generateKeyPair();
  attestor = generateKeyPair();
  network = toBase64(admin.publicKey);
});

function settings(writers: string[], attestors: KeyPair[] = [attestor]): MeshEntry {
  return signEntry(
    {
      kind: "settings",
      network,
      writer: network,
      last_updated: iso(T),
      tld: "locks",
      attestors: attestors.map((a) => toBase64(a.publicKey)),
      banned: [],
      overrides: {},
      host_ttl: 0,
      sections: {
        [ANCHOR_SECTION]: { policy: "append-only", writers },
        [HEAD_SECTION]: { policy: "latest-per-writer", writers },
      },
    },
    admin.secretKey,
    T,
  );
}

function record(kp: KeyPair, section: string, key: string, value: unknown, t: number): MeshEntry {
  return signEntry(
    {
      kind: "record",
      network,
      writer: toBase64(kp.publicKey),
      last_updated: iso(t),
      section,
      key,
      value,
    },
    kp.secretKey,
    t,
  );
}

/** A state holding `entries`, each attested at the time given (undefined: pending). */
function stateOf(entries: [MeshEntry, number | undefined][], order: number[]): NetworkState {
  const s = new NetworkState(network);
  const attestations: Record<string, Record<string, unknown>> = {};
  const probe = new NetworkState(network);
  probe.ingest(entries.map(([e]) => e));
  for (const [id, e] of probe.entries) {
    const at = entries.find(([x]) => x === e)?.[1];
    if (at === undefined) continue;
    const [key, sig] = attestEntry(id, attestor.secretKey, at);
    attestations[id] = { [key]: sig };
  }
  for (const i of order) s.ingest([entries[i]![0]]);
  s.ingest([], attestations);
  return s;
}

describe("anchorView (verified mesh state → anchors, attested times, device keys)", () => {
  it("device keys: earliest attested registration per door, signed by its key, one door per key", () => {
    const [a, b, c] = [generateKeyPair(), generateKeyPair(), generateKeyPair()];
    const [ka, kb, kc] = [a, b, c].map((k) => toBase64(k.publicKey)) as [string, string, string];
    const reg = (kp: KeyPair, door: string, key: string, t: number) =>
      record(kp, ANCHOR_SECTION, `device:${door}`, { door, key }, t);
    const entries: [MeshEntry, number | undefined][] = [
      [settings([ka, kb, kc]), T],
      [reg(b, "door-1", kb, T + 5), T + 2000], // b claims door-1 later than a
      [reg(a, "door-1", ka, T + 9), T + 1000], // a's registration is attested first
      [reg(a, "door-2", ka, T + 10), T + 3000], // a's key registering a second door: ignored
      [reg(c, "door-3", ka, T + 11), T + 1500], // a key other than the writer's: ignored
      [reg(c, "door-4", kc, T + 12), undefined], // pending: ignored
    ];
    // (the settings come first: a node refuses records of writers it does not know yet)
    for (const order of [
      [0, 1, 2, 3, 4, 5],
      [0, 5, 4, 3, 2, 1],
      [0, 2, 5, 1, 3, 4],
    ]) {
      const v = anchorView(stateOf(entries, order), {});
      expect(v.devices).toEqual(new Map([["door-1", ka]]));
      expect(v.ignoredRegistrations).toBe(4);
      expect(v.attestors).toEqual([toBase64(attestor.publicKey)]);
    }
  });

  it("notes: anchors and heads, each with its earliest trusted attestation", () => {
    const lock = generateKeyPair();
    const k = toBase64(lock.publicKey);
    const note = "chronoseal-lock/door-1/2025-05\n1\nAAAA\n\n— door-1 x\n";
    const head = "chronoseal-lock/door-1/2025-05\n7\nBBBB\n\n— door-1 y\n";
    const entries: [MeshEntry, number | undefined][] = [
      [settings([k]), T],
      [record(lock, ANCHOR_SECTION, anchorHash(note), { door: "door-1", note }, T + 1), T + 5000],
      // the same note published again (a retry): attested earlier this time
      [record(lock, ANCHOR_SECTION, anchorHash(note), { door: "door-1", note }, T + 2), T + 4000],
      [record(lock, HEAD_SECTION, "head:door-1", { door: "door-1", note: head }, T + 3), undefined],
    ];
    const v = anchorView(stateOf(entries, [0, 1, 2, 3]), {});
    expect(v.notes).toEqual([note, head]);
    expect(v.attested.get(anchorHash(note))).toEqual({
      time: iso(T + 4000),
      attestor: toBase64(attestor.publicKey),
    });
    expect(v.attested.has(anchorHash(head))).toBe(false); // not attested yet
  });

  it("a cosigned copy of an anchor (same anchorHash, published later) is kept beside the first", () => {
    const lock = generateKeyPair();
    const k = toBase64(lock.publicKey);
    const note = "chronoseal-lock/door-1/2025-05\n1\nAAAA\n\n— door-1 x\n";
    const cosigned = `${note}— witness.example/w1 z\n`;
    expect(anchorHash(cosigned)).toBe(anchorHash(note));
    const entries: [MeshEntry, number | undefined][] = [
      [settings([k]), T],
      [record(lock, ANCHOR_SECTION, anchorHash(note), { door: "door-1", note }, T + 1), T + 5000],
      [record(lock, ANCHOR_SECTION, anchorHash(note), { door: "door-1", note: cosigned }, T + 2), T + 9000],
    ];
    const v = anchorView(stateOf(entries, [0, 1, 2]), {});
    // Both copies go to the auditor, which merges their cosignatures; the earliest time stays.
    expect(v.notes).toEqual([note, cosigned]);
    expect(v.attested.get(anchorHash(note))?.time).toBe(iso(T + 5000));
  });

  it("attestations: every trusted attestor's earliest, earliest first, across retries; untrusted ignored", () => {
    const lock = generateKeyPair();
    const k = toBase64(lock.publicKey);
    const [second, rogue] = [generateKeyPair(), generateKeyPair()];
    const note = "chronoseal-lock/door-1/2025-05\n3\nCCCC\n\n— door-1 z\n";
    const first = record(lock, ANCHOR_SECTION, anchorHash(note), { door: "door-1", note }, T + 1);
    const retry = record(lock, ANCHOR_SECTION, anchorHash(note), { door: "door-1", note }, T + 2);
    const s = new NetworkState(network);
    s.ingest([settings([k], [attestor, second]), first, retry]);
    const idOf = (e: MeshEntry) => [...s.entries].find(([, x]) => x === e)![0];
    const att = (id: string, kp: KeyPair, t: number) => {
      const [key, sig] = attestEntry(id, kp.secretKey, t);
      return { [key]: sig };
    };
    s.ingest([], {
      [idOf(first)]: { ...att(idOf(first), attestor, T + 3000), ...att(idOf(first), second, T + 9000) },
      [idOf(retry)]: { ...att(idOf(retry), second, T + 6000), ...att(idOf(retry), rogue, T + 10) },
    });
    const v = anchorView(s, {});
    const a = toBase64(attestor.publicKey);
    const b = toBase64(second.publicKey);
    expect(v.attestations.get(anchorHash(note))).toEqual([
      { time: iso(T + 3000), attestor: a },
      { time: iso(T + 6000), attestor: b },
    ]);
    expect(v.attested.get(anchorHash(note))).toEqual({ time: iso(T + 3000), attestor: a });
  });

  it("attestations by keys the admin-signed settings do not trust are ignored", () => {
    const lock = generateKeyPair();
    const k = toBase64(lock.publicKey);
    const rogue = generateKeyPair();
    const s = new NetworkState(network);
    const rec = record(lock, ANCHOR_SECTION, "device:door-9", { door: "door-9", key: k }, T + 1);
    s.ingest([settings([k]), rec]);
    const id = [...s.entries].find(([, e]) => e === rec)![0];
    const [rk, rsig] = attestEntry(id, rogue.secretKey, T);
    s.ingest([], { [id]: { [rk]: rsig } });
    expect(anchorView(s, {}).devices.size).toBe(0);
  });
});
