// Test rig: a log (an Ed25519 key and an RFC 9162 tree over numbered leaves) that signs
// checkpoints, a witness served by the shared HTTP layer on loopback, and raw add-checkpoint posts.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  formatVerifierKey,
  initKeys,
  type KeyPair,
  keyPairFromSeed,
  MerkleTree,
  parseVerifierKey,
  signCheckpoint,
} from "@chronoseal/core";
import { createHttpServer, type HttpServer, listenOn } from "@chronoseal/http";
import { registerWitnessRoutes, Witness, type WitnessedLog, type WitnessOptions } from "../src/index.js";

export const ORIGIN = "example.org/log";

export async function keys(): Promise<{ log: KeyPair; witness: KeyPair; other: KeyPair }> {
  await initKeys();
  return {
    log: keyPairFromSeed(new Uint8Array(32).fill(11)),
    witness: keyPairFromSeed(new Uint8Array(32).fill(12)),
    other: keyPairFromSeed(new Uint8Array(32).fill(13)),
  };
}

/** A log of `n` leaves ("leaf 0", "leaf 1", …) or of other leaves from `seed`. */
export function tree(n: number, seed = "leaf"): MerkleTree {
  return MerkleTree.fromLeaves(Array.from({ length: n }, (_, i) => new TextEncoder().encode(`${seed} ${i}`)));
}

/** The checkpoint of the first `size` leaves of `t`, signed by `kp` as `name`. */
export function checkpoint(t: MerkleTree, size: number, kp: KeyPair, origin = ORIGIN, name = origin): string {
  return signCheckpoint({ origin, size, root: t.rootAt(size) }, [{ name, secretKey: kp.secretKey }]);
}

export function body(oldSize: number, proof: readonly Uint8Array[], note: string): string {
  return `old ${oldSize}\n${proof.map((h) => `${Buffer.from(h).toString("base64")}\n`).join("")}\n${note}`;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "witness-"));
}

export function logOf(kp: KeyPair, origin = ORIGIN, name = origin): WitnessedLog {
  return { origin, keys: [parseVerifierKey(formatVerifierKey(name, kp.publicKey))] };
}

export interface Served {
  url: string;
  witness: Witness;
  app: HttpServer;
  post(
    text: string | Uint8Array<ArrayBuffer>,
    contentType?: string,
  ): Promise<{ status: number; type: string; text: string }>;
  close(): Promise<void>;
}

/** A witness behind the shared HTTP layer on 127.0.0.1 (a random port). */
export async function serve(o: WitnessOptions, prefix = ""): Promise<Served> {
  const witness = new Witness(o);
  const app = createHttpServer();
  registerWitnessRoutes(app, witness, { prefix });
  const url = await listenOn(app, "127.0.0.1", 0);
  return {
    url: `${url}${prefix}`,
    witness,
    app,
    async post(text, contentType) {
      const r = await fetch(`${url}${prefix}/add-checkpoint`, {
        method: "POST",
        body: text,
        ...(contentType ? { headers: { "content-type": contentType } } : {}),
      });
      return { status: r.status, type: r.headers.get("content-type") ?? "", text: await r.text() };
    },
    async close() {
      await app.close();
      witness.close();
    },
  };
}
