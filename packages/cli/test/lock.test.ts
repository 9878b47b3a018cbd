// `chronoseal lock audit / export / verify-file` against a real collector on loopback.
import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCollectorServer, SqliteStore } from "@chronoseal/collector";
import { initKeys, keyPairFromSeed, toBase64 } from "@chronoseal/core";
import { FileAnchors, LockAgent, type LockEntry } from "@chronoseal/lock";
import { describe, expect, it } from "vitest";
import { runCli } from "./run.js";

describe("chronoseal lock", () => {
  it("audits a collector, exports, verifies the export offline, and flags tampering", async () => {
    await initKeys();
    const dir = mkdtempSync(join(tmpdir(), "cli-lock-"));
    const keyPair = keyPairFromSeed(new Uint8Array(32).fill(5));
    let t = Date.UTC(2025, 0, 6, 8);
    const sent: LockEntry[] = [];
    const anchors = new FileAnchors(join(dir, "anchors.ndjson"));
    const agent = await LockAgent.start({
      dir,
      door: "door-5",
      period: "2025-01",
      keyPair,
      periodKey: new Uint8Array(32),
      driver: { now: () => t },
      anchors,
      anchorEvery: 10,
      onEntry: (e) => sent.push(e),
    });
    for (let i = 0; i < 25; i++) {
      t += 60_000;
      await agent.badge(`b${i}`);
    }
    await agent.decommission();
    agent.stop();
    const devices = join(dir, "devices.json");
    writeFileSync(devices, JSON.stringify({ "door-5": toBase64(keyPair.publicKey) }));
    const store = new SqliteStore(join(dir, "c.db"));
    const server = createCollectorServer({
      store,
      devices: new Map([["door-5", toBase64(keyPair.publicKey)]]),
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await fetch(`${url}/v1/entries`, { method: "POST", body: JSON.stringify(sent) });
    const ok = await runCli(
      ["lock", "audit", "--collector", url, "--anchors", join(dir, "anchors.ndjson"), "--devices", devices],
      "",
      dir,
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("door-5/2025-01: verified (27 entries");
    const exp = await runCli(
      ["lock", "export", "--collector", url, "--out", join(dir, "export.ndjson")],
      "",
      dir,
    );
    expect(exp.stdout).toContain("exported 27 entries");
    const file = await runCli(
      [
        "lock",
        "verify-file",
        "--anchors",
        "anchors.ndjson",
        "--devices",
        "devices.json",
        "--json",
        "export.ndjson",
      ],
      "",
      dir,
    );
    expect(JSON.parse(file.stdout)[0].verified).toBe(true);
    // a tampered export: one entry dropped, one altered, one backdated
    const tampered = sent
      .filter((e) => e.seq !== 7)
      .map((e) =>
        e.seq === 12
          ? { ...e, user: "someone-else" }
          : e.seq === 15
            ? { ...e, time: "2025-01-01T00:00:00.000Z" }
            : e,
      );
    writeFileSync(join(dir, "tampered.ndjson"), tampered.map((e) => JSON.stringify(e)).join("\n"));
    const bad = await runCli(
      ["lock", "verify-file", "--anchors", "anchors.ndjson", "--devices", "devices.json", "tampered.ndjson"],
      "",
      dir,
    );
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/dropped\s+7/);
    expect(bad.stdout).toMatch(/altered\s+12 /);
    expect(bad.stdout).toMatch(/backdated\s+15 /);
    expect((await runCli(["lock", "audit", "--collector", url], "", dir)).code).toBe(2);
    await new Promise((r) => server.close(r));
    await store.close();
  });
});
