// BLAKE3 against what a user would otherwise pick: @noble/hashes (JavaScript) and hash-wasm
// (the reference C compiled to WebAssembly), on batches of 1,024 messages of 100 bytes and on
// one 1 MiB message. Targets from issue 14: ≥ 1.5× the faster of the two on batches and ≥ 1×
// on the large message. Every contender is checked to give the same digest before timing.
import { blake3, blake3Batch, blake3Packed, hasSimd, initBlake3 } from "@chronoseal/core";
import { blake3 as nobleBlake3 } from "@noble/hashes/blake3.js";
import { createBLAKE3 } from "hash-wasm";
import { inRounds, type Measurement, quick, ROUNDS, ratio, type SuiteResult } from "../harness.js";

const faster = (a: Measurement, b: Measurement) => (a.unitsPerSec >= b.unitsPerSec ? a : b);

export async function blake3Suite(): Promise<SuiteResult> {
  await initBlake3();
  const N = 1024;
  const LEN = 100;
  const data = new Uint8Array(N * LEN);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  const offsets = new Uint32Array(N + 1).map((_, i) => i * LEN);
  const msgs = Array.from({ length: N }, (_, i) => data.subarray(i * LEN, (i + 1) * LEN));
  const out = new Uint8Array(N * 32);
  const big = new Uint8Array(1 << 20);
  for (let i = 0; i < big.length; i++) big[i] = (i * 40503) >>> 8;
  const hw = await createBLAKE3();
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

  // Sanity: every contender computes the same digests.
  const hwHex = (m: Uint8Array) => {
    hw.init();
    hw.update(m);
    return hw.digest("hex");
  };
  for (const m of [msgs[0]!, msgs[777]!, big]) {
    const want = hex(nobleBlake3(m));
    const got = [hex(blake3(m)), hex(blake3Batch([m])[0]!), hwHex(m)];
    if (got.some((g) => g !== want))
      throw new Error(`blake3 bench: digests disagree: ${got.join(" ")} vs ${want}`);
  }
  const packedAll = blake3Packed(data, offsets, out);
  if (hex(packedAll.subarray(777 * 32, 778 * 32)) !== hex(nobleBlake3(msgs[777]!)))
    throw new Error("blake3 bench: blake3Packed disagrees with noble");

  const task = `blake3, ${N.toLocaleString("en-US")} msgs of ${LEN} B`;
  const opts = { unitsPerOp: N, unit: "msg", time: quick ? 300 : 1000, iterations: 5 };
  const [packed, batch, oneShot, noble, hashWasm] = await inRounds(task, opts, [
    ["chronoseal blake3Packed", () => blake3Packed(data, offsets, out)],
    ["chronoseal blake3Batch", () => blake3Batch(msgs)],
    [
      "chronoseal blake3 (one per message)",
      () => {
        for (let i = 0; i < N; i++) blake3(msgs[i]!);
      },
    ],
    [
      "@noble/hashes blake3",
      () => {
        for (let i = 0; i < N; i++) nobleBlake3(msgs[i]!);
      },
    ],
    [
      "hash-wasm createBLAKE3 (reused)",
      () => {
        for (let i = 0; i < N; i++) {
          hw.init();
          hw.update(msgs[i]!);
          hw.digest("binary");
        }
      },
    ],
  ]);

  const bigTask = "blake3 of one 1 MiB message";
  const bopts = { unitsPerOp: 1, unit: "MiB", time: quick ? 300 : 1000, iterations: 5 };
  const [bigOurs, bigNoble, bigHashWasm] = await inRounds(bigTask, bopts, [
    ["chronoseal blake3", () => blake3(big)],
    ["@noble/hashes blake3", () => nobleBlake3(big)],
    [
      "hash-wasm createBLAKE3 (reused)",
      () => {
        hw.init();
        hw.update(big);
        hw.digest("binary");
      },
    ],
  ]);

  const bestBatch = faster(noble, hashWasm);
  const bestBig = faster(bigNoble, bigHashWasm);
  return {
    suite: "blake3",
    measurements: [packed, batch, oneShot, noble, hashWasm, bigOurs, bigNoble, bigHashWasm],
    ratios: [
      ratio(`blake3Packed vs ${bestBatch.library}`, packed, bestBatch, 1.5),
      ratio(`blake3Batch vs ${bestBatch.library}`, batch, bestBatch, 1.5),
      ratio(`blake3 one per message vs ${bestBatch.library}`, oneShot, bestBatch),
      ratio(`blake3 1 MiB vs ${bestBig.library}`, bigOurs, bestBig, 1.0),
    ],
    notes: [
      `SIMD build in use: ${hasSimd()}. Each row is the median of ${ROUNDS} alternating rounds; ratios compare against the faster of @noble/hashes and hash-wasm measured in the same run.`,
      "Batches hash four messages per pass (one per i32x4 lane); the 1 MiB message is hashed four chunks per pass, with the parent nodes also four at a time.",
    ],
  };
}
