// The lock's agent and uplink against the real collector (HTTP on loopback, SQLite file): a
// backlog on disk while the collector is down, backoff, delivery after a device restart, and an
// audit of what arrived.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listenOn } from "@chronoseal/http";
import { audit, FileAnchors, LockAgent, type LockEntry, Uplink, VirtualClock } from "@chronoseal/lock";
import { describe, expect, it } from "vitest";
import { createCollectorServer } from "../src/server.js";
import { SqliteStore } from "../src/sqlite.js";
import { device } from "./fixtures.js";

describe("uplink to the collector", () => {
  it("keeps a backlog on disk while the collector is down, backs off, and survives a restart", async () => {
    const d = await device("door-3", 3);
    const dir = mkdtempSync(join(tmpdir(), "uplink-"));
    const clock = new VirtualClock();
    const anchors = new FileAnchors(join(dir, "anchors.ndjson"));
    const options = {
      dir: join(dir, "device"),
      door: d.door,
      period: "2025-01",
      keyPair: d.keyPair,
      driver: clock,
      anchors,
    };
    // Port 1 on loopback: nothing listens, the connection is refused.
    let up = new Uplink({ dir: options.dir, collector: "http://127.0.0.1:1", now: clock.now, backoff: 1000 });
    const agent = await LockAgent.start(options);
    up.attach(agent);
    for (let i = 0; i < 5; i++) await agent.badge(`b${i}`);
    expect(await up.flush()).toMatchObject({ sent: 0, error: expect.stringMatching(/unreachable/) });
    expect(await up.flush()).toEqual({ sent: 0 }); // backing off: no attempt before 1 s
    clock.advance(1000);
    expect((await up.flush()).error).toBeDefined(); // second failure: the next wait is 2 s
    // power cut: no clean stop

    // The collector comes up; the device boots again with its backlog.
    const store = new SqliteStore(join(dir, "collector.db"));
    const server = createCollectorServer({ store, devices: new Map([[d.door, d.publicKey]]) });
    const url = await listenOn(server, "127.0.0.1", 0);
    up = new Uplink({ dir: options.dir, collector: url, now: clock.now, batchSize: 2 });
    expect(up.pending).toBe(6);
    const again = await LockAgent.start(options);
    up.attach(again);
    expect(up.pending).toBe(7); // + recovered
    expect(await up.flush()).toEqual({ sent: 7 });
    expect(await store.count()).toBe(7);
    await again.decommission();
    expect(await up.flush()).toEqual({ sent: 1 });
    await again.stop();
    expect(new Uplink({ dir: options.dir, collector: url }).pending).toBe(0);
    const exported: LockEntry[] = [];
    for await (const e of store.query({})) exported.push(e);
    const [v] = await audit(exported, {
      deviceKeys: new Map([[d.door, d.publicKey]]),
      anchors: anchors.notes(),
    });
    expect(v).toMatchObject({ verified: true, findings: [] });
    expect(exported.map((e) => e.event)).toEqual([
      "chain-opened",
      "opened",
      "opened",
      "opened",
      "opened",
      "opened",
      "recovered",
      "chain-closed",
    ]);
    await server.close();
    await store.close();
  });
});
