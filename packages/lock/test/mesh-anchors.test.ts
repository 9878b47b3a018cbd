// Anchors in the mesh: a lock publishes its anchors into a real mesh node's append-only section
// (in-process MeshNode, real HTTP on loopback); the auditor reads the notes and the device key
// back from the mesh and verifies the log. A key that is not a writer of the section is refused
// with a typed error, and the agent keeps the anchors for later; a node that is down too.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair, toBase64 } from "@chronoseal/core";
import { MeshNode, signEntry } from "@chronoseal/mesh";
import { afterAll, describe, expect, it } from "vitest";
import { audit } from "../src/audit/auditor.js";
import type { LockEntry } from "../src/entry.js";
import { MeshAnchors } from "../src/mesh-anchors.js";
import { ANCHOR_SECTION, MeshAnchorError } from "../src/mesh-read.js";
import { DOOR, deviceKey, makeLock } from "./helpers.js";

const nodes: MeshNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop();
});

async function meshWith(writers: string[]) {
  const admin = generateKeyPair();
  const attestor = generateKeyPair();
  const network = toBase64(admin.publicKey);
  const settings = signEntry(
    {
      kind: "settings",
      network,
      writer: network,
      last_updated: new Date().toISOString(),
      tld: "mesh",
      attestors: [toBase64(attestor.publicKey)],
      banned: [],
      overrides: {},
      host_ttl: 0,
      sections: { [ANCHOR_SECTION]: { policy: "append-only", writers } },
    },
    admin.secretKey,
  );
  const node = new MeshNode({
    stateDir: mkdtempSync(join(tmpdir(), "mesh-anchors-")),
    host: "127.0.0.1",
    port: 0,
    nodeKey: generateKeyPair(),
    attestorKey: attestor,
    networks: [{ admin: network, priority: 1, settings }],
    gossipMs: 60_000,
  });
  await node.start();
  nodes.push(node);
  return { node, network };
}

describe("MeshAnchors", () => {
  it("a lock's anchors and device key go into the mesh; the auditor reads them back and verifies", async () => {
    const key = await deviceKey();
    const { node, network } = await meshWith([toBase64(key.publicKey)]);
    const sink = new MeshAnchors({ nodes: [node.url], network, keyPair: key });
    const lock = await makeLock({ anchors: sink, anchorEvery: 5 });
    for (let i = 0; i < 12; i++) {
      lock.clock.advance(60_000);
      await lock.badge(String(i % 3));
      await lock.agent.door(true);
      await lock.agent.door(false);
    }
    await lock.agent.decommission();
    await lock.agent.stop();
    expect(lock.agent.anchorBacklog.pending).toBe(0);
    const source = new MeshAnchors({ nodes: [node.url], network });
    const notes = await source.notes();
    expect(notes.length).toBeGreaterThanOrEqual(6); // genesis, intermediates every 5 entries, final
    expect(await source.devices()).toEqual(new Map([[DOOR, toBase64(key.publicKey)]]));
    // the mesh attested every record (the node holds the attestor key)
    const status = node.status().networks[0]!;
    expect(status.entries).toBeGreaterThan(notes.length);
    const [v] = await audit(lock.sent, { deviceKeys: await source.devices(), anchors: notes });
    expect(v!.verified).toBe(true);
    expect(v!.anchoredThrough).toBe(lock.sent.at(-1)!.seq);
    // a dropped entry is caught against the mesh's anchors
    const [t] = await audit(
      lock.sent.filter((e: LockEntry) => e.seq !== 7),
      { deviceKeys: await source.devices(), anchors: notes },
    );
    expect(t!.findings.map((f) => [f.kind, f.seqs])).toContainEqual(["dropped", [7]]);
  });

  it("refuses a key that is not a writer of the section (typed error); the agent keeps its anchors", async () => {
    const { node, network } = await meshWith([toBase64(generateKeyPair().publicKey)]);
    const key = await deviceKey(9);
    const sink = new MeshAnchors({ nodes: [node.url], network, keyPair: key });
    await expect(sink.publish("not a note")).rejects.toThrow(MeshAnchorError);
    await expect(sink.publish("not a note")).rejects.toThrow(/refused the record/);
    const lock = await makeLock({ anchors: sink, anchorEvery: 2 });
    for (let i = 0; i < 4; i++) {
      lock.clock.advance(60_000);
      await lock.badge(String(i));
    }
    await lock.agent.tick();
    expect(lock.agent.anchorBacklog.pending).toBeGreaterThan(0);
    expect(lock.agent.anchorBacklog.error).toMatch(/unauthorized/);
    await lock.agent.stop();
  });

  it("a mesh node that is down: the lock still starts, and the anchors wait", async () => {
    const key = await deviceKey(11);
    const sink = new MeshAnchors({
      nodes: ["http://127.0.0.1:9"],
      network: toBase64(key.publicKey),
      keyPair: key,
    });
    const lock = await makeLock({ anchors: sink, anchorEvery: 2 });
    await lock.badge("x");
    await lock.agent.tick();
    expect(lock.agent.anchorBacklog.pending).toBeGreaterThan(0);
    expect(lock.agent.anchorBacklog.error).toMatch(/no mesh node accepted/);
    await lock.agent.stop();
  });
});
