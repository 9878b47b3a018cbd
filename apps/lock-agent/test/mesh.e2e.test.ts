// End to end with real processes: a meshd node (the network's attestor), the collector app and
// the lock agent app publishing its anchors into the mesh's append-only `lock-anchors` section.
// The auditor reads the anchors (and the device key the agent registered) from the mesh, and the
// collected log audits clean against them.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SqliteStore } from "@chronoseal/collector";
import { encodePrivateKey, generateKeyPair, initKeys, toBase64 } from "@chronoseal/core";
import { createNetwork, launchMeshd, type MeshdProcess } from "@chronoseal/launch";
import { ANCHOR_SECTION, audit, type LockEntry, MeshAnchors } from "@chronoseal/lock";
import { freePort, LoggedProcess } from "@chronoseal/testkit";
import { afterAll, describe, expect, it } from "vitest";

const apps = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const procs: LoggedProcess[] = [];
let mesh: MeshdProcess | undefined;
afterAll(async () => {
  for (const p of procs) p.child.kill("SIGKILL");
  await mesh?.stop("SIGKILL");
});

describe("lock agent → mesh anchors (real processes)", () => {
  // 90 s, not the default 30 s: a meshd node, the collector and the lock agent as real processes;
  // the anchors must reach the mesh and be attested before the audit.
  it("publishes its anchors and key into the mesh; the log audits clean against them", async () => {
    await initKeys();
    const dir = mkdtempSync(join(tmpdir(), "e2e-lock-mesh-"));
    const kp = generateKeyPair();
    const attestor = generateKeyPair();
    writeFileSync(join(dir, "device.pem"), encodePrivateKey(kp, "pem") as string);
    writeFileSync(join(dir, "attestor.pem"), encodePrivateKey(attestor, "pem") as string);
    const net = createNetwork({
      attestors: [toBase64(attestor.publicKey)],
      sections: { [ANCHOR_SECTION]: { policy: "append-only", writers: [toBase64(kp.publicKey)] } },
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
    const port = await freePort();
    writeFileSync(
      join(dir, "collector.json"),
      JSON.stringify({
        listen: `127.0.0.1:${port}`,
        storage: { type: "sqlite", path: "collector.db" },
        devices: { "door-9": toBase64(kp.publicKey) },
      }),
    );
    writeFileSync(
      join(dir, "lock.json"),
      JSON.stringify({
        dir: "device",
        door: "door-9",
        period: "2025-01",
        keyFile: "device.pem",
        collector: `http://127.0.0.1:${port}`,
        mesh: { nodes: [mesh.url], network: net.key },
        anchorEvery: 5,
        tickMs: 10,
        logLevel: "debug",
        driver: { type: "simulated", badgeEveryMs: 30, holdOpenMs: 15, holdLongEvery: 0, seed: 9 },
      }),
    );
    const collector = new LoggedProcess(join(apps, "collector", "dist", "main.js"), [
      "--config",
      join(dir, "collector.json"),
    ]);
    procs.push(collector);
    await collector.waitFor((l) => l.msg === "collector listening");
    const lock = new LoggedProcess(join(apps, "lock-agent", "dist", "main.js"), [
      "--config",
      join(dir, "lock.json"),
    ]);
    procs.push(lock);
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
    expect(await source.devices()).toEqual(new Map([["door-9", toBase64(kp.publicKey)]]));
    const records = await source.records();
    expect(records.every((r) => r.time !== undefined)).toBe(true); // attested by the node's attestor key
    const store = new SqliteStore(join(dir, "collector.db"));
    const collected: LockEntry[] = [];
    for await (const e of store.query({ door: "door-9" })) collected.push(e);
    await store.close();
    const [v] = await audit(collected, { deviceKeys: await source.devices(), anchors: notes });
    expect(v!.findings.filter((f) => f.kind !== "unanchored")).toEqual([]);
    expect(v!.anchoredThrough).toBeGreaterThanOrEqual(20);
    expect(await mesh.stop("SIGTERM")).toBe(0);
  }, 90_000);
});
