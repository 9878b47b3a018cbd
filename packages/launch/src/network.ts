// A new mesh network for tests and simulations: an admin key pair and its first signed settings
// entry (what `chronoseal mesh init` writes to settings.json).
import { generateKeyPair, type KeyPair, toBase64 } from "@chronoseal/core";
import { type MeshEntry, type Settings, signEntry } from "@chronoseal/mesh";

export type NetworkOptions = Partial<Omit<Settings, "kind" | "network" | "writer" | "last_updated">>;

export function createNetwork(
  o: NetworkOptions = {},
  admin: KeyPair = generateKeyPair(),
): { admin: KeyPair; key: string; settings: MeshEntry } {
  const key = toBase64(admin.publicKey);
  const settings = signEntry(
    {
      kind: "settings",
      network: key,
      writer: key,
      last_updated: new Date().toISOString(),
      tld: o.tld ?? "mesh",
      attestors: o.attestors ?? [],
      banned: o.banned ?? [],
      overrides: o.overrides ?? {},
      host_ttl: o.host_ttl ?? 0,
      sections: o.sections ?? {},
    },
    admin.secretKey,
  );
  return { admin, key, settings };
}
