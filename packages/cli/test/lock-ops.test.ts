// `chronoseal lock decommission` against a real collector process, from a lock-agent config, and
// `chronoseal lock badge-hash`.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePrivateKey, generateKeyPair, initKeys, toBase64 } from "@chronoseal/core";
import { type CollectorProcess, launchCollector } from "@chronoseal/launch";
import { audit, FileAnchors, LockAgent, type LockEntry, Uplink } from "@chronoseal/lock";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./run.js";

let collector: CollectorProcess | undefined;
afterAll(async () => {
  await collector?.stop();
});

describe("chronoseal lock decommission", () => {
  it("closes the door's chain for good, delivers it, and refuses the agent afterwards", async () => {
    await initKeys();
    const dir = mkdtempSync(join(tmpdir(), "cli-decommission-"));
    const device = generateKeyPair();
    writeFileSync(join(dir, "device.pem"), encodePrivateKey(device, "pem") as string);
    collector = await launchCollector({
      dir: join(dir, "collector"),
      devices: { "door-9": toBase64(device.publicKey) },
    });
    const config = {
      dir: "device",
      door: "door-9",
      keyFile: "device.pem",
      collector: collector.url,
      anchorsFile: "anchors.ndjson",
      period: "2025-08",
    };
    writeFileSync(join(dir, "lock.json"), JSON.stringify(config));
    // The lock ran for a while; a few entries never reached the collector.
    const agent = await LockAgent.start({
      dir: join(dir, "device"),
      door: "door-9",
      period: "2025-08",
      keyPair: device,
      driver: { now: Date.now },
      anchors: new FileAnchors(join(dir, "anchors.ndjson")),
    });
    const uplink = new Uplink({ dir: join(dir, "device"), collector: collector.url });
    uplink.attach(agent);
    for (let i = 0; i < 4; i++) await agent.badge(`card-${i}`);
    expect(await uplink.flush()).toMatchObject({ sent: 5 });
    for (let i = 4; i < 6; i++) await agent.badge(`card-${i}`);
    await agent.stop();

    const r = await runCli(["lock", "decommission", "--config", "lock.json"], "", dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^door-9: decommissioned — door-9\/2025-08 closed, final anchor \S+=\n/);
    expect(r.stdout).toContain(`delivered 3 entries to ${collector.url}\nnothing left to deliver\n`);
    const entries = (await (await fetch(`${collector.url}/v1/entries?door=door-9`)).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as LockEntry);
    expect(entries.map((e) => e.event).at(-1)).toBe("chain-closed");
    const [v] = await audit(entries, {
      deviceKeys: new Map([["door-9", toBase64(device.publicKey)]]),
      anchors: new FileAnchors(join(dir, "anchors.ndjson")).notes(),
    });
    expect(v).toMatchObject({ verified: true, findings: [], anchoredThrough: entries.length - 1 });
    // Again: nothing to do, exit 0; the agent itself refuses to start.
    const again = await runCli(["lock", "decommission", "--config", "lock.json", "--json"], "", dir);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      decommissioned: false,
      delivered: 0,
      pendingEntries: 0,
    });
    await expect(
      LockAgent.start({
        dir: join(dir, "device"),
        door: "door-9",
        period: "2025-08",
        keyPair: device,
        driver: { now: Date.now },
        anchors: new FileAnchors(join(dir, "anchors.ndjson")),
      }),
    ).rejects.toMatchObject({ code: "ERR_LOCK_DECOMMISSIONED" });
    // usage and input errors
    expect((await runCli(["lock", "decommission"], "", dir)).code).toBe(2);
    expect((await runCli(["lock", "decommission", "--config", "missing.json"], "", dir)).code).toBe(1);
  });

  it("badge-hash prints what an allowlist holds", async () => {
    // expected values from `printf %s ID | sha256sum`
    const want =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n" +
      "30965876ef91e229004233420919573c60f1a057bc17b3848dfff9fffd0aafc6\n";
    expect((await runCli(["lock", "badge-hash", "abc", "04A2B3C4"])).stdout).toBe(want);
    expect((await runCli(["lock", "badge-hash", "-"], "abc\r\n04A2B3C4\n")).stdout).toBe(want);
    expect((await runCli(["lock", "badge-hash"])).code).toBe(2);
  });
});
