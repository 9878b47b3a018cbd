// The lock's uplink against the real collector (HTTP on loopback, SQLite file): a backlog on disk
// while the collector is down, backoff, and delivery after a device restart.
import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileAnchors, LockAgent, Uplink } from "@chronoseal/lock";
import { describe, expect, it } from "vitest";
import { createCollectorServer } from "../src/server.js";
import { SqliteStore } from "../src/sqlite.js";
import { device } from "./fixtures.js";

describe("uplink to the collector", () => {
  it("keeps a backlog on disk while the collector is down, backs off, and survives a restart", async () => {
    const d = await device("door-3", 3);
    const dir = mkdtempSync(join(tmpdir(), "uplink-"));
    let t = Date.UTC(2025, 0, 6, 8);
    const now = () => t;
    const agentOptions = {
      dir,
      door: d.door,
      period: "2025-01",
      keyPair: d.keyPair,
      periodKey: new Uint8Array(32).fill(1),
      driver: { now },
      anchors: new FileAnchors(join(dir, "anchors.ndjson")),
    };
    // Port 1 on loopback: nothing listens, the connection is refused.
    let up = new Uplink({ dir, collector: "http://127.0.0.1:1", now, backoff: 1000 });
    const agent = await LockAgent.start({ ...agentOptions, onEntry: (e) => up.enqueue(e) });
    for (let i = 0; i < 5; i++) await agent.badge(`b${i}`);
    const first = await up.flush();
    expect(first).toMatchObject({ sent: 0, error: expect.stringMatching(/unreachable/) });
    expect(await up.flush()).toEqual({ sent: 0 }); // backing off: no attempt before 1 s
    t += 1000;
    expect((await up.flush()).error).toBeDefined(); // second failure: the next wait is 2 s
    up.close();
    agent.stop();

    // The collector comes up; the device restarts with its backlog.
    const store = new SqliteStore(join(dir, "collector.db"));
    const server = createCollectorServer({ store, devices: new Map([[d.door, d.publicKey]]) });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    up = new Uplink({ dir, collector: url, now, batchSize: 2 });
    expect(up.pending).toBe(6);
    t += 2000;
    expect(await up.flush()).toEqual({ sent: 6 });
    expect(await store.count()).toBe(6);
    up.close();
    const again = new Uplink({ dir, collector: url, now });
    expect(again.pending).toBe(0);
    again.close();
    await new Promise((r) => server.close(r));
    await store.close();
  });
});
