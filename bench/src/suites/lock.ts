// Lock logs: the agent's durable append (sign + fsync per entry), collector ingest into SQLite
// with batch verification, and the audit rate verifying every signature (with peak memory).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ingest, SqliteStore } from "@chronoseal/collector";
import { Frontier, fromBase64, initKeys, keyPairFromSeed, leafHash, toBase64 } from "@chronoseal/core";
import {
  audit,
  entryHash,
  FileAnchors,
  LockAgent,
  type LockEntry,
  signAnchor,
  signEntry,
} from "@chronoseal/lock";
import { measure, quick, type SuiteResult } from "../harness.js";

function log(n: number, keyPair: ReturnType<typeof keyPairFromSeed>) {
  const entries: LockEntry[] = [];
  const anchors: string[] = [];
  const frontier = new Frontier();
  let prev = "";
  const t0 = Date.UTC(2025, 0, 6, 8);
  for (let seq = 0; seq < n; seq++) {
    const time = t0 + seq * 1000;
    const e = signEntry(
      {
        v: 1,
        chain: "door-1/2025-01",
        seq,
        prev,
        door: "door-1",
        time: new Date(time).toISOString(),
        event: seq ? "opened" : "chain-opened",
        ...(seq ? { user: "pseudonym" } : {}),
      },
      keyPair.secretKey,
      time,
    );
    entries.push(e);
    prev = entryHash(e);
    frontier.append(leafHash(fromBase64(prev, "h", 32)));
    if ((seq + 1) % 1000 === 0 || seq === n - 1) {
      anchors.push(
        signAnchor(
          {
            chain: "door-1/2025-01",
            kind: "intermediate",
            size: frontier.size,
            root: toBase64(frontier.root()),
            lastSeq: seq,
            prevAnchor: "",
            time: new Date(time).toISOString(),
          },
          "door-1",
          keyPair.secretKey,
        ),
      );
    }
  }
  return { entries, anchors };
}

export async function lockSuite(): Promise<SuiteResult> {
  await initKeys();
  const keyPair = keyPairFromSeed(new Uint8Array(32).fill(1));
  const dir = mkdtempSync(join(tmpdir(), "bench-lock-"));
  let t = Date.UTC(2025, 0, 6, 8);
  const agent = await LockAgent.start({
    dir,
    door: "door-1",
    period: "2025-01",
    keyPair,
    periodKey: new Uint8Array(32),
    driver: { now: () => t },
    anchors: new FileAnchors(join(dir, "a.ndjson")),
    anchorEvery: 1000,
  });
  const append = await measure(
    "durable append (sign + fsync)",
    "LockAgent.badge",
    async () => {
      t += 1000;
      await agent.badge("badge-1");
    },
    { unit: "entry", time: quick ? 1000 : 3000 },
  );
  agent.stop();

  const N = quick ? 20_000 : 100_000;
  const { entries, anchors } = log(N, keyPair);
  const devices = new Map([["door-1", toBase64(keyPair.publicKey)]]);
  let round = 0;
  const ingestRate = await measure(
    `ingest ${N.toLocaleString("en-US")} entries in batches of 1000`,
    "collector ingest (SQLite file)",
    async () => {
      const store = new SqliteStore(join(dir, `c${round++}.db`));
      for (let i = 0; i < N; i += 1000) await ingest(store, devices, entries.slice(i, i + 1000));
      await store.close();
    },
    { unitsPerOp: N, unit: "entry", time: quick ? 2000 : 6000, iterations: 1 },
  );

  let peak = 0;
  const auditRate = await measure(
    `audit ${N.toLocaleString("en-US")} entries (every signature)`,
    "lock audit",
    async () => {
      const before = process.memoryUsage().rss;
      await audit(entries, { deviceKeys: devices, anchors });
      peak = Math.max(peak, process.memoryUsage().rss - before);
    },
    { unitsPerOp: N, unit: "entry", time: quick ? 2000 : 6000, iterations: 1 },
  );

  const compactRate = await measure(
    `audit ${N.toLocaleString("en-US")} entries (signature compaction)`,
    "lock audit --compaction",
    async () => {
      await audit(entries, { deviceKeys: devices, anchors, compaction: true });
    },
    { unitsPerOp: N, unit: "entry", time: quick ? 2000 : 6000, iterations: 1 },
  );

  return {
    suite: "lock",
    measurements: [append, ingestRate, auditRate, compactRate],
    ratios: [],
    notes: [
      `Targets: durable append ≥ 1,000 entries/s (measured ${Math.round(append.unitsPerSec)}), collector ingest ≥ 10,000 entries/s on SQLite (measured ${Math.round(ingestRate.unitsPerSec)}), audit ≥ 30,000 entries/s verifying every signature (measured ${Math.round(auditRate.unitsPerSec)}), ≥ 300,000 entries/s with compaction (measured ${Math.round(compactRate.unitsPerSec)}).`,
      `Audit RSS growth during the run: ${(peak / 2 ** 20).toFixed(0)} MiB (the entries themselves are held in memory by this bench).`,
    ],
  };
}
