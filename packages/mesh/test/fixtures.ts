import { initKeys, type KeyPair, keyPairFromSeed, toBase64 } from "@chronoseal/core";
import { type Claim, type HostRecord, type MeshEntry, type Settings, signEntry } from "../src/entries.js";

export interface Node {
  kp: KeyPair;
  key: string;
}
export const T0 = Date.UTC(2025, 1, 18, 17);
export const iso = (t: number) => new Date(t).toISOString();

export async function world(nodes = 6) {
  await initKeys();
  const mk = (seed: number): Node => {
    const kp = keyPairFromSeed(new Uint8Array(32).fill(seed));
    return { kp, key: toBase64(kp.publicKey) };
  };
  const admin = mk(100);
  const attestor = mk(101);
  const ns = Array.from({ length: nodes }, (_, i) => mk(i + 1));
  const settings = (over: Partial<Settings> = {}, t = T0): MeshEntry =>
    signEntry(
      {
        kind: "settings",
        network: admin.key,
        writer: admin.key,
        last_updated: iso(t),
        tld: "nether",
        attestors: [attestor.key],
        banned: [],
        overrides: {},
        host_ttl: 0,
        sections: { anchors: { policy: "append-only", writers: [ns[0]!.key] } },
        ...over,
      },
      admin.kp.secretKey,
      t,
    );
  const host = (n: Node, ip: string, t = T0): MeshEntry =>
    signEntry(
      {
        kind: "host",
        network: admin.key,
        writer: n.key,
        last_updated: iso(t),
        addresses: [ip],
        port: 7331,
      } as HostRecord,
      n.kp.secretKey,
      t,
    );
  const claim = (n: Node, hostname: string, t = T0): MeshEntry =>
    signEntry(
      { kind: "claim", network: admin.key, writer: n.key, last_updated: iso(t), hostname } as Claim,
      n.kp.secretKey,
      t,
    );
  return { admin, attestor, nodes: ns, settings, host, claim };
}
