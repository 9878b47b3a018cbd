// End to end with real processes: a meshd node (the network's attestor), the collector app and
// the lock agent app publishing its anchors into the mesh's append-only `lock-anchors` section.
// The auditor reads the anchors (and the device key the agent registered) from the mesh, and the
// collected log audits clean against them.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodePrivateKey, generateKeyPair, toBase64 } from "@chronoseal/core";
import { createNetwork, launchMeshd, type MeshdProcess } from "@chronoseal/launch";
import { ANCHOR_SECTION, audit, MeshAnchors } from "@chronoseal/lock";
import { afterAll, describe, expect, it } from "vitest";
import { Rig } from "./rig.js";

let rig: Rig | undefined;
let mesh: MeshdProcess | undefined;
afterAll(async () => {
  rig?.killAll();
  await mesh?.stop("SIGKILL");
});

describe("lock agent → mesh anchors (real processes)", () => {
  // 90 s, not the default 30 s: a meshd node, the collector and the lock agent as real processes;
  // the anchors must reach the mesh and be attested before the audit.
  it("publishes its anchors and key into the mesh; the log audits clean against them", async () => {
    rig = await Rig.create("e2e-lock-mesh-", "door-9");
    const { dir } = rig;
    const attestor = generateKeyPair();
    writeFileSync(join(dir, "attestor.pem"), encodePrivateKey(attestor, "pem") as string);
    const net = createNetwork({
      attestors: [toBase64(attestor.publicKey)],
      sections: { [ANCHOR_SECTION]: { policy: "append-only", writers: [rig.publicKey] } },
    });
    writeFileSync(join(dir, "settings.json"), JSON.stringify(net.settings));
    mesh = await launchMeshd({
      dir: join(dir, "mesh"),
      config: {
        attestorKeyFile: "../attestor.pem",
        networks: [{ admin: net.key, settingsFile: "../settings.json" }],
        gossipMs: 200,
      },
    });
    const collector = await rig.startCollector();
    // anchors to the mesh instead of a file; the agent's default uplink backoff
    const lock = rig.startAgent(
      rig.lockConfig("lock.json", {
        period: "2025-01",
        anchorsFile: undefined,
        uplink: undefined,
        mesh: { nodes: [mesh.url], network: net.key },
        driver: { seed: 9 },
      }),
    );
    const last = await lock.waitFor((l) => l.msg === "entry durable" && (l.seq as number) >= 25);
    await lock.waitFor(
      (l) =>
        l.msg === "uplink" &&
        l.pending === 0 &&
        (l.sent as number) > 0 &&
        (l.time as number) > (last.time as number),
    );
    expect(await lock.kill("SIGTERM")).toBe(0);
    expect(await collector.kill("SIGTERM")).toBe(0);

    const source = new MeshAnchors({ nodes: [mesh.url], network: net.key });
    const notes = await source.notes();
    expect(notes.length).toBeGreaterThanOrEqual(5);
    expect(await source.devices()).toEqual(new Map([["door-9", rig.publicKey]]));
    const records = await source.records();
    expect(records.every((r) => r.time !== undefined)).toBe(true); // attested by the node's attestor key
    const collected = await rig.stored();
    const [v] = await audit(collected, { deviceKeys: await source.devices(), anchors: notes });
    expect(v!.findings.filter((f) => f.kind !== "unanchored")).toEqual([]);
    expect(v!.anchoredThrough).toBeGreaterThanOrEqual(20);
    expect(await mesh.stop("SIGTERM")).toBe(0);
  }, 90_000);
});
