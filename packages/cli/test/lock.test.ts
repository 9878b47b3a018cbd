// `chronoseal lock audit / export / verify-file` against a real collector on loopback.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { createCollectorServer, SqliteStore } from "@chronoseal/collector";
import { initKeys, keyPairFromSeed, leafHashes, MerkleTree, noteVerifier, toBase64 } from "@chronoseal/core";
import { entryHashes, FileAnchors, LockAgent, type LockEntry, VirtualClock } from "@chronoseal/lock";
import { Witness } from "@chronoseal/witness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/main.js";
import { runBin } from "./bin.js";
import { runCli } from "./run.js";

let dir = "";
let url = "";
let sent: LockEntry[] = [];
let close: () => Promise<void>;
let devicePublic: Uint8Array;

beforeAll(async () => {
  await initKeys();
  dir = mkdtempSync(join(tmpdir(), "cli-lock-"));
  const keyPair = keyPairFromSeed(new Uint8Array(32).fill(5));
  devicePublic = keyPair.publicKey;
  const clock = new VirtualClock();
  sent = [];
  const agent = await LockAgent.start({
    dir: join(dir, "device"),
    door: "door-5",
    period: "2025-01",
    keyPair,
    driver: clock,
    anchors: new FileAnchors(join(dir, "anchors.ndjson")),
    anchorEvery: 10,
    onEntry: (e) => sent.push(e),
  });
  for (let i = 0; i < 25; i++) {
    clock.advance(60_000);
    await agent.badge(`card-${i}`);
  }
  await agent.decommission();
  await agent.stop();
  writeFileSync(join(dir, "devices.json"), JSON.stringify({ "door-5": toBase64(keyPair.publicKey) }));
  const store = new SqliteStore(join(dir, "c.db"));
  const server = createCollectorServer({
    store,
    devices: new Map([["door-5", toBase64(keyPair.publicKey)]]),
  });
  url = await server.listen({ port: 0, host: "127.0.0.1" });
  const r = await fetch(`${url}/v1/entries`, { method: "POST", body: JSON.stringify(sent) });
  expect(r.status).toBe(200);
  close = async () => {
    await server.close();
    await store.close();
  };
});
afterAll(() => close());

const ndjson = (list: unknown[]) => `${list.map((e) => JSON.stringify(e)).join("\n")}\n`;

describe("chronoseal lock", () => {
  it("audit: a verified collector, with device keys from the anchors' registry or --devices", async () => {
    const ok = await runCli(["lock", "audit", "--collector", url, "--anchors", "anchors.ndjson"], "", dir);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(
      "door-5/2025-01  verified — 27 entries received, last seq 26, anchored through 26",
    );
    expect(ok.stdout).toContain("RESULT: verified");
    const json = await runCli(
      [
        "lock",
        "audit",
        "--collector",
        url,
        "--anchors",
        "anchors.ndjson",
        "--devices",
        "devices.json",
        "--json",
        "--compaction",
      ],
      "",
      dir,
    );
    expect(JSON.parse(json.stdout)).toMatchObject({
      verified: true,
      entries: 27,
      chains: [{ chain: "door-5/2025-01", findings: [] }],
    });
  });

  it("export (the real executable): --out - is standard output; an existing file needs --force", async () => {
    const base = ["lock", "export", "--collector", url];
    const dash = await runBin([...base, "--out", "-"], { cwd: dir });
    expect(dash.code).toBe(0);
    expect(dash.stdout).toBe(ndjson(sent));
    expect(dash.stderr).toBe("exported 27 entries to standard output\n");
    expect(existsSync(join(dir, "-"))).toBe(false);
    writeFileSync(join(dir, "kept.ndjson"), "an earlier export\n");
    const kept = await runBin([...base, "--out", "kept.ndjson"], { cwd: dir });
    expect(kept.code).toBe(1);
    expect(kept.stderr).toBe("chronoseal lock export: kept.ndjson exists; use --force to overwrite it\n");
    expect(readFileSync(join(dir, "kept.ndjson"), "utf8")).toBe("an earlier export\n");
    const forced = await runBin([...base, "--out", "kept.ndjson", "--force", "--json"], { cwd: dir });
    expect(JSON.parse(forced.stdout)).toEqual({ entries: 27, signed: 27, out: "kept.ndjson" });
    expect(readFileSync(join(dir, "kept.ndjson"), "utf8")).toBe(ndjson(sent));
    // A collector that stops answering mid-way leaves no partial file behind.
    const gone = await runBin(["lock", "export", "--collector", "http://127.0.0.1:1", "--out", "x.ndjson"], {
      cwd: dir,
    });
    expect(gone.code).toBe(1);
    expect(existsSync(join(dir, "x.ndjson"))).toBe(false);
  });

  it("an audit that finds nothing to audit is not verified (exit 1), in text and JSON", async () => {
    const audit = ["lock", "audit", "--collector", url, "--anchors", "anchors.ndjson"];
    for (const extra of [
      ["--door", "nosuch"],
      ["--chain", "nosuch/2025-01"],
    ]) {
      const r = await runBin([...audit, ...extra], { cwd: dir });
      expect(r.code, extra.join(" ")).toBe(1);
      expect(r.stdout).toMatch(/no chains found.*: nothing was audited/);
      expect(r.stdout).toContain("RESULT: NOT verified");
      expect(r.stdout).not.toMatch(/RESULT: verified/);
      const j = await runBin([...audit, ...extra, "--json"], { cwd: dir });
      expect(j.code).toBe(1);
      expect(JSON.parse(j.stdout)).toMatchObject({ verified: false, chains: [] });
    }
    writeFileSync(join(dir, "empty.ndjson"), "");
    const empty = await runBin(["lock", "verify-file", "--anchors", "anchors.ndjson", "empty.ndjson"], {
      cwd: dir,
    });
    expect(empty.code).toBe(1);
    expect(empty.stdout).toContain("RESULT: NOT verified"); // the anchors name entries the file lacks
    const ok = await runBin([...audit, "--door", "door-5"], { cwd: dir });
    expect(ok.code).toBe(0); // the same audit of a door that exists does verify
    expect(ok.stdout).toContain("RESULT: verified");
  });

  it("export and verify-file: offline audit, also of a compacted export and from stdin", async () => {
    const exp = await runCli(["lock", "export", "--collector", url, "--out", "export.ndjson"], "", dir);
    expect(exp.stdout).toContain("exported 27 entries to export.ndjson");
    expect(readFileSync(join(dir, "export.ndjson"), "utf8")).toBe(ndjson(sent));
    const file = await runCli(
      ["lock", "verify-file", "--anchors", "anchors.ndjson", "--json", "export.ndjson"],
      "",
      dir,
    );
    expect(JSON.parse(file.stdout).verified).toBe(true);
    const compact = await runCli(
      [
        "lock",
        "export",
        "--collector",
        url,
        "--out",
        "compact.ndjson",
        "--compact",
        "--anchors",
        "anchors.ndjson",
      ],
      "",
      dir,
    );
    expect(compact.stdout).toMatch(/exported 27 entries to compact.ndjson \(\d+ with signatures\)/);
    const c = await runCli(
      ["lock", "verify-file", "--anchors", "anchors.ndjson", "--compaction", "compact.ndjson"],
      "",
      dir,
    );
    expect(c.code).toBe(0);
    const strict = await runCli(
      ["lock", "verify-file", "--anchors", "anchors.ndjson", "compact.ndjson"],
      "",
      dir,
    );
    expect(strict.code).toBe(1);
    const stdin = await runCli(
      ["lock", "verify-file", "--anchors", "anchors.ndjson", "-"],
      ndjson(sent),
      dir,
    );
    expect(stdin.code).toBe(0);
  });

  it("verify-file --witness K --require: cosigned anchors cover the log, or the rest is unwitnessed", async () => {
    // A witness cosigns the chain's anchors in order (with consistency proofs from the entries).
    const wkey = keyPairFromSeed(new Uint8Array(32).fill(6));
    const witness = new Witness({
      signer: { name: "w1.example", secretKey: wkey.secretKey },
      logs: [{ originPrefix: "chronoseal-lock/door-5/", keys: [noteVerifier("door-5", devicePublic)] }],
      store: mkdtempSync(join(tmpdir(), "cli-witness-")),
    });
    const leaves = entryHashes(sent);
    const tree = new MerkleTree(leafHashes(sent.map((_, i) => leaves.subarray(i * 32, i * 32 + 32))));
    const notes = new FileAnchors(join(dir, "anchors.ndjson")).notes();
    let old = 0;
    const cosigned: string[] = [];
    for (const note of notes) {
      const size = Number(note.split("\n")[1]);
      const proof = old === 0 || old === size ? [] : tree.consistencyProof(old, size);
      const body = `old ${old}\n${proof.map((h) => `${Buffer.from(h).toString("base64")}\n`).join("")}\n${note}`;
      cosigned.push(note + (await witness.addCheckpoint(body)).lines);
      old = size;
    }
    witness.close();
    const vkey = witness.vkey;
    // The anchors file as the lock wrote it, plus cosigned copies of some anchors (as a witnessed
    // lock publishes them again).
    const file = (list: string[]) => {
      const p = join(dir, `w-${list.length}.ndjson`);
      const copies = list.map((n) => `${JSON.stringify(n)}\n`).join("");
      writeFileSync(p, readFileSync(join(dir, "anchors.ndjson"), "utf8") + copies);
      return p;
    };
    // All anchors cosigned (the cosigned copies beside the bare ones): witnessed through the end.
    const all = await runCli(
      ["lock", "verify-file", "--anchors", file(cosigned), "--witness", vkey, "export.ndjson"],
      "",
      dir,
    );
    expect(all.code, all.stdout + all.stderr).toBe(0);
    expect(all.stdout).toContain("anchored through 26, witnessed through 26");
    // Only the first two anchors cosigned: the rest of the anchored log is unwitnessed.
    const some = await runCli(
      ["lock", "verify-file", "--anchors", file(cosigned.slice(0, 2)), "--witness", vkey, "export.ndjson"],
      "",
      dir,
    );
    expect(some.code).toBe(1);
    const through = Number(cosigned[1]!.split("\n")[1]) - 1;
    expect(some.stdout).toContain(`door-5/2025-01  UNWITNESSED`);
    expect(some.stdout).toContain("1 chain: 0 verified, 0 expired, 1 unwitnessed, 0 tampered");
    expect(some.stdout).toMatch(new RegExp(`unwitnessed +${through + 1}-26 `));
    // --require 0 reports without failing; --require above the keys given is a usage error.
    const zero = await runCli(
      [
        "lock",
        "verify-file",
        "--anchors",
        file(cosigned.slice(0, 2)),
        "--witness",
        vkey,
        "--require",
        "0",
        "export.ndjson",
      ],
      "",
      dir,
    );
    expect(zero.code).toBe(0);
    expect(
      (
        await runCli(
          [
            "lock",
            "verify-file",
            "--anchors",
            "anchors.ndjson",
            "--witness",
            vkey,
            "--require",
            "2",
            "export.ndjson",
          ],
          "",
          dir,
        )
      ).code,
    ).toBe(2);
    expect(
      (
        await runCli(
          ["lock", "verify-file", "--anchors", "anchors.ndjson", "--require", "1", "export.ndjson"],
          "",
          dir,
        )
      ).code,
    ).toBe(2);
  });

  it("verify-file names every tampered entry and exits 1", async () => {
    const tampered = sent
      .filter((e) => e.seq !== 7)
      .map((e) =>
        e.seq === 12
          ? { ...e, event: "closed" }
          : e.seq === 15
            ? { ...e, time: "2025-01-01T00:00:00.000Z" }
            : e,
      );
    tampered.splice(20, 0, sent[3]!);
    writeFileSync(join(dir, "tampered.ndjson"), `${ndjson(tampered)}not json\n`);
    const bad = await runCli(
      ["lock", "verify-file", "--anchors", "anchors.ndjson", "tampered.ndjson"],
      "",
      dir,
    );
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/door-5\/2025-01 {2}TAMPERED/);
    expect(bad.stdout).toMatch(/ {2}dropped +7 +missing from the collector's log/);
    expect(bad.stdout).toMatch(/ {2}altered +12 +the device signature does not verify/);
    expect(bad.stdout).toMatch(/ {2}backdated +15 /);
    expect(bad.stdout).toMatch(/ {2}replayed +3 /);
    expect(bad.stdout).toContain("1 lines were not entries of any chain");
    expect(bad.stdout).toContain("RESULT: NOT verified");
  });

  it("usage and input errors", async () => {
    expect((await runCli(["lock", "audit", "--collector", url], "", dir)).code).toBe(2); // no --anchors
    expect((await runCli(["lock", "audit", "--anchors", "anchors.ndjson"], "", dir)).code).toBe(2);
    expect(
      (await runCli(["lock", "audit", "--collector", "ftp://x", "--anchors", "anchors.ndjson"], "", dir))
        .code,
    ).toBe(2);
    expect((await runCli(["lock", "verify-file", "--anchors", "missing.ndjson", "x"], "", dir)).code).toBe(1);
    expect(
      (await runCli(["lock", "verify-file", "--anchors", "anchors.ndjson", "missing.ndjson"], "", dir)).code,
    ).toBe(1);
    expect(
      (
        await runCli(
          ["lock", "audit", "--collector", "http://127.0.0.1:1", "--anchors", "anchors.ndjson"],
          "",
          dir,
        )
      ).code,
    ).toBe(1);
    writeFileSync(join(dir, "empty.ndjson"), "");
    expect(
      (await runCli(["lock", "verify-file", "--anchors", "empty.ndjson", "export.ndjson"], "", dir)).code,
    ).toBe(2);
  });

  it("shows a progress bar on a terminal", async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    let stderr = "";
    err.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    out.resume();
    const code = await main(["lock", "audit", "--collector", url, "--anchors", "anchors.ndjson"], {
      stdin: Readable.from([]),
      stdout: out,
      stderr: err,
      isTTY: true,
      cwd: dir,
      env: {},
    });
    expect(code).toBe(0);
    expect(stderr).toMatch(/auditing \[.*\] 100% 27\/27 entries/);
  });
});
