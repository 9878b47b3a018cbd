// Interop between separate processes: a lock-agent process submits each anchor, with its
// consistency proof, to a meshd process's C2SP witness (tlog-witness add-checkpoint) and publishes
// the cosigned anchors into the mesh; a collector process takes the entries. Then the auditor — a
// `chronoseal lock audit` process and `chronoseal checkpoint verify` — requires the witness's
// cosignature/v1: everything anchored is witnessed; requiring a second witness that never cosigned
// fails and names the unwitnessed entries.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  encodePrivateKey,
  formatVerifierKey,
  generateKeyPair,
  parseVerifierKey,
  toBase64,
} from "@chronoseal/core";
import { createNetwork, launchMeshd, type MeshdProcess } from "@chronoseal/launch";
import { ANCHOR_SECTION, MeshAnchors } from "@chronoseal/lock";
import { afterAll, describe, expect, it } from "vitest";
import { Rig } from "./rig.js";

const cli = fileURLToPath(new URL("../../../packages/cli/dist/bin.js", import.meta.url));
let rig: Rig | undefined;
let mesh: MeshdProcess | undefined;
afterAll(async () => {
  rig?.killAll();
  await mesh?.stop("SIGKILL");
});

function chronoseal(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("lock agent → meshd witness → auditor (separate processes)", () => {
  // 120 s, not the default 30 s: meshd, the collector and the lock agent as real processes, the
  // agent's anchors cosigned over HTTP and attested in the mesh, then two CLI processes audit.
  it("every anchor is cosigned; the auditor requires the cosignature", async () => {
    rig = await Rig.create("e2e-witness-", "door-9");
    const { dir } = rig;
    const attestor = generateKeyPair();
    const wkey = generateKeyPair();
    mkdirSync(join(dir, "mesh"));
    writeFileSync(join(dir, "mesh", "attestor.pem"), encodePrivateKey(attestor, "pem") as string);
    writeFileSync(join(dir, "mesh", "witness.pem"), encodePrivateKey(wkey, "pem") as string);
    const net = createNetwork({
      attestors: [toBase64(attestor.publicKey)],
      sections: { [ANCHOR_SECTION]: { policy: "append-only", writers: [rig.publicKey] } },
    });
    writeFileSync(join(dir, "settings.json"), JSON.stringify(net.settings));
    const deviceVkey = formatVerifierKey("door-9", rig.keyPair.publicKey);
    mesh = await launchMeshd({
      dir: join(dir, "mesh"),
      config: {
        attestorKeyFile: "attestor.pem",
        networks: [{ admin: net.key, settingsFile: "../settings.json" }],
        gossipMs: 200,
        witness: {
          name: "witness.example.org/w1",
          keyFile: "witness.pem",
          logs: [{ originPrefix: "chronoseal-lock/door-9/", key: deviceVkey }],
        },
      },
    });
    const witnessVkey = formatVerifierKey("witness.example.org/w1", wkey.publicKey, "cosignature/v1");
    const collector = await rig.startCollector();
    // anchors to the mesh and the witness instead of a file; the agent's default uplink backoff
    const lock = rig.startAgent(
      rig.lockConfig("lock.json", {
        period: "2025-01",
        anchorsFile: undefined,
        uplink: undefined,
        mesh: { nodes: [mesh.url], network: net.key },
        witnesses: [{ url: mesh.url, key: witnessVkey }],
        driver: { seed: 9 },
      }),
    );
    // Anchors at sizes 1, 5, 10, …: wait until the one covering 25 entries is cosigned.
    const cosigned = await lock.waitFor((l) => l.msg === "anchor cosigned" && (l.size as number) >= 25);
    expect(cosigned).toMatchObject({ witness: "witness.example.org/w1", chain: "door-9/2025-01" });
    await lock.waitFor(
      (l) =>
        l.msg === "uplink" &&
        l.pending === 0 &&
        (l.sent as number) > 0 &&
        (l.time as number) > (cosigned.time as number),
    );
    expect(await lock.kill("SIGTERM")).toBe(0);
    expect(lock.lines.filter((l) => l.msg === "witness refused the anchor")).toEqual([]);

    // The mesh's anchors carry the witness's lines.
    const notes = await new MeshAnchors({ nodes: [mesh.url], network: net.key }).notes();
    const withWitness = notes.filter((n) => n.includes("\n— witness.example.org/w1 "));
    expect(withWitness.length).toBeGreaterThanOrEqual(5);
    writeFileSync(
      join(dir, "anchors.ndjson"),
      `${[...notes.map((n) => JSON.stringify(n)), JSON.stringify({ device: "door-9", key: rig.publicKey })].join("\n")}\n`,
    );

    // The auditor as a process, requiring the witness: verified, witnessed through the anchored log.
    const audit = chronoseal(
      [
        "lock",
        "audit",
        "--collector",
        rig.url,
        "--anchors",
        "anchors.ndjson",
        "--witness",
        witnessVkey,
        "--require",
        "1",
        "--json",
      ],
      dir,
    );
    expect(audit.stderr).toBe("");
    const report = JSON.parse(audit.stdout) as {
      chains: { witnessedThrough: number; anchoredThrough: number; findings: { kind: string }[] }[];
    };
    const chain = report.chains[0]!;
    expect(chain.findings.filter((f) => f.kind !== "unanchored")).toEqual([]);
    expect(chain.anchoredThrough).toBeGreaterThanOrEqual(24);
    expect(chain.witnessedThrough).toBe(chain.anchoredThrough);
    expect(audit.code).toBe(0);

    // Requiring a second witness that never cosigned: every anchored entry is unwitnessed, exit 1.
    const absent = formatVerifierKey("witness.example.org/w2", generateKeyPair().publicKey, "cosignature/v1");
    const two = chronoseal(
      [
        "lock",
        "audit",
        "--collector",
        rig.url,
        "--anchors",
        "anchors.ndjson",
        "--witness",
        `${witnessVkey},${absent}`,
        "--require",
        "2",
      ],
      dir,
    );
    expect(two.code).toBe(1);
    expect(two.stdout).toMatch(new RegExp(`unwitnessed +0-${chain.anchoredThrough} `));

    // One cosigned anchor, checked on its own by `chronoseal checkpoint verify`.
    writeFileSync(join(dir, "anchor.note"), withWitness.at(-1)!);
    const v = chronoseal(
      [
        "checkpoint",
        "verify",
        "--vkey",
        deviceVkey,
        "--witness",
        witnessVkey,
        "--require",
        "1",
        "--json",
        "anchor.note",
      ],
      dir,
    );
    expect(v.code, v.stderr).toBe(0);
    const verified = JSON.parse(v.stdout) as {
      verified: string[];
      witnesses: { name: string; time: string }[];
    };
    expect(verified.verified).toEqual(["door-9"]);
    expect(verified.witnesses.map((w) => w.name)).toEqual([parseVerifierKey(witnessVkey).name]);
    expect(Date.parse(verified.witnesses[0]!.time)).toBeGreaterThan(Date.now() - 600_000);

    expect(await collector.kill("SIGTERM")).toBe(0);
    expect(await mesh.stop("SIGTERM")).toBe(0);
  }, 120_000);
});
