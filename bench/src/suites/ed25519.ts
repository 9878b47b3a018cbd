// Ed25519 verification: single verify against node:crypto (OpenSSL, KeyObject made once per
// key), libsodium and @noble/curves; batches of 8..4096 as per-signature throughput relative to
// node:crypto single verify measured in the same run; and a batch of 1024 with one bad signature.
import { createPrivateKey, createPublicKey, type KeyObject, verify as nodeVerify, sign } from "node:crypto";
import { verify, verifyBatch } from "@chronoseal/core";
import { ed25519 } from "@noble/curves/ed25519.js";
import sodium from "libsodium-wrappers";
import { type Measurement, measure, quick, ratio, type SuiteResult } from "../harness.js";

const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

interface Item {
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
  keyObject: KeyObject;
}

function makeItems(n: number): Item[] {
  const out: Item[] = [];
  for (let i = 0; i < n; i++) {
    const seed = Buffer.alloc(32);
    seed.writeUInt32BE(i + 1, 0);
    const priv = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
    const keyObject = createPublicKey(priv);
    const spki = keyObject.export({ format: "der", type: "spki" }) as Buffer;
    const message = Buffer.from(`chronoseal-v1:attestation:2025-02-18T17:01:27.880Z:${"x".repeat(44)}:${i}`);
    out.push({
      publicKey: new Uint8Array(spki.subarray(12)),
      message,
      signature: new Uint8Array(sign(null, message, priv)),
      keyObject,
    });
  }
  return out;
}

export async function ed25519Suite(): Promise<SuiteResult> {
  await sodium.ready;
  const items = makeItems(4096);
  const one = items[0]!;
  const time = quick ? 300 : 1500;
  const single = "single verify";
  const ours = await measure(
    single,
    "chronoseal verify (WASM)",
    () => verify(one.signature, one.message, one.publicKey),
    { time, unit: "sig" },
  );
  const node = await measure(
    single,
    "node:crypto verify",
    () => nodeVerify(null, one.message, one.keyObject, one.signature),
    { time, unit: "sig" },
  );
  const lsod = await measure(
    single,
    "libsodium verify_detached",
    () => sodium.crypto_sign_verify_detached(one.signature, one.message, one.publicKey),
    { time, unit: "sig" },
  );
  const noble = await measure(
    single,
    "@noble/curves verify",
    () => ed25519.verify(one.signature, one.message, one.publicKey),
    {
      time,
      unit: "sig",
    },
  );
  const measurements: Measurement[] = [ours, node, lsod, noble];
  const ratios = [ratio("verify vs node:crypto", ours, node, 1.0), ratio("verify vs libsodium", ours, lsod)];
  const targets: Record<number, number> = { 64: 2.5, 1024: 3.0 };
  for (const n of [8, 64, 256, 1024, 4096]) {
    const batch = items.slice(0, n);
    const m = await measure(`verifyBatch of ${n}`, "chronoseal verifyBatch", () => verifyBatch(batch), {
      time,
      unitsPerOp: n,
      unit: "sig",
    });
    measurements.push(m);
    ratios.push(ratio(`verifyBatch(${n}) vs node:crypto single`, m, node, targets[n]));
  }
  const allValid = measurements.find((m) => m.task === "verifyBatch of 1024")!;
  const withBad = items.slice(0, 1024).map((x) => ({ ...x }));
  withBad[517] = {
    ...withBad[517]!,
    signature: withBad[517]!.signature.map((b, i) => (i === 40 ? b ^ 1 : b)),
  };
  const bad = await measure(
    "verifyBatch of 1024, one bad",
    "chronoseal verifyBatch",
    () => verifyBatch(withBad),
    {
      time,
      unitsPerOp: 1024,
      unit: "sig",
    },
  );
  measurements.push(bad);
  const cost = allValid.unitsPerSec / bad.unitsPerSec;
  console.log(`  one bad signature in 1024 costs ${cost.toFixed(2)}× an all-valid batch (target ≤ 1.5×)`);
  return {
    suite: "ed25519",
    measurements,
    ratios,
    notes: [
      `One bad signature in a batch of 1024 costs ${cost.toFixed(2)}× an all-valid batch (target ≤ 1.5×).`,
    ],
  };
}
