// Operating locks, with real processes (collector app, lock-agent app, meshd):
//   - decommissioning (`--decommission`): refused while the daemon runs, then chain-closed + final
//     anchor delivered; the door's agent then refuses to start with one line and exit 2;
//   - the collector learns doors from the mesh registry while running (no restart, no devices file);
//   - an allowlist of badge hashes decides access, reloaded when the file changes; refusals leave
//     no badge id or hash in the logs, the device files, the collector or the anchors.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodePrivateKey, generateKeyPair, toBase64 } from "@chronoseal/core";
import { createNetwork, launchMeshd, type MeshdProcess } from "@chronoseal/launch";
import { ANCHOR_SECTION, badgeHash, HEAD_SECTION, MeshAnchors, pseudonym } from "@chronoseal/lock";
import { afterAll, describe, expect, it } from "vitest";
import { drained, durable, Rig } from "./rig.js";

const rigs: Rig[] = [];
const meshes: MeshdProcess[] = [];
afterAll(async () => {
  for (const r of rigs) r.killAll();
  for (const m of meshes) await m.stop("SIGKILL");
});

/** Every file under `dir`, as text (binary logs included: JSON inside records is plain text). */
function allText(dir: string): string {
  let out = "";
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, f);
    if (statSync(p).isFile()) out += readFileSync(p).toString("latin1");
  }
  return out;
}

describe("lock operations (real processes)", () => {
  it("decommissioning: refused while the agent runs, then closed for good and delivered; the agent then refuses to start", async () => {
    const rig = await Rig.create("e2e-decommission-");
    rigs.push(rig);
    const collector = await rig.startCollector();
    const config = rig.lockConfig("lock.json", { period: "2025-04" });
    const agent = rig.startAgent(config);
    const last = await agent.waitFor((l) => durable(l) && (l.seq as number) >= 8);
    await drained(agent, last);

    const busy = rig.startAgent(config, ["--decommission"]);
    expect(await busy.exited).toBe(2);
    expect(busy.stderr).toMatch(
      /^chronoseal-lock-agent: .* in use by the lock agent process \d+: stop it first\n$/,
    );
    expect(await agent.kill("SIGTERM")).toBe(0);

    const dec = rig.startAgent(config, ["--decommission"]);
    const report = await dec.waitFor((l) => l.msg === "decommissioned");
    expect(await dec.exited).toBe(0);
    expect(report).toMatchObject({
      door: rig.door,
      chain: `${rig.door}/2025-04`,
      pendingEntries: 0,
      pendingAnchors: 0,
    });
    const collected = await rig.collected();
    expect(collected.at(-1)).toMatchObject({ event: "chain-closed", detail: { decommissioned: 1 } });
    const [v] = await rig.audit(collected);
    expect(v).toMatchObject({ verified: true, findings: [], anchoredThrough: collected.at(-1)!.seq });

    const again = rig.startAgent(config);
    expect(await again.exited).toBe(2);
    expect(again.stderr).toBe(
      `chronoseal-lock-agent: door ${rig.door} is decommissioned (final anchor ${report.finalAnchor}): its agent does not run again; \`chronoseal lock decommission --config ${config}\` delivers anything still queued\n`,
    );
    const twice = rig.startAgent(config, ["--decommission"]);
    expect(await twice.waitFor((l) => l.msg === "already decommissioned")).toMatchObject({ delivered: 0 });
    expect(await twice.exited).toBe(0);
    expect(await collector.kill("SIGTERM")).toBe(0);
  });

  it("the collector learns new doors from the mesh registry while running", async () => {
    const doors = [
      await Rig.create("e2e-registry-a-", "door-a"),
      await Rig.create("e2e-registry-b-", "door-b"),
    ];
    rigs.push(...doors);
    const [a, b] = doors as [Rig, Rig];
    const attestor = generateKeyPair();
    writeFileSync(join(a.dir, "attestor.pem"), encodePrivateKey(attestor, "pem") as string);
    const writers = doors.map((d) => d.publicKey);
    const net = createNetwork({
      attestors: [toBase64(attestor.publicKey)],
      sections: {
        [ANCHOR_SECTION]: { policy: "append-only", writers },
        [HEAD_SECTION]: { policy: "latest-per-writer", writers },
      },
    });
    writeFileSync(join(a.dir, "settings.json"), JSON.stringify(net.settings));
    const mesh = await launchMeshd({
      dir: join(a.dir, "mesh"),
      config: {
        attestorKeyFile: "../attestor.pem",
        networks: [{ admin: net.key, settingsFile: "../settings.json" }],
        gossipMs: 200,
      },
    });
    meshes.push(mesh);
    // One collector (a's), no devices of its own: everything comes from the mesh.
    const collector = await a.startCollector({
      devices: undefined,
      mesh: { nodes: [mesh.url], network: net.key, refreshMs: 200 },
    });
    b.url = a.url;
    const meshConfig = { anchorsFile: undefined, mesh: { nodes: [mesh.url], network: net.key } };
    const lockA = a.startAgent(a.lockConfig("lock.json", { ...meshConfig, period: "2025-05" }));
    await collector.waitFor((l) => l.msg === "device registered" && l.door === "door-a");
    const lastA = await lockA.waitFor((l) => durable(l) && (l.seq as number) >= 5);
    await drained(lockA, lastA);
    // A second door, added while everything runs.
    const lockB = b.startAgent(b.lockConfig("lock.json", { ...meshConfig, period: "2025-05" }));
    await collector.waitFor((l) => l.msg === "device registered" && l.door === "door-b");
    const lastB = await lockB.waitFor((l) => durable(l) && (l.seq as number) >= 5);
    await drained(lockB, lastB);
    expect(await lockA.kill("SIGTERM")).toBe(0);
    expect(await lockB.kill("SIGTERM")).toBe(0);
    expect(collector.lines.filter((l) => l.msg === "collector listening")).toHaveLength(1); // no restart
    const source = new MeshAnchors({ nodes: [mesh.url], network: net.key });
    const view = await source.view();
    expect(view.devices).toEqual(
      new Map([
        ["door-a", a.publicKey],
        ["door-b", b.publicKey],
      ]),
    );
    for (const d of doors) {
      const [v] = await d.audit(await d.collected(), view.notes);
      expect(v).toMatchObject({ verified: true, findings: [] });
    }
    expect(await collector.kill("SIGTERM")).toBe(0);
  });

  it("an allowlist of badge hashes decides access and is reloaded on change; refusals leave nothing personal", async () => {
    const rig = await Rig.create("e2e-authorize-");
    rigs.push(rig);
    const collector = await rig.startCollector();
    const badges = Array.from({ length: 10 }, (_, i) => `badge-${i}`);
    const list = join(rig.dir, "badges.txt");
    writeFileSync(list, `# staff\n${badges.slice(0, 3).map(badgeHash).join("\n")}\n`);
    const agent = rig.startAgent(
      rig.lockConfig("lock.json", {
        period: "2025-06",
        authorize: { allowlist: "badges.txt" },
        driver: { users: 10, badgeEveryMs: 20 },
      }),
    );
    await agent.waitFor((l) => l.msg === "badge refused" && (l.refused as number) >= 5);
    const key = new Uint8Array(
      Buffer.from(readFileSync(join(rig.dir, "device", "keys", "2025-06.key"), "utf8").trim(), "base64"),
    );
    const who = new Map(badges.map((b) => [pseudonym(key, b), b]));
    const opened = async () =>
      (await rig.collected()).filter((e) => e.event === "opened" && e.user).map((e) => who.get(e.user!));
    const before = await agent.waitFor((l) => durable(l) && l.event === "opened" && (l.seq as number) >= 4);
    await drained(agent, before);
    const allowed = new Set(badges.slice(0, 3));
    const first3 = await opened();
    expect(first3.length).toBeGreaterThan(0);
    for (const u of first3) expect(allowed.has(u!)).toBe(true); // (which of them came depends on timing)
    // The list changes: only badge-7 from now on.
    writeFileSync(list, `${badgeHash("badge-7")}\n`);
    const reload = await agent.waitFor((l) => l.msg === "authorization reloaded");
    const later = (l: (typeof agent.lines)[0]) => agent.lines.indexOf(l) > agent.lines.indexOf(reload);
    const first = await agent.waitFor((l) => later(l) && durable(l) && l.event === "opened");
    const second = await agent.waitFor(
      (l) => later(l) && durable(l) && l.event === "opened" && l.seq !== first.seq,
    );
    await drained(agent, second);
    const collected = await rig.collected();
    for (const l of [first, second]) expect(who.get(collected[l.seq as number]!.user!)).toBe("badge-7");
    for (const u of await opened()) expect(allowed.has(u!) || u === "badge-7").toBe(true);
    // A malformed list keeps the last good one and says so (without badge data).
    writeFileSync(list, "not a hash\n");
    const warn = await agent.waitFor(
      (l) => l.msg === "authorization" && String(l.message).includes("keeping the last good version"),
    );
    expect(String(warn.message)).toMatch(/badges\.txt:1: expected a badge hash/);
    expect(await agent.kill("SIGTERM")).toBe(0);
    expect(await collector.kill("SIGTERM")).toBe(0);
    // Nothing personal about refused badges anywhere: logs, device files, collector, anchors.
    const logs = JSON.stringify(agent.lines) + agent.stderr + JSON.stringify(collector.lines);
    const files = allText(join(rig.dir, "device")) + readFileSync(join(rig.dir, "anchors.ndjson"), "utf8");
    for (const b of badges)
      for (const where of [logs, files]) {
        expect(where.includes(b)).toBe(false);
        expect(where.includes(badgeHash(b))).toBe(false);
      }
  });
});
