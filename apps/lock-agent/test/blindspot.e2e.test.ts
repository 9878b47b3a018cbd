// A short blind spot, with real processes (meshd with an attestor, collector app, lock-agent app
// publishing into the mesh): while entries are unanchored the agent publishes signed heads into
// the latest-per-writer `lock-heads` section, which keeps one record for the lock however many
// heads it published; after a crash (SIGKILL, no stop anchor) a collector that cuts the tail is
// caught up to the newest head; a clean stop (SIGTERM) anchors everything, leaving no tail.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodePrivateKey, generateKeyPair, toBase64 } from "@chronoseal/core";
import { createNetwork, launchMeshd, type MeshdProcess } from "@chronoseal/launch";
import { ANCHOR_SECTION, HEAD_SECTION, type LockEntry, MeshAnchors, scanLog } from "@chronoseal/lock";
import { afterAll, describe, expect, it } from "vitest";
import { drained, durable, Rig } from "./rig.js";

let rig: Rig | undefined;
let mesh: MeshdProcess | undefined;
afterAll(async () => {
  rig?.killAll();
  await mesh?.stop("SIGKILL");
});

describe("heads and the clean-stop anchor (real processes)", () => {
  it("heads bound what a collector can hide; the mesh keeps one per lock; SIGTERM leaves no tail", async () => {
    rig = await Rig.create("e2e-blindspot-", "door-h");
    const attestor = generateKeyPair();
    writeFileSync(join(rig.dir, "attestor.pem"), encodePrivateKey(attestor, "pem") as string);
    const net = createNetwork({
      attestors: [toBase64(attestor.publicKey)],
      sections: {
        [ANCHOR_SECTION]: { policy: "append-only", writers: [rig.publicKey] },
        [HEAD_SECTION]: { policy: "latest-per-writer", writers: [rig.publicKey] },
      },
    });
    writeFileSync(join(rig.dir, "settings.json"), JSON.stringify(net.settings));
    mesh = await launchMeshd({
      dir: join(rig.dir, "mesh"),
      config: {
        attestorKeyFile: "../attestor.pem",
        networks: [{ admin: net.key, settingsFile: "../settings.json" }],
        gossipMs: 200,
      },
    });
    const collector = await rig.startCollector();
    const config = rig.lockConfig("lock.json", {
      period: "2025-07",
      anchorsFile: undefined,
      mesh: { nodes: [mesh.url], network: net.key },
      anchorEvery: 1000, // only heads while it runs
      headIntervalMs: 150,
    });
    const first = rig.startAgent(config);
    const heads = () => first.lines.filter((l) => l.msg === "head");
    await first.waitFor((l) => l.msg === "head" && heads().length >= 4);
    const last = await first.waitFor(
      (l) => durable(l) && (l.seq as number) > (heads().at(-1)!.size as number),
    );
    await drained(first, last);
    expect(await first.kill("SIGKILL")).toBe(null); // a crash: no stop anchor

    const source = new MeshAnchors({ nodes: [mesh.url], network: net.key });
    const state = (await (
      await fetch(`${mesh.url}/v1/networks/${encodeURIComponent(net.key)}/state`)
    ).json()) as { entries: { kind: string; section?: string }[] };
    expect(state.entries.filter((e) => e.kind === "record" && e.section === HEAD_SECTION)).toHaveLength(1);
    const view = await source.view();
    const collected = await rig.collected();
    const [v] = await rig.audit(collected, view.notes);
    const through = v!.headThrough;
    expect(through).toBeGreaterThanOrEqual((heads().at(-1)!.size as number) - 1); // the newest head
    expect(v).toMatchObject({ verified: true, anchoredThrough: through });
    // The collector cuts the tail three entries before the newest head: caught exactly.
    const [cut] = await rig.audit(
      collected.filter((e) => e.seq < through - 2),
      view.notes,
    );
    expect(cut!.findings).toEqual([
      expect.objectContaining({ kind: "dropped", ranges: [[through - 2, through]] }),
    ]);

    // Back on, then a clean stop: the stop anchor covers everything.
    const second = rig.startAgent(config);
    const more = await second.waitFor((l) => durable(l) && (l.seq as number) > collected.length + 3);
    await drained(second, more);
    expect(await second.kill("SIGTERM")).toBe(0);
    const anchor = second.lines.filter((l) => l.msg === "anchor").at(-1)!;
    // (the device's log: what the collector had not yet received when the agent stopped is sent
    // on its next start)
    const all: LockEntry[] = [];
    scanLog<LockEntry>(join(rig.dir, "device", "2025-07.log"), (e) => all.push(e));
    expect(anchor).toMatchObject({ kind: "intermediate", size: all.length });
    const [clean] = await rig.audit(all, (await source.view()).notes);
    expect(clean).toMatchObject({ verified: true, findings: [], anchoredThrough: all.length - 1 });
    expect(await collector.kill("SIGTERM")).toBe(0);
  });
});
