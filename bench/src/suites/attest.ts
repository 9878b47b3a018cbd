// Attestation primitives: verifyDocuments (one batch call for all signatures) against a
// straightforward node:crypto loop (JCS + SHA-256 + crypto.verify with cached KeyObjects);
// Merkle root of 1,000,000 leaves; inclusion proof verification.
import { createHash, createPublicKey, type KeyObject, verify as nodeVerify } from "node:crypto";
import {
  initKeys,
  keyPairFromSeed,
  leafHash,
  MerkleTree,
  merkleRootFromLeafHashes,
  signDocument,
  toBase64,
  verifyDocuments,
  verifyInclusion,
} from "@chronoseal/core";
import canonicalizePkg from "canonicalize";
import { measure, quick, ratio, type SuiteResult } from "../harness.js";

const SPKI = Buffer.from("302a300506032b6570032100", "hex");

export async function attestSuite(): Promise<SuiteResult> {
  await initKeys();
  const keys = [1, 2, 3].map((i) => keyPairFromSeed(new Uint8Array(32).fill(i)));
  const trusted = [toBase64(keys[0]!.publicKey), toBase64(keys[1]!.publicKey)];
  const N = quick ? 2000 : 10_000;
  const T0 = Date.UTC(2025, 1, 18);
  const docs = Array.from({ length: N }, (_, i) => {
    let d: object = {
      hostname: `host-${i}.nether`,
      ip: `fdcc::${i.toString(16)}`,
      port: 7331,
      last_updated: "2025-02-18T17:01:27.880Z",
    };
    for (const [j, k] of keys.entries())
      d = signDocument(d, { secretKey: k.secretKey, context: "attestation", signedAt: T0 + j });
    return d;
  });
  const keyObjects = new Map<string, KeyObject>();
  for (const k of keys)
    keyObjects.set(
      toBase64(k.publicKey),
      createPublicKey({ key: Buffer.concat([SPKI, k.publicKey]), format: "der", type: "spki" }),
    );
  const trustedSet = new Set(trusted);
  const opts = { unitsPerOp: N * 3, unit: "sig", time: quick ? 1000 : 4000, iterations: 2 };
  const task = `${N.toLocaleString("en-US")} docs × 3 signatures (2 trusted)`;
  const ours = await measure(
    task,
    "chronoseal verifyDocuments",
    () => verifyDocuments(docs, { trusted, context: "attestation", now: T0 + 1000 }),
    opts,
  );
  const loop = await measure(
    task,
    "node:crypto loop (canonicalize + verify)",
    () => {
      for (const d of docs) {
        const { signatures, ...payload } = d as {
          signatures: Record<string, { signed_at: string; signature: string }>;
        };
        const hash = createHash("sha256")
          .update(canonicalizePkg(payload) as string)
          .digest("base64");
        let time: string | undefined;
        for (const [key, e] of Object.entries(signatures)) {
          const ok = nodeVerify(
            null,
            Buffer.from(`chronoseal-v1:attestation:${e.signed_at}:${hash}`),
            keyObjects.get(key)!,
            Buffer.from(e.signature, "base64"),
          );
          if (ok && trustedSet.has(key) && (time === undefined || e.signed_at < time)) time = e.signed_at;
        }
      }
    },
    opts,
  );

  const M = quick ? 100_000 : 1_000_000;
  const leaves = new Uint8Array(M * 32);
  for (let i = 0; i < leaves.length; i++) leaves[i] = (i * 2654435761) >>> 24;
  // The 1,000,000 leaves are 32-byte values: hash them as leaves, then build the tree root.
  const leafList = Array.from({ length: M }, (_, i) => leaves.subarray(i * 32, i * 32 + 32));
  const { leafHashes } = await import("@chronoseal/core");
  const root = await measure(
    `Merkle root of ${M.toLocaleString("en-US")} 32-byte leaves`,
    "chronoseal leafHashes + root",
    () => {
      merkleRootFromLeafHashes(leafHashes(leafList));
    },
    { unitsPerOp: M, unit: "leaf", time: quick ? 1000 : 3000, iterations: 2 },
  );
  const nodeRoot = await measure(
    `Merkle root of ${M.toLocaleString("en-US")} 32-byte leaves`,
    "node:crypto createHash (level by level)",
    () => {
      let level: Buffer[] = leafList.map((l) =>
        createHash("sha256").update(Uint8Array.of(0)).update(l).digest(),
      );
      while (level.length > 1) {
        const next: Buffer[] = [];
        for (let i = 0; i + 1 < level.length; i += 2)
          next.push(
            createHash("sha256")
              .update(Uint8Array.of(1))
              .update(level[i]!)
              .update(level[i + 1]!)
              .digest(),
          );
        if (level.length % 2) next.push(level[level.length - 1]!);
        level = next;
      }
    },
    { unitsPerOp: M, unit: "leaf", time: quick ? 1000 : 3000, iterations: 2 },
  );

  const tree = new MerkleTree(leafHashes(leafList.slice(0, 65_536)));
  const proofs = Array.from({ length: 1000 }, (_, i) => ({
    i: i * 65,
    p: tree.inclusionProof(i * 65),
    l: leafHash(leafList[i * 65]!),
  }));
  const r = tree.root();
  const incl = await measure(
    "inclusion proof, tree of 65,536",
    "chronoseal verifyInclusion",
    () => {
      for (const x of proofs) verifyInclusion(x.l, x.i, 65_536, x.p, r);
    },
    { unitsPerOp: 1000, unit: "proof", time: quick ? 500 : 2000 },
  );

  return {
    suite: "attest",
    measurements: [ours, loop, root, nodeRoot, incl],
    ratios: [
      ratio("verifyDocuments vs node:crypto loop", ours, loop, 2.5),
      ratio("Merkle root vs node:crypto", root, nodeRoot),
    ],
    notes: [
      `Merkle root target: ≥ 1,000,000 leaves/s; measured ${Math.round(root.unitsPerSec).toLocaleString("en-US")} leaves/s.`,
    ],
  };
}
