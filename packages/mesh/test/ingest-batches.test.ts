// Large ingests take the paths small ones never reach: entry ids from one packed buffer that
// outgrows its first size (entryIds), and signature checks verified in slices of at most 4,096
// with the checks of one key kept together (signature-checks.ts). Verdicts must be those of small
// ingests, whatever the slice boundaries, and the stored signatures must verify under an
// independent implementation (@noble/curves, the canonicalize package, @noble/hashes).
import { signDocument, signingMessage, toBase64 } from "@chronoseal/core";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import canonicalizePkg from "canonicalize";
import { beforeAll, describe, expect, it } from "vitest";
import { attestEntry, CONTEXTS, entryId, entryIds, type MeshEntry } from "../src/entries.js";
import { type IngestReport, NetworkState, type VerifiedCache } from "../src/state.js";
import { digest } from "../src/sync.js";
import { T0, world } from "./fixtures.js";

const canonicalize = canonicalizePkg as unknown as (v: unknown) => string;

/** The id as another implementation computes it: JCS (canonicalize) + SHA-256 (noble). */
function oracleId(doc: object): string {
  const { signatures: _s, ...payload } = doc as Record<string, unknown>;
  return toBase64(sha256(new TextEncoder().encode(canonicalize(payload))));
}

/** The writer's signature checked with @noble/curves (ZIP-215, as core verifies). */
function writerSignatureVerifies(e: MeshEntry): boolean {
  const s = e.signatures[e.writer]!;
  const message = signingMessage(CONTEXTS[e.kind], s.signed_at, entryId(e));
  return ed25519.verify(Buffer.from(s.signature, "base64"), message, Buffer.from(e.writer, "base64"), {
    zip215: true,
  });
}

function sum(reports: IngestReport[]): IngestReport {
  const out: IngestReport = { added: 0, attestationsAdded: 0, rejected: {}, rejectedAttestations: {} };
  for (const r of reports) {
    out.added += r.added;
    out.attestationsAdded += r.attestationsAdded;
    for (const [k, n] of Object.entries(r.rejected))
      out.rejected[k as "malformed"] = (out.rejected[k as "malformed"] ?? 0) + n!;
    for (const [k, n] of Object.entries(r.rejectedAttestations ?? {}))
      out.rejectedAttestations![k as "untrusted"] = (out.rejectedAttestations![k as "untrusted"] ?? 0) + n!;
  }
  if (Object.keys(out.rejectedAttestations!).length === 0) delete out.rejectedAttestations;
  return out;
}

let w: Awaited<ReturnType<typeof world>>;
let valid: MeshEntry[]; // settings, 24 host records, 4,320 claims: more than one verification call
const NAMES = 180;

beforeAll(async () => {
  w = await world(24);
  valid = [w.settings(), ...w.nodes.map((n, i) => w.host(n, `fdcc::${i + 1}`))];
  for (let k = 0; k < NAMES; k++)
    for (const n of w.nodes) valid.push(w.claim(n, `n${k}-${n.key.slice(0, 4)}`));
}, 60_000);

describe("entryIds", () => {
  it("equals an independent JCS + SHA-256 on a batch larger than the kept buffer, twice", () => {
    const text = "é日本語🙂 ".repeat(60);
    const docs = Array.from({ length: 3000 }, (_, i) => ({
      kind: "record",
      i,
      value: { text, n: i / 7, list: [i, `${i}`, null, true] },
      signatures: { ignored: i },
    }));
    const want = docs.map(oracleId);
    for (let round = 0; round < 2; round++) {
      const bad: number[] = [];
      expect(entryIds(docs, (i) => bad.push(i))).toEqual(want);
      expect(bad).toEqual([]);
    }
    expect(want.slice(0, 3)).toEqual(docs.slice(0, 3).map((d) => entryId(d as never)));
  });

  it("names what JCS refuses, by index, and hashes the rest", () => {
    const docs: unknown[] = [
      { a: 1 },
      { a: Number.NaN },
      [1, 2],
      null,
      "text",
      { a: "\ud800" },
      { b: 2, signatures: "x" },
      { c: Number.POSITIVE_INFINITY },
    ];
    const bad: number[] = [];
    const ids = entryIds(docs, (i) => bad.push(i));
    expect(bad).toEqual([1, 2, 3, 4, 5, 7]);
    expect(ids).toEqual([
      oracleId({ a: 1 }),
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      oracleId({ b: 2 }),
      undefined,
    ]);
  });

  it("an entry whose getter runs entryIds again gets the right ids in both calls", () => {
    let inner: (string | undefined)[] = [];
    const tricky = {
      get a() {
        inner = entryIds([{ x: "inner" }, { y: "z".repeat(5000) }], () => {});
        return 1;
      },
    };
    const docs = [{ before: "x".repeat(2000) }, tricky, { after: 3 }];
    const ids = entryIds(docs, () => {});
    expect(ids).toEqual([oracleId(docs[0]!), oracleId({ a: 1 }), oracleId({ after: 3 })]);
    expect(inner).toEqual([oracleId({ x: "inner" }), oracleId({ y: "z".repeat(5000) })]);
  });
});

describe("ingests larger than one verification call", () => {
  /** Hostile variants of valid entries: each must be refused as invalid-signature. */
  function hostile(): MeshEntry[] {
    const c = (i: number) => valid[25 + i]!;
    const other = w.nodes[1]!;
    const renamed = { ...c(0), hostname: "stolen" } as MeshEntry;
    const wrongContext = signDocument(
      { ...c(1), signatures: undefined, hostname: "ctx" },
      {
        secretKey: w.nodes[c(1).writer === w.nodes[0]!.key ? 0 : 1]!.kp.secretKey,
        context: "host-record",
        signedAt: T0,
      },
    ) as MeshEntry;
    const sig = c(2).signatures[c(2).writer]!;
    const padded: Record<string, unknown> = { [c(2).writer]: sig };
    for (let k = 0; k < 1024; k++) padded[`k${k}`] = sig;
    const byOther = signDocument(
      { ...c(3), signatures: undefined, hostname: "other" },
      { secretKey: other.kp.secretKey, context: CONTEXTS.claim, signedAt: T0 },
    ) as MeshEntry;
    return [
      renamed,
      { ...c(4), hostname: "nosig", signatures: "x" },
      { ...c(5), hostname: "arr", signatures: [] },
      { ...c(6), hostname: "empty", signatures: {} },
      { ...c(7), hostname: "null", signatures: null },
      { ...c(8), hostname: "oddkey", writer: `${c(8).writer.slice(0, 42)}B=` },
      { ...c(9), hostname: "padded", signatures: padded },
      {
        ...c(10),
        hostname: "extra",
        signatures: { [c(10).writer]: { ...c(10).signatures[c(10).writer]!, x: 1 } },
      },
      wrongContext,
      { ...byOther, writer: c(3).writer, signatures: { [c(3).writer]: byOther.signatures[other.key]! } },
    ] as unknown as MeshEntry[];
  }

  it("gives the verdicts of small ingests, wherever the slice boundaries fall (checked with @noble/curves)", () => {
    const bad = hostile();
    const all = [...valid];
    // spread over the list (the start, the middle, around 4,096, the end); the slices are cut in
    // key order, so each forgery sits among its writer's valid entries
    for (const [k, at] of [0, 4000, 4090, 4095, 4096, 4097, 4100, 2000, 30, 4300].entries())
      all.splice(at, 0, bad[k]!);
    const big = new NetworkState(w.admin.key);
    const r = big.ingest(all);
    const small = new NetworkState(w.admin.key);
    const parts: IngestReport[] = [small.ingest([valid[0]!])];
    for (let i = 0; i < all.length; i += 97) parts.push(small.ingest(all.slice(i, i + 97)));
    expect(r).toEqual({
      added: valid.length,
      attestationsAdded: 0,
      rejected: { "invalid-signature": bad.length },
    });
    expect(sum(parts)).toEqual(r);
    expect(digest(big)).toEqual(digest(small));
    // every 8th stored entry (noble is slow) and the settings checked independently
    const stored = [...big.entries.values()].filter((_, i) => i % 8 === 0);
    expect(stored.length).toBeGreaterThan(500);
    expect(stored.every(writerSignatureVerifies)).toBe(true);
    expect(
      bad
        .filter(
          (e) =>
            e.signatures &&
            typeof e.signatures === "object" &&
            !Array.isArray(e.signatures) &&
            e.signatures[e.writer],
        )
        .some((e) => big.entries.has(entryId(e))),
    ).toBe(false);
  });

  it("first occurrence of an id wins in a large batch: a forged copy first refuses the entry", () => {
    const target = valid[4000]!;
    const forged = {
      ...target,
      signatures: {
        [target.writer]: { ...target.signatures[target.writer]!, signed_at: new Date(T0 + 1).toISOString() },
      },
    };
    const s = new NetworkState(w.admin.key);
    const r = s.ingest([...valid.slice(0, 4000), forged, ...valid.slice(4000), forged]);
    expect(r.rejected).toEqual({ "invalid-signature": 1 });
    expect(s.entries.has(entryId(target))).toBe(false);
    expect(s.entries.size).toBe(valid.length - 1);
  });

  it("attestations beyond one call: the verdicts and times of one-map ingests", () => {
    const base = new NetworkState(w.admin.key);
    base.ingest(valid);
    const ids = [...base.entries.keys()];
    const stranger = w.nodes[5]!;
    const attestations: Record<string, Record<string, unknown>> = {};
    ids.forEach((id, i) => {
      const [key, e] = attestEntry(id, w.attestor.kp.secretKey, T0 + 1000 + (i % 7));
      attestations[id] = { [key]: e };
    });
    const [a0, a1, a2, a3] = [ids[10]!, ids[4095]!, ids[4096]!, ids[ids.length - 1]!];
    const key = w.attestor.key;
    attestations[a0] = { [key]: attestEntry(a1, w.attestor.kp.secretKey, T0)[1] }; // another id's
    attestations[a1] = { [key]: { ...(attestations[a1]![key] as object), extra: 1 } }; // malformed
    attestations[a2] = { ...attestations[a2], [stranger.key]: attestEntry(a2, stranger.kp.secretKey, T0)[1] };
    attestations[a3] = "not a map" as never;
    const copy = () => {
      const s = new NetworkState(w.admin.key);
      s.ingest(valid);
      return s;
    };
    const big = copy();
    const r = big.ingest([], attestations);
    const small = copy();
    const r2 = sum(ids.map((id) => small.ingest([], { [id]: attestations[id] })));
    expect(r).toEqual(r2);
    expect(r.attestationsAdded).toBe(ids.length - 3);
    expect(r.rejectedAttestations).toEqual({ "invalid-signature": 2, untrusted: 1, malformed: 1 });
    expect(ids.map((id) => big.timeOf(id))).toEqual(ids.map((id) => small.timeOf(id)));
    expect(big.timeOf(ids[0]!)).toBe(T0 + 1000);
    expect(digest(big)).toEqual(digest(small));
  });

  it("a shared cache over a large batch: same state, and a cached signature in an oversized map is refused", () => {
    const verified: VerifiedCache = new Map();
    const a = new NetworkState(w.admin.key, { verified });
    a.ingest(valid);
    expect(verified.size).toBe(valid.length);
    const bad = hostile();
    const b = new NetworkState(w.admin.key, { verified });
    const r = b.ingest([...bad, ...valid]);
    expect(r.rejected).toEqual({ "invalid-signature": bad.length });
    expect(digest(b)).toEqual(digest(a));
    // the writer's valid (cached) entry inside a map of 1,025 entries: malformed as a whole
    const e = valid[100]!;
    const padded: Record<string, unknown> = { [e.writer]: e.signatures[e.writer] };
    for (let k = 0; k < 1024; k++) padded[`k${k}`] = 1;
    for (const s of [new NetworkState(w.admin.key, { verified }), new NetworkState(w.admin.key)])
      expect(s.ingest([valid[0]!, { ...e, signatures: padded } as MeshEntry]).rejected).toEqual({
        "invalid-signature": 1,
      });
  });
});
