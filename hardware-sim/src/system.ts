// The rest of the system on loopback, as real processes, for a fleet run: a three-node mesh
// (meshd; node 0 holds the attestor key and starts the network, whose append-only `lock-anchors`
// section lists every lock's device key as a writer) and a collector on SQLite
// (chronoseal-collector). Used by the fleet scenarios, `pnpm demo` and `chronoseal sim run`:
//   const sys = await startSystem({ dir, locks, seed });
//   await runFleet({ seed, locks, collector: sys.collector.url, anchors: sys.anchors });
//   await sys.stop();   // ends every process it started
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodePrivateKey, initKeys, keyPairFromSeed, sha256, toBase64 } from "@chronoseal/core";
import {
  type CollectorProcess,
  createNetwork,
  launchCollector,
  launchMeshd,
  type MeshdProcess,
} from "@chronoseal/launch";
import { ANCHOR_SECTION, MeshAnchors } from "@chronoseal/lock";
import { doorId } from "./model.js";
import { deviceKeyPair } from "./runner.js";

export interface System {
  network: string;
  mesh: MeshdProcess[];
  collector: CollectorProcess;
  doors: string[];
  devices: Map<string, string>;
  /** Anchors of one lock: its device key signs records into the mesh (nodes 1 and 2). */
  anchors: (door: string, keyPair: ReturnType<typeof deviceKeyPair>) => MeshAnchors;
  /** The auditor's view of the anchors (read from node 2). */
  source: MeshAnchors;
  /** Attestor keys (base64) → the name of the mesh node that holds each ("mesh-0"). */
  attestorNames: Map<string, string>;
  /**
   * Waits (a bounded number of gossip rounds) until node 2 holds every given anchor note and
   * the attestor has attested all of them; returns what it found then.
   */
  settle(notes: readonly string[]): Promise<{ records: number; attested: number; missing: number }>;
  stop(): Promise<void>;
}

const seedOf = (label: string) => sha256(new TextEncoder().encode(`chronoseal-sim-system/${label}`));

export async function startSystem(o: { dir: string; locks: number; seed: number }): Promise<System> {
  await initKeys();
  mkdirSync(o.dir, { recursive: true });
  const doors = Array.from({ length: o.locks }, (_, i) => doorId(i));
  const devices = new Map(doors.map((d) => [d, toBase64(deviceKeyPair(o.seed, d).publicKey)]));
  const attestor = keyPairFromSeed(seedOf("attestor"));
  const net = createNetwork(
    {
      tld: "locks",
      attestors: [toBase64(attestor.publicKey)],
      sections: { [ANCHOR_SECTION]: { policy: "append-only", writers: [...devices.values()] } },
    },
    keyPairFromSeed(seedOf("admin")),
  );
  writeFileSync(join(o.dir, "settings.json"), JSON.stringify(net.settings));
  writeFileSync(join(o.dir, "attestor.key"), encodePrivateKey(attestor, "base64") as string, { mode: 0o600 });
  const started: { stop(signal?: "SIGTERM" | "SIGKILL"): Promise<unknown> }[] = [];
  const stop = async () => {
    await Promise.all(started.map((p) => p.stop("SIGTERM").catch(() => p.stop("SIGKILL"))));
  };
  try {
    const mesh: MeshdProcess[] = [];
    for (let i = 0; i < 3; i++) {
      const node = await launchMeshd({
        dir: join(o.dir, `mesh-${i}`),
        nodeKey: keyPairFromSeed(seedOf(`node-${i}`)),
        config: {
          ...(i === 0 ? { attestorKeyFile: "../attestor.key" } : {}),
          networks: [
            {
              admin: net.key,
              ...(i === 0 ? { settingsFile: "../settings.json" } : { bootstrapPeers: [mesh[0]!.url] }),
            },
          ],
          claims: [`mesh-${i}`],
          gossipMs: 250,
        },
      });
      started.push(node);
      mesh.push(node);
    }
    const collector = await launchCollector({ dir: join(o.dir, "collector"), devices });
    started.push(collector);
    const source = new MeshAnchors({ nodes: [mesh[2]!.url, mesh[0]!.url], network: net.key });
    return {
      network: net.key,
      mesh,
      collector,
      doors,
      devices,
      anchors: (_door, keyPair) =>
        new MeshAnchors({ nodes: [mesh[1]!.url, mesh[2]!.url], network: net.key, keyPair }),
      source,
      attestorNames: new Map([[toBase64(attestor.publicKey), "mesh-0"]]),
      async settle(notes) {
        let found = { records: 0, attested: 0, missing: notes.length };
        for (let round = 0; round < 80; round++) {
          const records = (await source.records()).filter((r) => !r.key.startsWith("device:"));
          const held = new Set(records.map((r) => (r.value as { note?: string }).note));
          found = {
            records: records.length,
            attested: records.filter((r) => r.time !== undefined).length,
            missing: notes.filter((n) => !held.has(n)).length,
          };
          if (found.missing === 0 && found.attested === found.records) break;
          await new Promise((r) => setTimeout(r, 250));
        }
        return found;
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
