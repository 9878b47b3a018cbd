// Anchors cosigned by C2SP witnesses: a lock agent whose sink is WitnessedAnchors, with real
// witnesses (@chronoseal/witness over HTTP on loopback). Every anchor goes out with cosignature/v1
// lines and a consistency proof from the previous one; a witness that is down is retried and the
// late cosignature published again; a device that forgot what a witness holds re-proves from the
// witness's size (409); a restart resumes; the auditor requires k of n witnesses and reports the
// anchored entries no witnessed anchor covers — and a cosignature moved to another anchor, dated in
// the future or by an unconfigured key does not count.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  formatVerifierKey,
  generateKeyPair,
  initKeys,
  noteVerifier,
  parseVerifierKey,
  toBase64,
} from "@chronoseal/core";
import { createHttpServer, type HttpServer, listenOn } from "@chronoseal/http";
import { registerWitnessRoutes, Witness, type WitnessTarget } from "@chronoseal/witness";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { anchorHash, FileAnchors, openAnchor } from "../src/anchors.js";
import { audit } from "../src/audit/auditor.js";
import { WitnessedAnchors } from "../src/witnessed-anchors.js";
import { DOOR, deviceKey, makeLock } from "./helpers.js";

let device: Awaited<ReturnType<typeof deviceKey>>;
const open: { app: HttpServer; witness: Witness }[] = [];

beforeAll(async () => {
  await initKeys();
  device = await deviceKey();
});
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.app.close();
    o.witness.close();
  }
});

/** A witness of this door's chains (origin prefix chronoseal-lock/door-17/), served on loopback. */
async function startWitness(name: string, port = 0, witness?: Witness) {
  const w =
    witness ??
    new Witness({
      signer: { name, secretKey: generateKeyPair().secretKey },
      logs: [{ originPrefix: `chronoseal-lock/${DOOR}/`, keys: [noteVerifier(DOOR, device.publicKey)] }],
      store: mkdtempSync(join(tmpdir(), "witness-state-")),
    });
  const app = createHttpServer();
  registerWitnessRoutes(app, w);
  const url = await listenOn(app, "127.0.0.1", port);
  const served = { app, witness: w };
  open.push(served);
  const target: WitnessTarget = { url, name, verifier: parseVerifierKey(w.vkey) };
  return {
    witness: w,
    target,
    port: Number(new URL(url).port),
    async stop() {
      await app.close();
      open.splice(open.indexOf(served), 1);
    },
  };
}

async function witnessedLock(witnesses: WitnessTarget[], extra: { waitMs?: number } = {}, dir?: string) {
  const d = dir ?? mkdtempSync(join(tmpdir(), "lock-w-"));
  const file = new FileAnchors(join(d, "anchors.ndjson"));
  const sink = new WitnessedAnchors({
    dir: d,
    sink: file,
    witnesses,
    backoffMs: 0,
    waitMs: extra.waitMs ?? 5000,
  });
  const lock = await makeLock({ anchors: sink }, d);
  return { ...lock, sink, file };
}

async function traffic(lock: Awaited<ReturnType<typeof witnessedLock>>, n: number) {
  for (let i = 0; i < n; i++) {
    lock.clock.advance(30_000);
    await lock.badge(String(i % 5));
    await lock.agent.door(true);
    await lock.agent.door(false);
  }
}

const policy = (targets: WitnessTarget[], require?: number) => ({
  keys: targets.map((t) => t.verifier),
  ...(require === undefined ? {} : { require }),
});

describe("an agent whose anchors are witnessed", () => {
  it("every anchor carries both witnesses' cosignatures; the auditor requires 2 of 2", async () => {
    const a = await startWitness("w1.example");
    const b = await startWitness("w2.example");
    const lock = await witnessedLock([a.target, b.target]);
    await traffic(lock, 14); // 28 entries, chain-opened and chain-closed: genesis, 10, 20, final
    await lock.agent.decommission();
    await lock.agent.stop();
    await lock.sink.close();
    const notes = lock.file.notes();
    expect(notes.length).toBe(4);
    for (const n of notes) {
      const lines = n
        .slice(n.lastIndexOf("\n\n") + 2)
        .trim()
        .split("\n");
      expect(lines.map((l) => l.split(" ")[1])).toEqual([DOOR, "w1.example", "w2.example"]);
    }
    const [v] = await audit(lock.sent, {
      ...lock.audit(),
      anchors: notes,
      witnesses: policy([a.target, b.target], 2),
    });
    expect(v!.verified).toBe(true);
    expect(v!.witnessedThrough).toBe(lock.sent.at(-1)!.seq);
    expect(lock.sink.status().map((s) => s.missing)).toEqual([0, 0]);
  });

  it("a witness that is down: anchors go out with what there is, the late cosignature follows", async () => {
    const a = await startWitness("w1.example");
    const b = await startWitness("w2.example");
    const bWitness = b.witness;
    await b.stop(); // down (its port is known)
    const lock = await witnessedLock([a.target, b.target], { waitMs: 1000 });
    await traffic(lock, 8);
    expect(lock.sink.status()[1]).toMatchObject({ name: "w2.example", missing: 1 });
    expect(lock.sink.status()[1]!.lastError).toMatch(/ECONNREFUSED|fetch failed/);
    const before = await audit(lock.sent, {
      ...lock.audit(),
      anchors: lock.file.notes(),
      witnesses: policy([a.target, b.target], 2),
    });
    expect(before[0]!.findings.map((f) => f.kind)).toContain("unwitnessed");
    // It comes back; retry() gets its cosignature on the newest anchor and publishes it again.
    await startWitness("w2.example", b.port, bWitness);
    await lock.sink.retry();
    expect(lock.sink.status()[1]).toEqual({ name: "w2.example", url: b.target.url, missing: 0 });
    await lock.agent.stop();
    await lock.sink.close();
    const [v] = await audit(lock.sent, {
      ...lock.audit(),
      anchors: lock.file.notes(),
      witnesses: policy([a.target, b.target], 2),
    });
    // The newest anchor now has both: everything it covers is witnessed (older anchors are its prefixes).
    expect(v!.witnessedThrough).toBe(v!.anchoredThrough);
    expect(v!.findings.filter((f) => f.kind === "unwitnessed")).toEqual([]);
    expect(v!.verified).toBe(true);
  });

  it("a device that forgot the witness's size re-proves from it (409); a restart resumes", async () => {
    const a = await startWitness("w1.example");
    const dir = mkdtempSync(join(tmpdir(), "lock-w-"));
    const first = await witnessedLock([a.target], {}, dir);
    await traffic(first, 7);
    await first.agent.stop();
    await first.sink.close();
    rmSync(join(dir, "witness.log")); // the device no longer knows what the witness holds
    const second = await witnessedLock([a.target], {}, dir);
    await traffic(second, 7);
    await second.agent.stop();
    await second.sink.close();
    expect(second.sink.status()[0]).toEqual({ name: "w1.example", url: a.target.url, missing: 0 });
    const all = [...first.sent, ...second.sent];
    const [v] = await audit(all, {
      ...second.audit(),
      anchors: second.file.notes(),
      witnesses: policy([a.target]),
    });
    expect(v!.verified).toBe(true);
    expect(v!.witnessedThrough).toBe(v!.anchoredThrough);
  });

  it("the auditor: a cosignature copied onto another anchor, one dated in the future, or by an unknown key does not count", async () => {
    const a = await startWitness("w1.example");
    const lock = await witnessedLock([a.target]);
    await traffic(lock, 7);
    await lock.agent.stop();
    await lock.sink.close();
    const notes = lock.file.notes();
    const strip = (n: string) =>
      `${n.slice(0, n.lastIndexOf("\n\n") + 2) + n.slice(n.lastIndexOf("\n\n") + 2).split("\n")[0]!}\n`;
    const cosig = (n: string) => `${n.slice(n.lastIndexOf("\n\n") + 2).split("\n")[1]!}\n`;
    // The newest anchor bare, carrying the previous anchor's cosignature instead of its own.
    const moved = notes.map((n, i) => (i === notes.length - 1 ? strip(n) + cosig(notes[i - 1]!) : n));
    const [m] = await audit(lock.sent, { ...lock.audit(), anchors: moved, witnesses: policy([a.target]) });
    const prev = openAnchor(notes.at(-2)!, noteVerifier(DOOR, device.publicKey));
    expect(m!.witnessedThrough).toBe(prev.lastSeq);
    expect(m!.findings.find((f) => f.kind === "unwitnessed")?.ranges).toEqual([
      [prev.lastSeq + 1, m!.anchoredThrough],
    ]);
    expect(m!.verified).toBe(false);
    // The auditor's clock an hour before the cosignatures: they are in the future.
    const [f] = await audit(lock.sent, {
      ...lock.audit(),
      anchors: notes,
      witnesses: { ...policy([a.target]), now: Date.now() - 3_600_000 },
    });
    expect(f!.witnessedThrough).toBe(-1);
    // A witness key nobody configured: its lines are ignored.
    const other = noteVerifier("w1.example", generateKeyPair().publicKey, "cosignature/v1");
    const [u] = await audit(lock.sent, { ...lock.audit(), anchors: notes, witnesses: { keys: [other] } });
    expect(u!.witnessedThrough).toBe(-1);
    // Without a witness policy nothing changes: verified, no witness fields.
    const [plain] = await audit(lock.sent, { ...lock.audit(), anchors: notes });
    expect(plain!.verified).toBe(true);
    expect(plain!.witnessedThrough).toBeUndefined();
    // require 0: reported, never a finding.
    const [zero] = await audit(lock.sent, {
      ...lock.audit(),
      anchors: moved,
      witnesses: policy([a.target], 0),
    });
    expect(zero!.verified).toBe(true);
    // Requiring more witnesses than configured is a mistake of the caller.
    await expect(
      audit(lock.sent, { ...lock.audit(), anchors: notes, witnesses: policy([a.target], 2) }),
    ).rejects.toThrow(RangeError);
  });
});

describe("anchor identity with cosignatures", () => {
  it("a cosigned copy is the same anchor; a bogus line under the door's name does not change what the auditor links", async () => {
    const a = await startWitness("w1.example");
    const lock = await witnessedLock([a.target]);
    await traffic(lock, 4);
    await lock.agent.stop();
    await lock.sink.close();
    const note = lock.file.notes().at(-1)!;
    const bare =
      note.slice(0, note.lastIndexOf("\n\n") + 2) +
      note.slice(note.lastIndexOf("\n\n") + 2).split("\n")[0]! +
      "\n";
    expect(anchorHash(note)).toBe(anchorHash(bare));
    const v = noteVerifier(DOOR, device.publicKey);
    expect(openAnchor(note, v).hash).toBe(anchorHash(bare));
    // A relay inserts a line named after the door with another key id, before the device's line.
    const other = generateKeyPair();
    const fakeId = noteVerifier(DOOR, other.publicKey).keyId;
    const fake = `— ${DOOR} ${Buffer.concat([fakeId, Buffer.alloc(64)]).toString("base64")}\n`;
    const tampered =
      note.slice(0, note.lastIndexOf("\n\n") + 2) + fake + note.slice(note.lastIndexOf("\n\n") + 2);
    expect(openAnchor(tampered, v).hash).toBe(anchorHash(bare));
    // A second line under the device's own name and key id: the copy is refused.
    const badOwn = `— ${DOOR} ${Buffer.concat([v.keyId, Buffer.alloc(64)]).toString("base64")}\n`;
    expect(() => openAnchor(note + badOwn, v)).toThrow(/two signatures by door-17/);
    expect(formatVerifierKey(DOOR, device.publicKey)).toContain(`${DOOR}+`);
    expect(toBase64(device.publicKey)).toBe(lock.devices.get(DOOR));
  });
});
