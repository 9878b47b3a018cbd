import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { init, sha256 } from "@chronoseal/core";
import {
  concatStream,
  makeInception,
  makeInteraction,
  messagize,
  nextKeyDigest,
  signerFromSeed,
  signIndexed,
} from "@chronoseal/keri";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run.js";

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, "..", "dist", "bin.js");
const samples = resolve(here, "..", "..", "..", "..", "shared", "vectors", "acdc", "vLEI", "samples-acdc");
const vlei = join(samples, "EBzltAGk2r2ztLpT7bqWln_Btb_pVowElbKxvqbG4_n4-acdc.cesr");
const haveVectors = existsSync(vlei);
if (!haveVectors) console.warn("[vectors] skipping the vLEI CLI tests: ../shared/vectors not found");

let dir: string;
let good: string;
let prefix: string;

beforeAll(async () => {
  await init();
  dir = mkdtempSync(join(tmpdir(), "cli-keri-"));
  const k0 = signerFromSeed(sha256(new TextEncoder().encode("cli-keri-0")));
  const k1 = signerFromSeed(sha256(new TextEncoder().encode("cli-keri-1")));
  const icp = makeInception({ keys: [k0.verfer], nextDigests: [nextKeyDigest(k1.verfer)] });
  const ixn = makeInteraction({ prefix: icp.said, sn: 1, prior: icp.said, seals: [{ d: icp.said }] });
  prefix = icp.said;
  good = join(dir, "good.cesr");
  writeFileSync(
    good,
    concatStream([
      messagize(icp.raw, { controllerSigs: signIndexed(icp.raw, [k0]) }),
      messagize(ixn.raw, { controllerSigs: signIndexed(ixn.raw, [k0]), pipelined: true }),
    ]),
  );
});

describe("chronoseal keri parse", () => {
  it("lists messages, attachments and SAID checks of a stream we made", async () => {
    const r = await runCli(["keri", "parse", good]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/#0 {2}@0 {2}icp .*ok \(current\).*\[1 sig\]/);
    expect(r.stdout).toContain("2 message(s), 0 with a bad SAID");
    const json = JSON.parse((await runCli(["keri", "parse", "--json", good])).stdout) as {
      ilk: string;
      attachments: { groups: { code: string }[] };
    }[];
    expect(json.map((m) => m.ilk)).toEqual(["icp", "ixn"]);
    expect(json[1]?.attachments.groups.map((g) => g.code)).toEqual(["-V", "-A"]);
  });

  it("a bad SAID is a negative verdict (exit 1); a malformed stream names the byte offset", async () => {
    const text = readFileSync(good, "latin1");
    const badSaid = join(dir, "bad-said.cesr");
    writeFileSync(badSaid, text.replace('"s":"1"', '"s":"2"'), "latin1");
    const r = await runCli(["keri", "parse", badSaid]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/BAD: digest-mismatch/);
    const truncated = join(dir, "truncated.cesr");
    writeFileSync(truncated, text.slice(0, text.length - 10), "latin1");
    const t = await runCli(["keri", "parse", truncated]);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/CesrError: .*\(at byte \d+\)/);
  });

  it("usage errors exit 2", async () => {
    expect((await runCli(["keri", "parse", "--layout", "1999", good])).code).toBe(2);
    expect((await runCli(["keri", "parse", good, good])).code).toBe(2);
    expect((await runCli(["keri", "parse", "/nonexistent.cesr"])).code).toBe(1);
  });

  it.skipIf(!haveVectors)(
    "the real vLEI stream: 34 messages, every SAID verifies (2022 layout)",
    async () => {
      const r = await runCli(["keri", "parse", vlei]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("34 message(s), 0 with a bad SAID");
      expect(r.stdout).toMatch(/acdc .*sections a:ok,e:ok,r:ok/);
    },
  );
});

describe("chronoseal keri kel", () => {
  it("prints the replayed key state of an accepted log (exit 0)", async () => {
    const r = await runCli(["keri", "kel", good]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${prefix}  ACCEPTED`);
    expect(r.stdout).toMatch(/sn 1 {2}last \S+ \(ixn\)/);
    const [log] = JSON.parse((await runCli(["keri", "kel", "--json", good])).stdout) as {
      status: string;
      state: { s: string; k: string[] };
    }[];
    expect(log).toMatchObject({ status: "accepted", state: { s: "1" } });
  });

  it("merges several files and reports what a log waits for", async () => {
    const text = readFileSync(good, "latin1");
    const second = text.indexOf('{"v"', 1);
    const a = join(dir, "a.cesr");
    const b = join(dir, "b.cesr");
    writeFileSync(a, text.slice(second), "latin1");
    writeFileSync(b, text.slice(0, second), "latin1");
    const only = await runCli(["keri", "kel", a]);
    expect(only.code).toBe(1);
    expect(only.stdout).toContain("PENDING");
    expect(only.stdout).toContain("waits for a valid inception event");
    expect((await runCli(["keri", "kel", a, b])).code).toBe(0);
    expect((await runCli(["keri", "kel", "--prefix", "Enope", a, b])).code).toBe(2);
  });

  it.skipIf(!haveVectors)(
    "the real vLEI stream: the QVI waits for the root's log; the LE-issuer for the QVI",
    async () => {
      const r = await runCli(["keri", "kel", vlei]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("Ez6QKIKLzrGqpq4v9Bj908pQanoRKwOgBXjPW-w-P_8Q  PENDING");
      expect(r.stdout).toContain(
        "waits for the delegator's key event log EC1m0ZF6ez1xoM8-jQsIbT5I3GpYnX4Zzh4om8_V1bnU",
      );
      expect(r.stdout).toContain(
        "waits for the delegator Ez6QKIKLzrGqpq4v9Bj908pQanoRKwOgBXjPW-w-P_8Q, whose own log is not accepted",
      );
      expect(r.stdout).toContain("EMmpfMDxnqLMygo8dpXg-gYp2Ml8nIcgT9R4z8ocdy1w  ACCEPTED");
      const one = JSON.parse(
        (
          await runCli([
            "keri",
            "kel",
            "--json",
            "--prefix",
            "EMmpfMDxnqLMygo8dpXg-gYp2Ml8nIcgT9R4z8ocdy1w",
            vlei,
          ])
        ).stdout,
      ) as { state: { s: string; b: string[] } }[];
      expect(one).toHaveLength(1);
      expect(one[0]?.state.s).toBe("2");
      expect(one[0]?.state.b).toHaveLength(3);
    },
  );

  it("the built binary reads a real file from disk", () => {
    const out = spawnSync(process.execPath, [bin, "keri", "kel", good], { encoding: "utf8" });
    expect(out.status).toBe(0);
    expect(out.stdout).toContain("ACCEPTED");
    const cut = join(dir, "cut.cesr");
    writeFileSync(cut, readFileSync(good).subarray(0, 100));
    const bad = spawnSync(process.execPath, [bin, "keri", "parse", cut], { encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("body announces");
  });

  it("an empty stream is nothing verified: parse and kel exit 1 (the built binary)", () => {
    const empty = join(dir, "empty.cesr");
    writeFileSync(empty, "");
    for (const verb of ["parse", "kel"]) {
      const r = spawnSync(process.execPath, [bin, "keri", verb, empty], { encoding: "utf8" });
      expect(r.status, verb).toBe(1);
      expect(r.stdout + r.stderr).toMatch(/no (messages|key events) in the input/);
    }
  });
});
