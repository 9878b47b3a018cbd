// A scripted lock for tests: a virtual clock, a temp directory, file anchors.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Frontier, fromBase64, initKeys, keyPairFromSeed, leafHash, toBase64 } from "@chronoseal/core";
import { type AgentOptions, LockAgent } from "../src/agent.js";
import { anchorHash, FileAnchors, signAnchor } from "../src/anchors.js";
import { entryHash, type LockEntry, signEntry } from "../src/entry.js";

export class VirtualClock {
  constructor(public t = Date.UTC(2025, 0, 6, 8)) {}
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

export async function makeLock(
  overrides: Partial<AgentOptions> = {},
  dir = mkdtempSync(join(tmpdir(), "lock-")),
) {
  await initKeys();
  const keyPair = keyPairFromSeed(new Uint8Array(32).fill(42));
  const clock = new VirtualClock();
  const anchors = new FileAnchors(join(dir, "anchors.ndjson"));
  const sent: LockEntry[] = [];
  const options: AgentOptions = {
    dir,
    door: "door-17",
    period: "2025-01",
    keyPair,
    periodKey: new Uint8Array(32).fill(9),
    driver: clock,
    anchors,
    anchorEvery: 10,
    onEntry: (e) => sent.push(e),
    ...overrides,
  };
  const agent = await LockAgent.start(options);
  return { agent, clock, anchors, sent, dir, options, deviceKey: toBase64(keyPair.publicKey) };
}

/** A long, untampered log made directly (no fsync per entry), with anchors every `every` entries. */
export async function syntheticLog(n: number, every: number) {
  await initKeys();
  const keyPair = keyPairFromSeed(new Uint8Array(32).fill(42));
  const entries: LockEntry[] = [];
  const notes: string[] = [];
  const frontier = new Frontier();
  let prev = "";
  let prevAnchor = "";
  const t0 = Date.UTC(2025, 0, 6, 8);
  for (let seq = 0; seq < n; seq++) {
    const time = t0 + seq * 1000;
    const body: LockEntry = {
      v: 1,
      chain: "door-17/2025-01",
      seq,
      prev,
      door: "door-17",
      time: new Date(time).toISOString(),
      event: seq === 0 ? "chain-opened" : "opened",
      ...(seq ? { user: "u" } : {}),
    };
    const e = signEntry(body, keyPair.secretKey, time);
    entries.push(e);
    prev = entryHash(e);
    frontier.append(leafHash(fromBase64(prev, "hash", 32)));
    if ((seq + 1) % every === 0 || seq === n - 1) {
      const note = signAnchor(
        {
          chain: "door-17/2025-01",
          kind: "intermediate",
          size: frontier.size,
          root: toBase64(frontier.root()),
          lastSeq: seq,
          prevAnchor,
          time: new Date(time).toISOString(),
        },
        "door-17",
        keyPair.secretKey,
      );
      prevAnchor = anchorHash(note);
      notes.push(note);
    }
  }
  return {
    entries,
    options: { deviceKeys: new Map([["door-17", toBase64(keyPair.publicKey)]]), anchors: notes },
  };
}
