// Reachability: a node uses an address learned from a host record only after the peer there
// signs a fresh nonce with the node key that published the record. An impostor at a claimed
// address (another node, another key) is never synced with; the genuine node is. Members are
// keyed by node key: a record by another key naming the genuine node's address makes only that
// key's member dead, never the genuine node.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair, initKeys, type KeyPair, toBase64 } from "@chronoseal/core";
import { afterAll, describe, expect, it } from "vitest";
import { type MeshEntry, signEntry } from "../src/entries.js";
import { MeshNode } from "../src/node.js";

const nodes: MeshNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop(100);
});

function settingsOf(admin: KeyPair): MeshEntry {
  const network = toBase64(admin.publicKey);
  return signEntry(
    {
      kind: "settings",
      network,
      writer: network,
      last_updated: new Date().toISOString(),
      tld: "mesh",
      attestors: [],
      banned: [],
      overrides: {},
      host_ttl: 0,
      sections: {},
    },
    admin.secretKey,
  );
}

async function node(admin: KeyPair, settings: MeshEntry, key = generateKeyPair()): Promise<MeshNode> {
  const n = new MeshNode({
    stateDir: mkdtempSync(join(tmpdir(), "mesh-reach-")),
    host: "127.0.0.1",
    port: 0,
    nodeKey: key,
    networks: [{ admin: toBase64(admin.publicKey), priority: 1, settings }],
    gossipMs: 60_000,
    probeTimeoutMs: 2000,
  });
  await n.start();
  nodes.push(n);
  return n;
}

describe("reachability challenge", () => {
  // 60 s, not the default 30 s: several real nodes on loopback must probe and challenge each other
  // over HTTP across gossip rounds before the address is used.
  it("a claimed address is used only when the peer there holds the claiming key", async () => {
    await initKeys();
    const admin = generateKeyPair();
    const settings = settingsOf(admin);
    const network = toBase64(admin.publicKey);
    const a = await node(admin, settings);
    const genuine = await node(admin, settings);
    const impostor = await node(admin, settings);
    // A host record by a key nobody at that address holds, pointing at the impostor's port.
    const victim = generateKeyPair();
    const port = Number(new URL(impostor.url).port);
    const forgedHome = signEntry(
      {
        kind: "host",
        network,
        writer: toBase64(victim.publicKey),
        last_updated: new Date().toISOString(),
        addresses: ["127.0.0.1"],
        port,
      },
      victim.secretKey,
    );
    const genuineRecord = genuine.states
      .get(network)!
      .toJSON()
      .entries.filter((e) => e.kind === "host");
    const r = await fetch(`${a.url}/v1/networks/${encodeURIComponent(network)}/entries`, {
      method: "POST",
      body: JSON.stringify([forgedHome, ...genuineRecord]),
    });
    expect(r.status).toBe(200);
    const before = impostor.states.get(network)!.entries.size;
    for (let i = 0; i < 4; i++) await a.gossip();
    const peers = a.status().peers;
    const atImpostor = peers.find((p) => p.url === impostor.url)!;
    const atGenuine = peers.find((p) => p.url === genuine.url)!;
    expect(atImpostor).toMatchObject({
      claimedBy: toBase64(victim.publicKey),
      verified: false,
      health: "dead",
    });
    expect(atGenuine).toMatchObject({ claimedBy: genuine.key, verified: true, health: "alive" });
    // a synced with the genuine node (it now holds a's host record) but never with the impostor
    expect(impostor.states.get(network)!.entries.size).toBe(before);
    const aHost = [...a.states.get(network)!.entries.values()].find(
      (e) => e.kind === "host" && e.writer === a.key,
    );
    expect([...genuine.states.get(network)!.entries.values()]).toContainEqual(aHost);
  }, 60_000);

  it("an impostor's record naming a real node's address never makes the real node dead", async () => {
    await initKeys();
    const admin = generateKeyPair();
    const settings = settingsOf(admin);
    const network = toBase64(admin.publicKey);
    const a = await node(admin, settings);
    const real = await node(admin, settings);
    const impostor = generateKeyPair();
    const u = new URL(real.url);
    const stolen = signEntry(
      {
        kind: "host",
        network,
        writer: toBase64(impostor.publicKey),
        last_updated: new Date().toISOString(),
        addresses: [u.hostname],
        port: Number(u.port),
      },
      impostor.secretKey,
    );
    const realRecord = real.states
      .get(network)!
      .toJSON()
      .entries.filter((e) => e.kind === "host");
    const r = await fetch(`${a.url}/v1/networks/${encodeURIComponent(network)}/entries`, {
      method: "POST",
      body: JSON.stringify([stolen, ...realRecord]),
      headers: { "content-type": "application/json" },
    });
    expect(r.status).toBe(200);
    for (let i = 0; i < 4; i++) await a.gossip();
    const at = a.status().peers.filter((p) => p.url === real.url);
    expect(at.length).toBe(2);
    expect(at.find((p) => p.claimedBy === real.key)).toMatchObject({
      verified: true,
      health: "alive",
      failures: 0,
    });
    expect(at.find((p) => p.claimedBy === toBase64(impostor.publicKey))).toMatchObject({
      verified: false,
      health: "dead",
      challengeFailures: 1,
    });
    // a synced with the real node all the same
    const aHost = [...a.states.get(network)!.entries.values()].find(
      (e) => e.kind === "host" && e.writer === a.key,
    );
    expect([...real.states.get(network)!.entries.values()]).toContainEqual(aHost);
  }, 60_000);
});
