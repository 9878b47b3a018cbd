// Test helpers: a lock in a temp directory on a virtual clock, whose anchor sink checks every
// anchor published in the whole test run for personal data (badge ids and pseudonyms), and
// synthetic long logs signed directly (no fsync per entry).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatTimestamp, initKeys, type KeyPair, keyPairFromSeed, toBase64 } from "@chronoseal/core";
import { type AgentOptions, LockAgent } from "../src/agent.js";
import { type Anchor, anchorHash, FileAnchors, signAnchor } from "../src/anchors.js";
import { BatchFrontier, leafHashesPacked } from "../src/audit/frontier.js";
import type { AuditOptions } from "../src/audit/verdict.js";
import { VirtualClock } from "../src/driver.js";
import type { LockEntry } from "../src/entry.js";
import { signEntry } from "../src/entry.js";
import { entryHashBytes } from "../src/entry-hash.js";

export { VirtualClock };

/** Everything personal seen in this test file, and every anchor note published. */
export const privacy = { badges: new Set<string>(), pseudonyms: new Set<string>(), notes: [] as string[] };

/** Throws when an anchor note contains a badge id or a pseudonym seen in the run. */
export function assertNoPersonalData(note: string): void {
  for (const b of privacy.badges) if (note.includes(b)) throw new Error(`anchor contains badge id ${b}`);
  for (const p of privacy.pseudonyms) if (note.includes(p)) throw new Error(`anchor contains pseudonym ${p}`);
  if (/"user"|user /.test(note)) throw new Error("anchor mentions a user");
}

/** File anchors that record every note for the privacy check. */
class CheckedAnchors extends FileAnchors {
  override publish(note: string): void {
    privacy.notes.push(note);
    super.publish(note);
  }
}

export const DOOR = "door-17";

export async function deviceKey(seed = 42): Promise<KeyPair> {
  await initKeys();
  return keyPairFromSeed(new Uint8Array(32).fill(seed));
}

export async function makeLock(
  overrides: Partial<AgentOptions> = {},
  dir = mkdtempSync(join(tmpdir(), "lock-")),
  clock = new VirtualClock(),
) {
  const keyPair = await deviceKey();
  const anchors = new CheckedAnchors(join(dir, "anchors.ndjson"));
  const sent: LockEntry[] = [];
  const options: AgentOptions = {
    dir,
    door: DOOR,
    period: "2025-01",
    keyPair,
    driver: clock,
    anchors,
    anchorEvery: 10,
    onEntry: (e) => {
      sent.push(e);
      if (e.user) privacy.pseudonyms.add(e.user);
    },
    ...overrides,
  };
  const agent = await LockAgent.start(options);
  // Badge ids are made distinctive, so the privacy check's substring search means something.
  const badge = (id: string) => {
    privacy.badges.add(`card-${id}`);
    return agent.badge(`card-${id}`);
  };
  return {
    agent,
    badge,
    clock,
    anchors,
    sent,
    dir,
    options,
    devices: new Map([[DOOR, toBase64(keyPair.publicKey)]]),
    audit: (): AuditOptions => ({
      deviceKeys: new Map([[DOOR, toBase64(keyPair.publicKey)]]),
      anchors: anchors.notes(),
    }),
  };
}

/**
 * A long, untampered log made directly (one entry a second), with an intermediate anchor every
 * `every` entries and one at the end, exactly as the agent would anchor it.
 */
export async function syntheticLog(n: number, every: number, door = DOOR, seed = 42) {
  const keyPair = await deviceKey(seed);
  const chain = `${door}/2025-01`;
  const entries: LockEntry[] = [];
  const notes: string[] = [];
  const frontier = new BatchFrontier();
  let prev = "";
  let prevAnchor = "";
  const t0 = Date.UTC(2025, 0, 6, 8);
  for (let seq = 0; seq < n; seq++) {
    const time = t0 + seq * 1000;
    const e = signEntry(
      {
        v: 1,
        chain,
        seq,
        prev,
        door,
        time: formatTimestamp(time),
        event: seq === 0 ? "chain-opened" : "opened",
        ...(seq ? { user: "WgkOAAHXvvNvbwsXgUgbdcEKbtiu37eaTbSl2vIHpB0=" } : {}),
      },
      keyPair.secretKey,
      time,
    );
    entries.push(e);
    const h = entryHashBytes(e);
    prev = toBase64(h);
    frontier.appendLeafHashes(leafHashesPacked(h, 1), 1);
    if (seq === 0 || (seq + 1) % every === 0 || seq === n - 1) {
      const a: Anchor = {
        chain,
        kind: seq === 0 ? "genesis" : "intermediate",
        size: frontier.size,
        root: toBase64(frontier.root()),
        lastSeq: seq,
        prevAnchor,
        time: formatTimestamp(time),
      };
      const note = signAnchor(a, door, keyPair.secretKey);
      prevAnchor = anchorHash(note);
      notes.push(note);
    }
  }
  const options: AuditOptions = {
    deviceKeys: new Map([[door, toBase64(keyPair.publicKey)]]),
    anchors: notes,
  };
  return { entries, options, keyPair };
}

/** [kind, seqs] of every finding of every verdict. */
export const summary = (v: { findings: { kind: string; seqs: number[] }[] }[]) =>
  v.flatMap((c) => c.findings.map((f) => [f.kind, f.seqs] as [string, number[]]));
