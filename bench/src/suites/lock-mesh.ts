// The mesh's share of a lock fleet over a simulated year, computed with the real state code: 1,000
// locks publish heads (signed `head` checkpoints, as the agent makes them) into the
// latest-per-writer `lock-heads` section every few minutes while busy, month after month (one chain
// per month), an attestor attesting after each round; the state's size is taken after the first
// month and after the twelfth. The append-only `lock-anchors` section grows with time by design;
// its size is computed from the bytes of real anchor records (with their attestation) times the
// anchors a lock makes a year with the defaults (one an hour — intermediate or heartbeat — plus
// one per 100 entries, plus genesis and final per chain).
import { initKeys, type KeyPair, keyPairFromSeed, toBase64 } from "@chronoseal/core";
import { ANCHOR_SECTION, type Anchor, anchorHash, HEAD_SECTION, signAnchor } from "@chronoseal/lock";
import { attestAll, type MeshEntry, NetworkState, signEntry } from "@chronoseal/mesh";
import { type Measurement, quick, type SuiteResult } from "../harness.js";

const LOCKS = quick ? 200 : 1000;
const HEADS_PER_MONTH = 3; // the rounds simulated per month (a busy lock publishes ~8,600)
const ROOT = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

function seed(label: string, i: number): Uint8Array {
  const s = new Uint8Array(32);
  new DataView(s.buffer).setUint32(0, i);
  s.set(new TextEncoder().encode(label).subarray(0, 28), 4);
  return s;
}

function record(
  kp: KeyPair,
  network: string,
  section: string,
  key: string,
  value: unknown,
  at: number,
): MeshEntry {
  return signEntry(
    {
      kind: "record",
      network,
      writer: toBase64(kp.publicKey),
      last_updated: new Date(at).toISOString(),
      section,
      key,
      value,
    },
    kp.secretKey,
    at,
  );
}

/** Bytes of a section's entries and their attestation maps as data.json holds them. */
function sectionBytes(state: NetworkState, section: string): { records: number; bytes: number } {
  let records = 0;
  let bytes = 0;
  for (const [id, e] of state.entries) {
    if (e.kind !== "record" || e.section !== section) continue;
    records++;
    const m = state.attestations.get(id);
    bytes += JSON.stringify(e).length + 1 + (m ? JSON.stringify({ [id]: m }).length : 0);
  }
  return { records, bytes };
}

export async function lockMeshSuite(): Promise<SuiteResult> {
  await initKeys();
  const admin = keyPairFromSeed(seed("admin", 0));
  const attestor = keyPairFromSeed(seed("attestor", 0));
  const network = toBase64(admin.publicKey);
  const locks = Array.from({ length: LOCKS }, (_, i) => keyPairFromSeed(seed("lock", i)));
  const writers = locks.map((k) => toBase64(k.publicKey));
  const t0 = Date.UTC(2025, 0, 1);
  const settings = signEntry(
    {
      kind: "settings",
      network,
      writer: network,
      last_updated: new Date(t0).toISOString(),
      tld: "locks",
      attestors: [toBase64(attestor.publicKey)],
      banned: [],
      overrides: {},
      host_ttl: 0,
      sections: {
        [ANCHOR_SECTION]: { policy: "append-only", writers },
        [HEAD_SECTION]: { policy: "latest-per-writer", writers },
      },
    },
    admin.secretKey,
    t0,
  );
  const state = new NetworkState(network);
  state.ingest([settings]);
  const att = { publicKey: toBase64(attestor.publicKey), secretKey: attestor.secretKey };
  const heads = (month: number, round: number) => {
    const at = t0 + month * 30 * 86_400_000 + round * 300_000;
    return locks.map((kp, i) => {
      const door = `door-${i}`;
      const chain = `${door}/2025-${String(month + 1).padStart(2, "0")}`;
      const size = 100 * round + 50;
      const a: Anchor = {
        chain,
        kind: "head",
        size,
        root: ROOT,
        lastSeq: size - 1,
        prevAnchor: ROOT,
        time: new Date(at).toISOString(),
      };
      return record(
        kp,
        network,
        HEAD_SECTION,
        `head:${door}`,
        { door, chain, note: signAnchor(a, door, kp.secretKey) },
        at,
      );
    });
  };
  let afterFirst = { records: 0, bytes: 0 };
  let published = 0;
  // Timed once by hand: the year changes the state, so it cannot be repeated as a benchmark.
  const started = performance.now();
  for (let month = 0; month < 12; month++) {
    for (let round = 0; round < HEADS_PER_MONTH; round++) {
      const report = state.ingest(heads(month, round));
      if (report.added !== LOCKS) throw new Error(`heads not ingested: ${JSON.stringify(report)}`);
      published += LOCKS;
      attestAll(state, att, t0 + month * 30 * 86_400_000 + round * 300_000 + 1000);
    }
    if (month === 0) afterFirst = sectionBytes(state, HEAD_SECTION);
  }
  const ms = performance.now() - started;
  const year: Measurement = {
    task: `a year of heads: ${LOCKS.toLocaleString("en-US")} locks × 12 months × ${HEADS_PER_MONTH} rounds, signed, ingested, attested`,
    library: "NetworkState (latest-per-writer)",
    opsPerSec: 1000 / ms,
    meanMs: ms,
    rme: 0,
    samples: 1,
    unitsPerOp: published,
    unit: "head",
    unitsPerSec: (published * 1000) / ms,
  };
  const afterYear = sectionBytes(state, HEAD_SECTION);
  if (afterYear.records !== LOCKS) throw new Error(`${afterYear.records} head records, expected ${LOCKS}`);

  // Anchor records as MeshAnchors writes them, attested, to price the append-only section.
  const sample = new NetworkState(network);
  sample.ingest([settings]);
  const notes = locks.slice(0, 200).map((kp, i) => {
    const door = `door-${i}`;
    const a: Anchor = {
      chain: `${door}/2025-01`,
      kind: "intermediate",
      size: 4321,
      root: ROOT,
      lastSeq: 4320,
      prevAnchor: ROOT,
      time: new Date(t0).toISOString(),
    };
    const note = signAnchor(a, door, kp.secretKey);
    return record(kp, network, ANCHOR_SECTION, anchorHash(note), { door, note }, t0);
  });
  sample.ingest(notes);
  attestAll(sample, att, t0 + 1000);
  const perAnchor = sectionBytes(sample, ANCHOR_SECTION).bytes / notes.length;
  const anchorsPerLockYear = 8760 + 24 + Math.round((500 * 365) / 100); // hourly + chains + 500 entries/day
  const anchorsYear = perAnchor * anchorsPerLockYear * 1000;
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(2)} MiB`;
  return {
    suite: "lock-mesh",
    measurements: [year],
    ratios: [
      {
        name: "lock-heads section after 1 month / after 12 months (≥ 1: it did not grow)",
        value: afterFirst.bytes / afterYear.bytes,
        target: 1,
      },
    ],
    notes: [
      `Heads: ${published.toLocaleString("en-US")} heads published by ${LOCKS.toLocaleString("en-US")} locks over 12 simulated months; the lock-heads section holds ${afterYear.records.toLocaleString("en-US")} records, ${mb(afterYear.bytes)} with their attestations, after the first month ${mb(afterFirst.bytes)} — one record per lock (${(afterYear.bytes / LOCKS).toFixed(0)} bytes), whatever the time or the number of heads${LOCKS === 1000 ? "" : " (--quick: fewer locks)"}.`,
      `Anchors (append-only, for comparison): ${perAnchor.toFixed(0)} bytes an attested anchor record; with the defaults a lock makes about ${anchorsPerLockYear.toLocaleString("en-US")} anchors a year (one an hour, intermediate or heartbeat; one per 100 entries at 500 entries a day; genesis and final per monthly chain), so 1,000 locks add about ${(anchorsYear / 2 ** 30).toFixed(2)} GiB a year to lock-anchors — that section, not the heads, is what grows.`,
    ],
  };
}
