// Part 2 of the demo: five locks run for a simulated day in virtual time (badges, a door held
// open, a power cut with a torn record), send their signed entries to a real collector over
// HTTP on loopback (SQLite), and anchor their chains. The collector then tampers with its
// export — it drops, alters, replays and reorders entries — and the auditor names every change.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCollectorServer, SqliteStore } from "@chronoseal/collector";
import { initKeys, keyPairFromSeed, toBase64 } from "@chronoseal/core";
import { audit, FileAnchors, LockAgent, type LockEntry, Uplink } from "@chronoseal/lock";

const DOORS = ["door-1", "door-2", "door-3", "door-4", "door-5"];

export async function fleetDemo(repoRoot: string): Promise<void> {
  console.log("\n— lock fleet: 5 doors, one simulated day, a tampering collector —\n");
  await initKeys();
  const work = mkdtempSync(join(tmpdir(), "chronoseal-demo-"));
  const keys = new Map(DOORS.map((d, i) => [d, keyPairFromSeed(new Uint8Array(32).fill(i + 1))]));
  const devices = new Map([...keys].map(([d, k]) => [d, toBase64(k.publicKey)]));
  const store = new SqliteStore(join(work, "collector.db"));
  const server = createCollectorServer({ store, devices });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const anchors = new FileAnchors(join(work, "anchors.ndjson"));
  try {
    let t = Date.UTC(2025, 0, 6, 7);
    const clock = { now: () => t };
    let rng = 12345;
    const random = () => {
      rng ^= rng << 13;
      rng ^= rng >>> 17;
      rng ^= rng << 5;
      return (rng >>> 0) / 2 ** 32;
    };
    const start = async (door: string) => {
      const dir = join(work, door);
      const uplink = new Uplink({ dir, collector: url, now: clock.now });
      const agent = await LockAgent.start({
        dir,
        door,
        period: "2025-01",
        keyPair: keys.get(door)!,
        periodKey: new Uint8Array(32).fill(7),
        driver: clock,
        anchors,
        anchorEvery: 20,
        anchorInterval: 3_600_000,
        onEntry: (e) => uplink.enqueue(e),
      });
      return { agent, uplink };
    };
    const locks = new Map<string, Awaited<ReturnType<typeof start>>>();
    for (const d of DOORS) locks.set(d, await start(d));
    let powerCut = false;
    // A working day, one minute at a time.
    for (let minute = 0; minute < 12 * 60; minute++) {
      t += 60_000;
      for (const d of DOORS) {
        const lock = locks.get(d)!;
        if (d === "door-4" && minute === 300) {
          // door-4 is propped open for two minutes
          await lock.agent.badge("badge-7");
          await lock.agent.door(true);
        } else if (d === "door-4" && minute === 302) {
          await lock.agent.door(false);
        } else if (random() < 0.04 && !(d === "door-4" && minute > 300 && minute < 302)) {
          await lock.agent.badge(`badge-${Math.floor(random() * 40)}`);
          await lock.agent.door(true);
          await lock.agent.door(false);
        }
        await lock.agent.tick();
        if (minute % 15 === 0) await lock.uplink.flush();
      }
      if (minute === 400 && !powerCut) {
        // Power cut on door-3 in the middle of writing a record: half a record is on disk,
        // the process dies without a clean stop, and the device boots again.
        powerCut = true;
        const l = locks.get("door-3")!;
        l.uplink.close();
        appendFileSync(
          join(work, "door-3", "2025-01.log"),
          Buffer.from([0, 0, 1, 0, 0xde, 0xad, 0xbe, 0xef, 0x7b, 0x22]),
        );
        locks.set("door-3", await start("door-3"));
      }
    }
    for (const d of DOORS) {
      const l = locks.get(d)!;
      await l.agent.decommission();
      await l.uplink.flush();
      l.agent.stop();
      l.uplink.close();
    }
    const chains = await store.chains();
    console.log(
      `collector holds ${await store.count()} entries in ${chains.length} chains; ${anchors.notes().length} anchors published`,
    );

    // The collector's export, tampered.
    const exported: LockEntry[] = [];
    for await (const e of store.query({})) exported.push(e);
    const tampered = exported
      .filter((e) => !(e.door === "door-2" && e.seq === 5)) // drop one
      .map((e) => (e.door === "door-5" && e.seq === 9 ? { ...e, time: "2025-01-06T06:00:00.000Z" } : e)); // alter (backdate) one
    const replay = tampered.find((e) => e.door === "door-1" && e.seq === 3)!;
    tampered.splice(tampered.indexOf(replay) + 10, 0, replay); // replay one
    const i = tampered.findIndex((e) => e.door === "door-4" && e.seq === 12);
    [tampered[i], tampered[i + 1]] = [tampered[i + 1]!, tampered[i]!]; // swap two
    const verdicts = await audit(tampered, { deviceKeys: devices, anchors: anchors.notes() });
    console.log("");
    for (const v of verdicts) {
      console.log(`${v.chain.padEnd(16)} ${v.verified ? "verified" : "TAMPERED"}  ${v.received} entries`);
      for (const f of v.findings)
        console.log(`    ${f.kind.padEnd(12)} seq ${f.seqs.join(", ")}  (${f.detail})`);
    }
    const recovered = exported.filter((e) => e.event === "recovered");
    console.log(
      `\npower cut on door-3: ${recovered.length} recovered entr${recovered.length === 1 ? "y" : "ies"} recorded the gap ${JSON.stringify(recovered[0]?.detail ?? {})}`,
    );
    const held = exported.filter((e) => e.event === "held-open").map((e) => e.door);
    console.log(`doors held open past 60 s: ${held.join(", ") || "none"}`);
    const outDir = join(repoRoot, ".demo");
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, "report.json"), `${JSON.stringify({ verdicts }, null, 2)}\n`);
    console.log(`report written to .demo/report.json`);
  } finally {
    await new Promise((r) => server.close(r));
    await store.close();
    rmSync(work, { recursive: true, force: true });
  }
}
