// Attestation primitives: verifyDocuments (one canonicalHashBatch + one verifyBatch call for all
// signatures) against a straightforward node:crypto loop (JCS with the `canonicalize` package +
// SHA-256 + crypto.verify with KeyObjects cached per key), both computing the same times;
// verifyHistory of a compacted 10,000-commit chain (the lock log) against the same kind of loop;
// Merkle root of 1,000,000 leaves; inclusion proof verification.
import { createHash, createPublicKey, type KeyObject, verify as nodeVerify } from "node:crypto";
import {
  type Commit,
  type CommitSignature,
  canonicalize,
  compact,
  initKeys,
  keyPairFromSeed,
  leafHash,
  MerkleTree,
  makeCommit,
  merkleRootFromLeafHashes,
  signCommit,
  signDocument,
  signingMessage,
  toBase64,
  verifyDocuments,
  verifyHistory,
  verifyInclusion,
} from "@chronoseal/core";
import canonicalizePkg from "canonicalize";
import { inRounds, measure, quick, ratio, type SuiteResult } from "../harness.js";

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
  // The baseline: what a user would write with node:crypto and the canonicalize package.
  const nodeLoop = (): (string | undefined)[] =>
    docs.map((d) => {
      const { signatures, ...payload } = d as {
        signatures: Record<string, { signed_at: string; signature: string; context?: string }>;
      };
      const hash = createHash("sha256")
        .update(canonicalizePkg(payload) as string)
        .digest("base64");
      let time: string | undefined;
      for (const [key, e] of Object.entries(signatures)) {
        const ok = nodeVerify(
          null,
          signingMessage("attestation", e.signed_at, hash),
          keyObjects.get(key)!,
          Buffer.from(e.signature, "base64"),
        );
        if (ok && trustedSet.has(key) && (time === undefined || e.signed_at < time)) time = e.signed_at;
      }
      return time;
    });
  // Same answers before timing anything.
  const ourTimes = verifyDocuments(docs, { trusted, context: "attestation", now: T0 + 1000 }).map(
    (r) => r.time,
  );
  const theirTimes = nodeLoop().map((t) => (t === undefined ? undefined : Date.parse(t)));
  if (JSON.stringify(ourTimes) !== JSON.stringify(theirTimes))
    throw new Error("attest: verifyDocuments and the node:crypto loop disagree");
  const loop = await measure(task, "node:crypto loop (canonicalize + verify)", nodeLoop, opts);

  // A lock log: a chain of commits by one device, compacted to its newest signature.
  const C = quick ? 2000 : 10_000;
  const device = keys[0]!;
  const commits = new Map<string, Commit>();
  const sigs: CommitSignature[] = [];
  let prev: string[] = [];
  for (let i = 0; i < C; i++) {
    const { id, commit } = makeCommit(prev, toBase64(device.publicKey), {
      seq: i,
      door: "D-0042",
      event: i % 3 ? "opened" : "closed",
      user: "k3JYf0b1bZ3vQ2xwq6c1RgJ+Qf5xW2dY1c8ZC6eM0u8=",
      device_time: T0 + i * 1000,
    });
    commits.set(id, commit);
    sigs.push(signCommit(id, { secretKey: device.secretKey, signedAt: T0 + i * 1000 }));
    prev = [id];
  }
  const log = compact({ commits, signatures: sigs });
  const commitBytes = Buffer.byteLength(canonicalize([...commits.values()][C >> 1])); // one with a parent
  const chainTask = `chain of ${C.toLocaleString("en-US")} commits (~${commitBytes} B of JCS each), compacted (1 signature)`;
  // Same answer before timing: every commit proven, and the loop agrees.
  const histLoopFn = () => {
    let ok = true;
    for (const [id, c] of commits)
      ok &&=
        createHash("sha256")
          .update(canonicalizePkg(c) as string)
          .digest("base64") === id;
    const s = log.signatures[0]!;
    return (
      ok &&
      nodeVerify(
        null,
        signingMessage("commit", s.signed_at, s.commit),
        keyObjects.get(s.author)!,
        Buffer.from(s.signature, "base64"),
      )
    );
  };
  if (verifyHistory(log).proven.size !== C || histLoopFn() !== true)
    throw new Error("attest: verifyHistory and the node:crypto loop disagree");
  // Alternating rounds (median of each), as the two sides are close enough for load bursts to matter.
  const [hist, histLoop] = await inRounds(
    chainTask,
    { unitsPerOp: C, unit: "commit", time: quick ? 500 : 2000 },
    [
      ["chronoseal verifyHistory", () => verifyHistory(log)],
      ["node:crypto loop (canonicalize + sha256 per commit, 1 verify)", histLoopFn],
    ],
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
    measurements: [ours, loop, hist, histLoop, root, nodeRoot, incl],
    ratios: [
      ratio("verifyDocuments vs node:crypto loop", ours, loop, 2.5),
      ratio("verifyHistory vs node:crypto loop", hist, histLoop, 1.5),
      ratio("Merkle root vs node:crypto", root, nodeRoot),
    ],
    notes: [
      `Merkle root target: ≥ 1,000,000 leaves/s; measured ${Math.round(root.unitsPerSec).toLocaleString("en-US")} leaves/s.`,
    ],
  };
}
