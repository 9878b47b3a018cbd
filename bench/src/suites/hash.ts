// SHA-256 of many small messages, and canonical hashing of a realistic record, against what a
// user would otherwise pick: node:crypto (one-shot crypto.hash and createHash), @noble/hashes,
// hash-wasm, and the canonicalize package + crypto.hash.
import { createHash, hash as nodeHash } from "node:crypto";
import { canonicalHash, canonicalHashBatch, sha256Batch, sha256Packed } from "@chronoseal/core";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import canonicalizePkg from "canonicalize";
import { createSHA256 } from "hash-wasm";
import { measure, quick, ratio, type SuiteResult } from "../harness.js";

export async function hashSuite(): Promise<SuiteResult> {
  const N = quick ? 100_000 : 1_000_000;
  const LEN = 100;
  const data = new Uint8Array(N * LEN);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  const offsets = new Uint32Array(N + 1).map((_, i) => i * LEN);
  const msgs = Array.from({ length: N }, (_, i) => data.subarray(i * LEN, (i + 1) * LEN));
  const out = new Uint8Array(N * 32);
  const task = `sha256 ×${N.toLocaleString("en-US")} msgs of ${LEN} B`;
  const opts = { unitsPerOp: N, unit: "msg", time: quick ? 500 : 3000, iterations: 3 };

  const packed = await measure(task, "chronoseal sha256Packed", () => sha256Packed(data, offsets, out), opts);
  const batch = await measure(task, "chronoseal sha256Batch", () => sha256Batch(msgs), opts);
  const oneShot = await measure(
    task,
    "node:crypto crypto.hash",
    () => {
      for (let i = 0; i < N; i++) nodeHash("sha256", msgs[i]!, "buffer");
    },
    opts,
  );
  const streaming = await measure(
    task,
    "node:crypto createHash",
    () => {
      for (let i = 0; i < N; i++) createHash("sha256").update(msgs[i]!).digest();
    },
    opts,
  );
  const noble = await measure(
    task,
    "@noble/hashes sha256",
    () => {
      for (let i = 0; i < N; i++) nobleSha256(msgs[i]!);
    },
    opts,
  );
  const hw = await createSHA256();
  const hashWasm = await measure(
    task,
    "hash-wasm createSHA256 (reused)",
    () => {
      for (let i = 0; i < N; i++) {
        hw.init();
        hw.update(msgs[i]!);
        hw.digest("binary");
      }
    },
    opts,
  );

  // A realistic ~300-byte record: a signed host claim as the mesh stores it.
  const record = {
    kind: "host",
    network: "4/rs1S8OqrcB1m6OTyQ/9L5W9mJ7hmknqnQ+ZQVHmS4=",
    hostname: "mors.nether",
    addresses: ["fdcc:9a2b:41e0::1", "192.0.2.17"],
    port: 7331,
    last_updated: "2025-02-18T17:01:27.880Z",
    ttl: 86400,
    labels: { role: "attestor", region: "eu-central", rack: 12 },
    note: "north wing door controller — Zürich",
  };
  const recordBytes = Buffer.byteLength(JSON.stringify(record));
  const M = 10_000;
  const records = Array.from({ length: M }, (_, i) => ({ ...record, port: 7000 + i }));
  const copts = { unitsPerOp: M, unit: "doc", time: quick ? 500 : 2000 };
  const ctask = `canonical SHA-256 of a ${recordBytes}-byte record`;
  const ours = await measure(
    ctask,
    "chronoseal canonicalHash",
    () => {
      for (let i = 0; i < M; i++) canonicalHash(records[i]);
    },
    copts,
  );
  const oursBatch = await measure(
    ctask,
    "chronoseal canonicalHashBatch",
    () => canonicalHashBatch(records),
    copts,
  );
  const theirs = await measure(
    ctask,
    "canonicalize + crypto.hash",
    () => {
      for (let i = 0; i < M; i++) nodeHash("sha256", canonicalizePkg(records[i]) as string, "buffer");
    },
    copts,
  );

  return {
    suite: "hash",
    measurements: [packed, batch, oneShot, streaming, noble, hashWasm, ours, oursBatch, theirs],
    ratios: [
      ratio("sha256Packed vs crypto.hash", packed, oneShot, 2.0),
      ratio("sha256Batch vs crypto.hash", batch, oneShot),
      ratio("sha256Packed vs hash-wasm", packed, hashWasm),
      ratio("canonicalHash vs canonicalize + crypto.hash", ours, theirs, 1.5),
      ratio("canonicalHashBatch vs canonicalize + crypto.hash", oursBatch, theirs, 1.5),
    ],
    notes: [`SIMD build in use: ${(await import("@chronoseal/core")).hasSimd()}.`],
  };
}
